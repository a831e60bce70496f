"""attendee listing consent, wishes (meet/avoid), suggestions and per-event wish settings (issue 10)

Attendees may agree to be listed to the other attendees of their event (attendee.listed_at,
NULL = not listed, the default for everyone already registered). Listed people can be wished
for: "I'd like to meet" / "I'd rather not meet" (wish: one row per person and other person).
The worker stores each attendee's best-scoring listed partners with the reason (suggestion),
so pages never load a text model. Events get wishes_open (closed for existing events),
an optional closing time, the per-person "like to meet" limit (5) and suggestions_at.

Revision ID: c1a2b3c4d5e6
Revises: b5e1c0a7d9f3
Create Date: 2026-11-29 19:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c1a2b3c4d5e6'
down_revision = 'b5e1c0a7d9f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wishes_open', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('wishes_close_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('wish_limit', sa.Integer(), nullable=False,
                                      server_default='5'))
        batch_op.add_column(sa.Column('suggestions_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('listed_at', sa.DateTime(), nullable=True))
    op.create_table(
        'wish',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('attendee_id', sa.Integer(), nullable=False),
        sa.Column('other_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('meet', 'avoid', name='wishkind', native_enum=False,
                                  length=8), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('meet', 'avoid')", name=op.f('ck_wish_kind')),
        sa.ForeignKeyConstraint(['attendee_id'], ['attendee.id'],
                                name=op.f('fk_wish_attendee_id_attendee'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'],
                                name=op.f('fk_wish_event_id_event'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['other_id'], ['attendee.id'],
                                name=op.f('fk_wish_other_id_attendee'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_wish')),
        sa.UniqueConstraint('attendee_id', 'other_id', name=op.f('uq_wish_attendee_id_other_id')),
    )
    op.create_index(op.f('ix_wish_event_id'), 'wish', ['event_id'], unique=False)
    op.create_index(op.f('ix_wish_other_id'), 'wish', ['other_id'], unique=False)
    op.create_table(
        'suggestion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('attendee_id', sa.Integer(), nullable=False),
        sa.Column('other_id', sa.Integer(), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('score', sa.Double(), nullable=False),
        sa.Column('reason', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['attendee_id'], ['attendee.id'],
                                name=op.f('fk_suggestion_attendee_id_attendee'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'],
                                name=op.f('fk_suggestion_event_id_event'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['other_id'], ['attendee.id'],
                                name=op.f('fk_suggestion_other_id_attendee'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion')),
        sa.UniqueConstraint('attendee_id', 'other_id',
                            name=op.f('uq_suggestion_attendee_id_other_id')),
    )
    op.create_index(op.f('ix_suggestion_event_id'), 'suggestion', ['event_id'], unique=False)
    op.create_index(op.f('ix_suggestion_other_id'), 'suggestion', ['other_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_suggestion_other_id'), table_name='suggestion')
    op.drop_index(op.f('ix_suggestion_event_id'), table_name='suggestion')
    op.drop_table('suggestion')
    op.drop_index(op.f('ix_wish_other_id'), table_name='wish')
    op.drop_index(op.f('ix_wish_event_id'), table_name='wish')
    op.drop_table('wish')
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.drop_column('listed_at')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('suggestions_at')
        batch_op.drop_column('wish_limit')
        batch_op.drop_column('wishes_close_at')
        batch_op.drop_column('wishes_open')

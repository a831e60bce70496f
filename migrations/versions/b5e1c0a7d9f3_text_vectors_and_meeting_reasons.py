"""text vectors, per-meeting benefits and reasons, the version's scorer and two-way share

The benefit estimate now reads meaning with a local text model. Each profile item is encoded
once and its vector stored (text_vector, keyed by model and text hash); attendee.vectors_at
says when the worker last did so. A saved meeting keeps both benefits and the structured
reason (what each side offers that the other needs, quoted), so pages can phrase it for
their reader without a model; a version records which scorer judged it and its two-way share.
Existing rows keep their plain-text reason (why) and get NULL in the new columns.

Revision ID: b5e1c0a7d9f3
Revises: 44b9f632d72b
Create Date: 2026-11-29 17:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b5e1c0a7d9f3'
down_revision = '44b9f632d72b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'text_vector',
        sa.Column('model', sa.String(length=64), nullable=False),
        sa.Column('text_hash', sa.String(length=64), nullable=False),
        sa.Column('vector', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('model', 'text_hash', name=op.f('pk_text_vector')),
    )
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vectors_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('schedule_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scorer', sa.String(length=40), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('two_way_share', sa.Double(), nullable=True))
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('benefit_ab', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('benefit_ba', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('reason')
        batch_op.drop_column('benefit_ba')
        batch_op.drop_column('benefit_ab')
    with op.batch_alter_table('schedule_version', schema=None) as batch_op:
        batch_op.drop_column('two_way_share')
        batch_op.drop_column('scorer')
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.drop_column('vectors_at')
    op.drop_table('text_vector')

"""privacy: per-event notice and its versions, retention, cancelled meetings (issue 9, part b)

Events get the organiser's privacy notice (empty: the default text) with a version number
(0: the default), every version's text kept in privacy_notice so the words an attendee agreed
to can be shown again; retention_days (NULL: the instance's MEETMATCH_RETENTION_DAYS), when
the organiser was warned, and, once retention has run, when personal data was erased and the
aggregate figures kept. cancelled_meeting lets the partner of someone who erased their data
still see that slot as "a cancelled meeting".

Revision ID: c4d5e6f7a8b9
Revises: c3c4d5e6f7a8
Create Date: 2026-11-29 19:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4d5e6f7a8b9'
down_revision = 'c3c4d5e6f7a8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_notice', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('privacy_notice_version', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('retention_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('retention_warned_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('personal_data_erased_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('retained_figures', sa.JSON(), nullable=True))
    op.create_table(
        'privacy_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'],
                                name=op.f('fk_privacy_notice_event_id_event'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_notice')),
        sa.UniqueConstraint('event_id', 'version',
                            name=op.f('uq_privacy_notice_event_id_version')),
    )
    op.create_table(
        'cancelled_meeting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('attendee_id', sa.Integer(), nullable=False),
        sa.Column('round_number', sa.Integer(), nullable=False),
        sa.Column('table_number', sa.Integer(), nullable=False),
        sa.Column('cancelled_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['attendee_id'], ['attendee.id'],
                                name=op.f('fk_cancelled_meeting_attendee_id_attendee'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['version_id'], ['schedule_version.id'],
                                name=op.f('fk_cancelled_meeting_version_id_schedule_version'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cancelled_meeting')),
    )
    op.create_index(op.f('ix_cancelled_meeting_attendee_id'), 'cancelled_meeting',
                    ['attendee_id'], unique=False)
    op.create_index(op.f('ix_cancelled_meeting_version_id'), 'cancelled_meeting',
                    ['version_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_cancelled_meeting_version_id'), table_name='cancelled_meeting')
    op.drop_index(op.f('ix_cancelled_meeting_attendee_id'), table_name='cancelled_meeting')
    op.drop_table('cancelled_meeting')
    op.drop_table('privacy_notice')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('retained_figures')
        batch_op.drop_column('personal_data_erased_at')
        batch_op.drop_column('retention_warned_at')
        batch_op.drop_column('retention_days')
        batch_op.drop_column('privacy_notice_version')
        batch_op.drop_column('privacy_notice')

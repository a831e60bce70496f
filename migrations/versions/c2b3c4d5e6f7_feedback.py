"""check-in, meeting feedback and cross-event memory (issue 12)

attendee.checked_in_at: when the organiser marked the person present on the day.
event.feedback_after_hours / feedback_requested_at: the automatic feedback request and when the
request went out; event.history_rule (off | on | not_useful): don't pair people who met at the
organiser's earlier events. meeting_feedback: one row per saved meeting and person of it, deleted
with the meeting, the person or their partner.

Revision ID: c2b3c4d5e6f7
Revises: c1a2b3c4d5e6
Create Date: 2026-11-29 19:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c2b3c4d5e6f7'
down_revision = 'c1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feedback_after_hours', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('feedback_requested_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('history_rule', sa.String(length=16), nullable=False,
                                      server_default='off'))
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_in_at', sa.DateTime(), nullable=True))
    op.create_table(
        'meeting_feedback',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('attendee_id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('happened', sa.String(length=16), nullable=False),
        sa.Column('gained', sa.Integer(), nullable=True),
        sa.Column('gave', sa.Integer(), nullable=True),
        sa.Column('follow_up', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("happened IN ('yes', 'no_show', 'cancelled')",
                           name=op.f('ck_meeting_feedback_happened')),
        sa.CheckConstraint('gained IS NULL OR gained BETWEEN 0 AND 2',
                           name=op.f('ck_meeting_feedback_gained')),
        sa.CheckConstraint('gave IS NULL OR gave BETWEEN 0 AND 2',
                           name=op.f('ck_meeting_feedback_gave')),
        sa.ForeignKeyConstraint(['attendee_id'], ['attendee.id'],
                                name=op.f('fk_meeting_feedback_attendee_id_attendee'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'],
                                name=op.f('fk_meeting_feedback_event_id_event'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'],
                                name=op.f('fk_meeting_feedback_meeting_id_meeting'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['partner_id'], ['attendee.id'],
                                name=op.f('fk_meeting_feedback_partner_id_attendee'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_feedback')),
        sa.UniqueConstraint('meeting_id', 'attendee_id',
                            name=op.f('uq_meeting_feedback_meeting_id_attendee_id')),
    )
    for column in ('event_id', 'meeting_id', 'attendee_id', 'partner_id'):
        op.create_index(op.f(f'ix_meeting_feedback_{column}'), 'meeting_feedback', [column],
                        unique=False)


def downgrade():
    for column in ('event_id', 'meeting_id', 'attendee_id', 'partner_id'):
        op.drop_index(op.f(f'ix_meeting_feedback_{column}'), table_name='meeting_feedback')
    op.drop_table('meeting_feedback')
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.drop_column('checked_in_at')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('history_rule')
        batch_op.drop_column('feedback_requested_at')
        batch_op.drop_column('feedback_after_hours')

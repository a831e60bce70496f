"""trios instead of sitting out (issue 13): an event's allow_trios, a meeting's third person,
and feedback per partner (in a trio each person rates both others)

Revision ID: d1a2b3c4d5e6
Revises: c6f7a8b9c0d1
Create Date: 2026-11-29 22:15:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd1a2b3c4d5e6'
down_revision = 'c6f7a8b9c0d1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allow_trios', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendee_c_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_meeting_attendee_c_id_attendee'), 'attendee',
                                    ['attendee_c_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('meeting_feedback', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_meeting_feedback_meeting_id_attendee_id'),
                                 type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_meeting_feedback_meeting_id_attendee_id_partner_id'),
            ['meeting_id', 'attendee_id', 'partner_id'])


def downgrade():
    # A trio becomes the meeting of its first two people (the third person's seat is lost);
    # a person keeps one answer per meeting (about the pair's other person).
    op.execute("DELETE FROM meeting_feedback WHERE EXISTS (SELECT 1 FROM meeting WHERE "
               "meeting.id = meeting_feedback.meeting_id AND meeting.attendee_c_id IN "
               "(meeting_feedback.attendee_id, meeting_feedback.partner_id))")
    op.execute("DELETE FROM meeting_feedback WHERE id NOT IN (SELECT MIN(id) FROM "
               "meeting_feedback GROUP BY meeting_id, attendee_id)")
    with op.batch_alter_table('meeting_feedback', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('uq_meeting_feedback_meeting_id_attendee_id_partner_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_meeting_feedback_meeting_id_attendee_id'),
                                          ['meeting_id', 'attendee_id'])
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_attendee_c_id_attendee'),
                                 type_='foreignkey')
        batch_op.drop_column('attendee_c_id')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('allow_trios')

"""compact days (issue 13): an event's compact setting and an attendee's arrive-late /
leave-early window (the first and last round they can be there)

Revision ID: d2b3c4d5e6f7
Revises: d1a2b3c4d5e6
Create Date: 2026-11-29 22:15:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd2b3c4d5e6f7'
down_revision = 'd1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('compact', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_round', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('last_round', sa.Integer(), nullable=True))


def downgrade():
    # The window is folded into the rounds they ticked, so a downgraded database still
    # plans nobody outside it (available_rounds is "1,2,5"; empty or NULL: every round).
    bind = op.get_bind()
    rounds = sa.table('round', sa.column('event_id', sa.Integer), sa.column('number', sa.Integer))
    attendee = sa.table('attendee', sa.column('id', sa.Integer), sa.column('event_id', sa.Integer),
                        sa.column('available_rounds', sa.String),
                        sa.column('first_round', sa.Integer), sa.column('last_round', sa.Integer))
    windowed = bind.execute(sa.select(attendee).where(
        sa.or_(attendee.c.first_round.isnot(None), attendee.c.last_round.isnot(None)))).all()
    for row in windowed:
        numbers = sorted(n for (n,) in bind.execute(
            sa.select(rounds.c.number).where(rounds.c.event_id == row.event_id)))
        ticked = ([int(x) for x in row.available_rounds.split(",") if x.strip()]
                  if row.available_rounds else numbers)
        lo = row.first_round or 1
        hi = row.last_round or (numbers[-1] if numbers else lo)
        kept = [n for n in ticked if lo <= n <= hi]
        bind.execute(attendee.update().where(attendee.c.id == row.id).values(
            available_rounds=",".join(str(n) for n in kept) if kept else None))
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.drop_column('last_round')
        batch_op.drop_column('first_round')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('compact')

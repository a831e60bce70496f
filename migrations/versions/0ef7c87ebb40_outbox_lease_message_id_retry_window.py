"""outbox: a lease on claimed messages, a stable Message-ID, the start of the retry window

A message claimed as 'sending' by a worker that died was never sent. Now a claim carries a
lease (lease_until); after it another worker sends the message again, with the Message-ID
stored when it was queued, so a copy that did arrive is recognisable. queued_at starts the
retry window (a resend starts a new one). Rows already stuck in 'sending' get no lease, so the
next worker retries them; rows without a Message-ID get one derived from their id.

Revision ID: 0ef7c87ebb40
Revises: 804098ad00c5
Create Date: 2026-11-29 16:26:50

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0ef7c87ebb40'
down_revision = '804098ad00c5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('queued_at')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('message_id')

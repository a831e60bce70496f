"""organiser: a session generation, so that logout and a new password end old sessions

Session cookies are signed by the client and cannot be taken back: one copied before a logout
or a password change kept working for 31 days. Each login now carries the organiser's
session_generation, which logout and a new password raise; a cookie with an older number is
refused. Existing organisers start at 0 (their current cookies carry no number and end too).

Revision ID: 44b9f632d72b
Revises: 0ef7c87ebb40
Create Date: 2026-11-30 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '44b9f632d72b'
down_revision = '0ef7c87ebb40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.drop_column('session_generation')

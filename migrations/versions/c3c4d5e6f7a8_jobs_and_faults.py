"""job leases and fault handling (issue 9, part a)

A job's ``attempts``: how many times a worker started it. A job whose worker stopped renewing
its lease (``heartbeat_at``) is taken over by another worker, at most JOB_MAX_ATTEMPTS times.

Revision ID: c3c4d5e6f7a8
Revises: c2b3c4d5e6f7
Create Date: 2026-11-29 19:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c3c4d5e6f7a8'
down_revision = 'c2b3c4d5e6f7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('attempts')

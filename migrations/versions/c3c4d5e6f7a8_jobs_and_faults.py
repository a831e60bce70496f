"""job leases and fault handling (issue 9, part a)

(A placeholder in the chain until its part lands; it changes nothing yet.)

Revision ID: c3c4d5e6f7a8
Revises: c2b3c4d5e6f7
Create Date: 2026-11-29 19:30:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'c3c4d5e6f7a8'
down_revision = 'c2b3c4d5e6f7'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

"""privacy, consent versions, retention and deletion (issue 9, part b)

(A placeholder in the chain until its part lands; it changes nothing yet.)

Revision ID: c4d5e6f7a8b9
Revises: c3c4d5e6f7a8
Create Date: 2026-11-29 19:30:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'c4d5e6f7a8b9'
down_revision = 'c3c4d5e6f7a8'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

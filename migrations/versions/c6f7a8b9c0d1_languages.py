"""languages and time zones (issue 11, Swedish and English)

(A placeholder in the chain until its part lands; it changes nothing yet.)

Revision ID: c6f7a8b9c0d1
Revises: c5e6f7a8b9c0
Create Date: 2026-11-29 19:30:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'c6f7a8b9c0d1'
down_revision = 'c5e6f7a8b9c0'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

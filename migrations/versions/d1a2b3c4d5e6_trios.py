"""trios instead of sitting out (issue 13) (placeholder: filled in by the part that owns it)

Revision ID: d1a2b3c4d5e6
Revises: c6f7a8b9c0d1
Create Date: 2026-11-29 22:15:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'd1a2b3c4d5e6'
down_revision = 'c6f7a8b9c0d1'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

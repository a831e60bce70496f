"""day-of flow, remembered cancellations and calendar identity (issue 11, part a)

(A placeholder in the chain until its part lands; it changes nothing yet.)

Revision ID: c5e6f7a8b9c0
Revises: c4d5e6f7a8b9
Create Date: 2026-11-29 19:30:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'c5e6f7a8b9c0'
down_revision = 'c4d5e6f7a8b9'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

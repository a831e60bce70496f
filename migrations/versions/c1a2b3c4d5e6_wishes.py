"""attendee listing consent, wishes (meet/avoid) and per-event wish settings (issue 10)

(A placeholder in the chain until its part lands; it changes nothing yet.)

Revision ID: c1a2b3c4d5e6
Revises: b5e1c0a7d9f3
Create Date: 2026-11-29 19:30:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'c1a2b3c4d5e6'
down_revision = 'b5e1c0a7d9f3'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

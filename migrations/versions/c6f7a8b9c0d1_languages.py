"""languages and time zones (issue 11, Swedish and English)

Each event gets a default language for its public pages and mail (``event.language``, "en" for
existing events); an attendee who switched language keeps the choice (``attendee.language``,
empty: the event's).

Contact and logo (issue 11, print and the little things; a block of its own below): the
organiser's contact address (``event.contact_email``, Reply-To of the event's mail, "" for
existing events) and the event's logo as re-encoded PNG bytes (``event.logo_png``, nullable).

Revision ID: c6f7a8b9c0d1
Revises: c5e6f7a8b9c0
Create Date: 2026-11-29 19:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c6f7a8b9c0d1'
down_revision = 'c5e6f7a8b9c0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='en',
                                      nullable=False))
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))

    # ---- contact and logo (print and the little things users expect) ----
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('logo_png', sa.LargeBinary(), nullable=True))


def downgrade():
    # ---- contact and logo ----
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('logo_png')
        batch_op.drop_column('contact_email')

    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('language')

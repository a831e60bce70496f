"""manage links: several per attendee, in a manage_token table

Every mail that carries a manage link used to overwrite attendee.manage_token_hash, so the
link in every earlier mail stopped working. Now each link is a row of manage_token. The
upgrade copies the stored hashes over, so links already mailed keep working; the downgrade
copies each attendee's newest unrevoked hash back.

Revision ID: 47fdcba41a01
Revises: ad4f4b97b464
Create Date: 2026-11-28 06:43:04.425471

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '47fdcba41a01'
down_revision = 'ad4f4b97b464'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('manage_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attendee_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['attendee_id'], ['attendee.id'], name=op.f('fk_manage_token_attendee_id_attendee'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manage_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_manage_token_token_hash'))
    )
    with op.batch_alter_table('manage_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_manage_token_attendee_id'), ['attendee_id'], unique=False)

    # Links already mailed keep working. Naive UTC, as the models store it (utcnow()).
    now = datetime.now(UTC).replace(tzinfo=None)
    op.get_bind().execute(
        sa.text("INSERT INTO manage_token (attendee_id, token_hash, purpose, created_at) "
                "SELECT id, manage_token_hash, 'migrated', :now FROM attendee "
                "WHERE manage_token_hash IS NOT NULL").bindparams(sa.bindparam('now', now, sa.DateTime()))
    )

    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_attendee_manage_token_hash'), type_='unique')
        batch_op.drop_column('manage_token_hash')


def downgrade():
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('manage_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_attendee_manage_token_hash'), ['manage_token_hash'])

    # One link per attendee again: keep the newest that still works; the others stop working.
    op.execute(
        "UPDATE attendee SET manage_token_hash = ("
        "SELECT token_hash FROM manage_token "
        "WHERE manage_token.attendee_id = attendee.id AND manage_token.revoked_at IS NULL "
        "ORDER BY manage_token.created_at DESC, manage_token.id DESC LIMIT 1)"
    )

    with op.batch_alter_table('manage_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_manage_token_attendee_id'))

    op.drop_table('manage_token')

"""day of: a remembered "cancelled by hand" pair rule (issue 11, part a)

A meeting the organiser cancels by hand becomes a pair_rule of kind 'cancelled', so a rebuild
does not pair the two again; the check on pair_rule.kind allows the new value. The downgrade
turns remembered cancellations into 'must_not_meet' rules (the same effect on a build) before
the check is narrowed again.

Revision ID: c5e6f7a8b9c0
Revises: c4d5e6f7a8b9
Create Date: 2026-11-29 19:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c5e6f7a8b9c0'
down_revision = 'c4d5e6f7a8b9'
branch_labels = None
depends_on = None


def _kind_check(kinds):
    with op.batch_alter_table('pair_rule', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_pair_rule_kind'), type_='check')
        batch_op.create_check_constraint(
            'kind', "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")")


def upgrade():
    _kind_check(('must_meet', 'must_not_meet', 'cancelled'))


def downgrade():
    op.execute("UPDATE pair_rule SET kind = 'must_not_meet' WHERE kind = 'cancelled'")
    _kind_check(('must_meet', 'must_not_meet'))

"""pair rules: a pair_rule table with a kind, instead of blocked_pair.requested

blocked_pair held both of the organiser's rules, "must not meet" and, with requested = true,
"must meet". It becomes pair_rule with kind 'must_meet' or 'must_not_meet'. Every row is
copied with its id (rule ids appear in the remove buttons of open pages); on PostgreSQL the
id sequence continues after the highest copied id. The downgrade copies them back.

Revision ID: 804098ad00c5
Revises: 7f4bda4017ca
Create Date: 2026-11-29 17:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '804098ad00c5'
down_revision = '7f4bda4017ca'
branch_labels = None
depends_on = None


def _rule_table(name, last_column):
    op.create_table(name,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('attendee_a_id', sa.Integer(), nullable=False),
    sa.Column('attendee_b_id', sa.Integer(), nullable=False),
    last_column,
    sa.ForeignKeyConstraint(['attendee_a_id'], ['attendee.id'], name=op.f(f'fk_{name}_attendee_a_id_attendee'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['attendee_b_id'], ['attendee.id'], name=op.f(f'fk_{name}_attendee_b_id_attendee'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f(f'fk_{name}_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
    sa.UniqueConstraint('event_id', 'attendee_a_id', 'attendee_b_id', name=op.f(f'uq_{name}_event_id_attendee_a_id_attendee_b_id')),
    *([sa.CheckConstraint("kind IN ('must_meet', 'must_not_meet')", name=op.f(f'ck_{name}_kind'))]
      if last_column.name == 'kind' else [])
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{name}_event_id'), ['event_id'], unique=False)


def _drop_rule_table(name):
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(f'ix_{name}_event_id'))
    op.drop_table(name)


def _continue_ids(name):
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                   f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)")


def upgrade():
    _rule_table('pair_rule', sa.Column('kind', sa.String(length=16), nullable=False))
    op.execute(
        "INSERT INTO pair_rule (id, event_id, attendee_a_id, attendee_b_id, kind) "
        "SELECT id, event_id, attendee_a_id, attendee_b_id, "
        "CASE WHEN requested THEN 'must_meet' ELSE 'must_not_meet' END FROM blocked_pair"
    )
    _continue_ids('pair_rule')
    _drop_rule_table('blocked_pair')


def downgrade():
    _rule_table('blocked_pair', sa.Column('requested', sa.Boolean(), nullable=False))
    op.execute(
        "INSERT INTO blocked_pair (id, event_id, attendee_a_id, attendee_b_id, requested) "
        "SELECT id, event_id, attendee_a_id, attendee_b_id, kind = 'must_meet' FROM pair_rule"
    )
    _continue_ids('blocked_pair')
    _drop_rule_table('pair_rule')

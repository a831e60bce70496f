"""jobs: JSON params and progress, version_id a real key, room for claims and heartbeats

params and progress were JSON kept in TEXT; they become JSON columns (the stored text is
JSON already, so it converts as it is). version_id now references schedule_version (ON
DELETE SET NULL): a value that points at no version is cleared first, and a render_pdf job's
version moves from params {"version_id": n} into the column. claimed_by and heartbeat_at are
new, empty columns: which worker claimed a job and when it last reported. The status column
stays VARCHAR(16) (the models read it as an enum of the same four values).

The downgrade turns the columns back into TEXT and puts a render job's version back into
its params.

Revision ID: 7f4bda4017ca
Revises: 47fdcba41a01
Create Date: 2026-11-29 17:05:00

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7f4bda4017ca'
down_revision = '47fdcba41a01'
branch_labels = None
depends_on = None

ACTIVE = sa.text("status IN ('queued', 'running')")


def _drop_active_index():
    # SQLite's batch mode rebuilds the table from reflection, which may lose the WHERE of a
    # partial index: drop it here and create it again, as written, afterwards.
    op.drop_index('uq_job_active_per_event', table_name='job', sqlite_where=ACTIVE,
                  postgresql_where=ACTIVE)


def _create_active_index():
    op.create_index('uq_job_active_per_event', 'job', ['event_id', 'kind'], unique=True,
                    sqlite_where=ACTIVE, postgresql_where=ACTIVE)


def upgrade():
    bind = op.get_bind()
    op.execute("UPDATE job SET params = '{}' WHERE params IS NULL OR params = ''")
    op.execute("UPDATE job SET progress = '{}' WHERE progress IS NULL OR progress = ''")
    op.execute("UPDATE job SET version_id = NULL WHERE version_id IS NOT NULL "
               "AND version_id NOT IN (SELECT id FROM schedule_version)")
    versions = set(bind.execute(sa.text("SELECT id FROM schedule_version")).scalars())
    renders = bind.execute(sa.text("SELECT id, params FROM job WHERE kind = 'render_pdf'")).all()
    for job_id, raw in renders:
        params = json.loads(raw or "{}")
        version_id = params.pop("version_id", None)
        bind.execute(sa.text("UPDATE job SET version_id = :version_id, params = :params WHERE id = :id"),
                     {"version_id": version_id if version_id in versions else None,
                      "params": json.dumps(params), "id": job_id})

    _drop_active_index()
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.alter_column('params', existing_type=sa.Text(), type_=sa.JSON(),
                              existing_nullable=False, postgresql_using='params::json')
        batch_op.alter_column('progress', existing_type=sa.Text(), type_=sa.JSON(),
                              existing_nullable=False, postgresql_using='progress::json')
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_job_version_id'), ['version_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_job_version_id_schedule_version'),
                                    'schedule_version', ['version_id'], ['id'], ondelete='SET NULL')
    _create_active_index()


def downgrade():
    _drop_active_index()
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_job_version_id_schedule_version'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_job_version_id'))
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('claimed_by')
        batch_op.alter_column('progress', existing_type=sa.JSON(), type_=sa.Text(),
                              existing_nullable=False, postgresql_using='progress::text')
        batch_op.alter_column('params', existing_type=sa.JSON(), type_=sa.Text(),
                              existing_nullable=False, postgresql_using='params::text')
    _create_active_index()

    bind = op.get_bind()
    renders = bind.execute(sa.text("SELECT id, params, version_id FROM job "
                                   "WHERE kind = 'render_pdf' AND version_id IS NOT NULL")).all()
    for job_id, raw, version_id in renders:
        params = json.loads(raw or "{}") | {"version_id": version_id}
        bind.execute(sa.text("UPDATE job SET version_id = NULL, params = :params WHERE id = :id"),
                     {"params": json.dumps(params), "id": job_id})

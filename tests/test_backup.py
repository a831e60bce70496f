"""`meetmatch backup` and `meetmatch restore` (issue 9, "Backups"): a backup taken while another
connection keeps inserting rows holds every row committed before it started (and nothing that
was never committed), restores into a new database, and passes SQLite's integrity check."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import threading
import uuid

import pytest
import sqlalchemy as sa

from meetmatch.extensions import db
from meetmatch.models import Attendee, Event

PREFILLED = 3000


@pytest.fixture
def backup_tools(db_kind):
    """PostgreSQL backups need pg_dump and pg_restore (SQLite needs nothing)."""
    if db_kind == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        if os.environ.get("CI"):
            pytest.fail("pg_dump/pg_restore are missing; .ci/run installs Debian's postgresql-client")
        pytest.skip("pg_dump/pg_restore are not installed (apt-get install postgresql-client)")


@pytest.fixture
def new_database_url(db_kind, database_url, tmp_path, backup_tools):
    """A second database to restore into: a new SQLite file, or a new PostgreSQL database with
    the same search_path (a restore keeps the schema's name)."""
    if db_kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    url = sa.engine.make_url(database_url)
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url.set(query={}), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _prefill(event: Event) -> set[int]:
    text = "Looking for a seed lead and design reviews. " * 20
    db.session.execute(sa.insert(Attendee), [
        {"event_id": event.id, "name": f"Person {n}", "email": f"p{n}@example.com",
         "offers_text": text, "needs_text": text} for n in range(PREFILLED)])
    db.session.commit()
    ids = set(db.session.execute(sa.select(Attendee.id)).scalars())
    db.session.commit()  # SQLite: end the transaction (BEGIN IMMEDIATE) so that others can write
    return ids


class Writer(threading.Thread):
    """Inserts attendees one transaction at a time until stopped; ``committed`` lists the id of
    each row after its commit returned."""

    def __init__(self, app, event_id: int):
        super().__init__(daemon=True)
        self.app, self.event_id = app, event_id
        self.committed: list[int] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.app.app_context():
                n = 0
                while not self.stop.is_set():
                    n += 1
                    attendee = Attendee(event_id=self.event_id, name=f"Writer {n}",
                                        email=f"writer{n}@example.com")
                    db.session.add(attendee)
                    db.session.flush()
                    new_id = attendee.id
                    db.session.commit()
                    with self.lock:
                        self.committed.append(new_id)
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error

    def snapshot(self) -> set[int]:
        with self.lock:
            return set(self.committed)


def _integrity(file) -> list[str]:
    with sqlite3.connect(f"file:{file}?mode=ro", uri=True) as conn:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]


def test_backup_of_a_running_instance_restores_every_committed_row(
        app, db_kind, make_event, make_app, new_database_url, tmp_path):
    event = make_event()
    event_id, event_name = event.id, event.name
    prefilled = _prefill(event)
    backup_file = tmp_path / "meetmatch.backup"

    writer = Writer(app, event_id)
    writer.start()
    try:
        while len(writer.snapshot()) < 20 and writer.is_alive():  # writes are under way
            writer.join(0.01)
        committed_before = writer.snapshot()
        result = app.test_cli_runner().invoke(args=["backup", str(backup_file)])
        committed_by_end = writer.snapshot()
    finally:
        writer.stop.set()
        writer.join(30)
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    assert len(committed_by_end) > len(committed_before), "no row was written during the backup"
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600  # it holds people's contact details
    if db_kind == "sqlite":
        assert _integrity(backup_file) == ["ok"]

    restored_app = make_app(create_schema=False, SQLALCHEMY_DATABASE_URI=new_database_url)
    with restored_app.app_context():
        result = restored_app.test_cli_runner().invoke(args=["restore", str(backup_file)])
        assert result.exit_code == 0, result.output
        restored = set(db.session.execute(sa.select(Attendee.id)).scalars())
        # Everything committed before the backup started, nothing that was not committed by
        # its end (a row either made it whole into the snapshot or not at all).
        assert prefilled | committed_before <= restored
        assert restored <= prefilled | committed_by_end
        assert db.session.get(Event, event_id).name == event_name
        if db_kind == "sqlite":
            assert _integrity(sa.engine.make_url(new_database_url).database) == ["ok"]

        db.session.remove()  # SQLite: our transaction would hold up the restore's writes

        # It now holds data: a second restore is refused unless forced.
        again = restored_app.test_cli_runner().invoke(args=["restore", str(backup_file)])
        assert again.exit_code != 0 and "--force" in again.output
        forced = restored_app.test_cli_runner().invoke(args=["restore", "--force", str(backup_file)])
        assert forced.exit_code == 0, forced.output
        assert set(db.session.execute(sa.select(Attendee.id)).scalars()) == restored


def test_restore_refuses_a_database_with_data_and_leaves_it_alone(app, make_event, tmp_path,
                                                                  backup_tools):
    event = make_event()
    backup_file = tmp_path / "one.backup"
    assert app.test_cli_runner().invoke(args=["backup", str(backup_file)]).exit_code == 0
    make_event(name="Made after the backup")
    refused = app.test_cli_runner().invoke(args=["restore", str(backup_file)])
    assert refused.exit_code != 0
    assert "already holds" in refused.output and "--force" in refused.output
    db.session.expire_all()
    assert {e.name for e in db.session.execute(sa.select(Event)).scalars()} == {
        event.name, "Made after the backup"}


def test_restore_refuses_a_file_that_is_no_backup(app, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    result = app.test_cli_runner().invoke(args=["restore", "--force", str(bogus)])
    assert result.exit_code != 0 and "not a meetmatch backup" in result.output

"""Database faults (issue 9, defect 10): visitors get a maintenance page, the worker one clear
line and exit code 75, and `meetmatch doctor` says what is wrong."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy.exc import IntegrityError

from meetmatch.extensions import db
from meetmatch.faults import EXIT_DATABASE_FAULT, database_fault
from meetmatch.models import Event

from .helpers import PROJECT_ROOT, server_env

UNREACHABLE_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:1/meetmatch?connect_timeout=3"


def assert_maintenance_page(response) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:500]
    assert response.headers["Retry-After"] == "60"
    assert "Down for maintenance" in page and "Nothing you typed was saved" in page
    assert "Traceback" not in page and "sqlite" not in page.lower() and "psycopg" not in page


def visit_pages(client, slug: str) -> None:
    for response in (client.get(f"/e/{slug}"),
                     client.post(f"/e/{slug}/register", data={"name": "Ann", "email": "a@example.com"})):
        assert_maintenance_page(response)


@pytest.fixture
def sqlite_app(app, db_kind, database_url, make_event):
    """The test app on its SQLite file, with one event; and the file's path."""
    if db_kind != "sqlite":
        pytest.skip("a fault of a SQLite file")
    make_event(slug="fault-fair")
    db.session.remove()
    db.engine.dispose()
    return app, Path(database_url.removeprefix("sqlite:///"))


def faults_logged(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "meetmatch.faults"]


def test_a_deleted_sqlite_file_gives_a_maintenance_page_and_one_log_line(sqlite_app, caplog):
    app, path = sqlite_app
    client = app.test_client()
    assert client.get("/e/fault-fair").status_code == 200
    db.session.remove()
    db.engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with caplog.at_level(logging.ERROR, logger="meetmatch.faults"):
        visit_pages(client, "fault-fair")
    lines = faults_logged(caplog)
    assert len(lines) == 2 and all(r.exc_info is None for r in lines)
    assert "has no meetmatch tables" in lines[0].getMessage()


def test_a_read_only_sqlite_file_gives_a_maintenance_page(sqlite_app, make_app, caplog,
                                                          registration_data):
    _, path = sqlite_app
    event = db.session.execute(db.select(Event).filter_by(slug="fault-fair")).scalar_one()
    data = registration_data(event)
    db.session.remove()
    # mode=ro: the same refusal a file without write permission gives (the tests run as root,
    # for whom permissions do not count)
    app = make_app(create_schema=False, SQLALCHEMY_DATABASE_URI=f"sqlite:///file:{path}?mode=ro&uri=true")
    client = app.test_client()
    assert client.get("/e/fault-fair").status_code == 200  # reading still works
    with caplog.at_level(logging.ERROR, logger="meetmatch.faults"):
        assert_maintenance_page(client.post("/e/fault-fair/register", data=data))
    assert "is read-only" in faults_logged(caplog)[0].getMessage()


def test_unreachable_postgresql_gives_a_maintenance_page(make_app, caplog):
    app = make_app(create_schema=False, SQLALCHEMY_DATABASE_URI=UNREACHABLE_POSTGRES)
    with caplog.at_level(logging.ERROR, logger="meetmatch.faults"):
        visit_pages(app.test_client(), "any-event")
    assert "cannot be reached" in faults_logged(caplog)[0].getMessage()


def test_ordinary_database_errors_are_not_called_faults():
    error = IntegrityError("INSERT …", {}, Exception("UNIQUE constraint failed: event.slug"))
    assert database_fault(error) is None
    assert database_fault(ValueError("no such table")) is None


@pytest.mark.parametrize("fault", ["deleted", "unreachable"])
def test_the_worker_says_what_is_wrong_once_and_exits_75(fault, tmp_path):
    url = f"sqlite:///{tmp_path / 'gone.sqlite'}" if fault == "deleted" else UNREACHABLE_POSTGRES
    env = server_env(url, tmp_path / "instance", MEETMATCH_SCORER="lexical",
                     MEETMATCH_WORKER_POLL_SECONDS="0.2", MEETMATCH_WORKER_DB_PATIENCE_SECONDS="1")
    script = Path(sys.executable).parent / "meetmatch"
    result = subprocess.run([str(script), "worker"], cwd=PROJECT_ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == EXIT_DATABASE_FAULT, output
    assert "Traceback" not in output, output
    expected = "has no meetmatch tables" if fault == "deleted" else "cannot be reached"
    # One line while it waits for the database to come back, one when it gives up.
    assert [line for line in output.splitlines() if expected in line] == [
        line for line in output.splitlines() if line.startswith("meetmatch worker: ")
        and expected in line]
    assert len([line for line in output.splitlines() if expected in line]) == 2, output
    assert "stopping, the database" in output and "(exit code 75)" in output


def doctor(app) -> tuple[int, dict[str, str]]:
    result = app.test_cli_runner().invoke(args=["doctor"])
    lines = {}
    for line in result.output.splitlines()[:-1]:
        status, name, *_ = line.split()
        lines[name] = status
    return result.exit_code, lines


def test_doctor_passes_on_a_migrated_instance(make_app, smtp_server):
    app = make_app(create_schema=False, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port,
                   MAIL_FROM="Startup Night <events@example.org>")
    with app.app_context():
        upgrade()
        code, lines = doctor(app)
    assert lines == {name: "OK" for name in
                     ("database", "migrations", "mail", "storage", "pdf", "encoder")}, lines
    assert code == 0


def test_doctor_fails_real_smtp_with_the_placeholder_sender(make_app, smtp_server):
    """The production example once left MAIL_FROM out: every mail would go from
    noreply@meetmatch.invalid, which real servers refuse or junk."""
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SCORER="lexical")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "FAIL  mail" in result.output and "set MAIL_FROM" in result.output, result.output


def test_doctor_names_each_failure_and_exits_1(make_app, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=1, PDF_DIR=str(blocker / "pdf"),
                   SCORER="no-such-model")
    with app.app_context():  # create_all: tables, but no migration history
        code, lines = doctor(app)
    assert lines == {"database": "OK", "migrations": "FAIL", "mail": "FAIL", "storage": "FAIL",
                     "pdf": "OK", "encoder": "FAIL"}
    assert code == 1


def test_doctor_on_an_unreachable_database(make_app, tmp_path):
    app = make_app(create_schema=False, SQLALCHEMY_DATABASE_URI=UNREACHABLE_POSTGRES,
                   SCORER="lexical")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "FAIL  database    the database at 127.0.0.1:1/meetmatch cannot be reached" in result.output
    assert "Traceback" not in result.output

"""Shared fixtures: an app on a real database (SQLite file or a fresh PostgreSQL schema).

Every test that uses ``app`` runs once per database. Choose with ``--db sqlite`` or
``--db postgresql`` (default: both). PostgreSQL comes from ``MEETMATCH_TEST_POSTGRES_URL``
(default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``); each test gets its own schema.
"""

from __future__ import annotations

from datetime import date, time

import pytest

from meetmatch import create_app
from meetmatch.extensions import db

from .helpers import fresh_database
from .smtp import serve_smtp


def pytest_addoption(parser):
    parser.addoption("--db", action="append", choices=["sqlite", "postgresql"],
                     help="database(s) to run app tests on (default: both)")


def pytest_generate_tests(metafunc):
    if "db_kind" in metafunc.fixturenames:
        kinds = metafunc.config.getoption("--db") or ["sqlite", "postgresql"]
        if metafunc.definition.get_closest_marker("one_db"):
            kinds = kinds[:1]
        metafunc.parametrize("db_kind", kinds, scope="function")


@pytest.fixture
def database_url(db_kind, tmp_path):
    """A URL to an empty database; PostgreSQL gets a fresh schema dropped afterwards."""
    with fresh_database(db_kind, tmp_path) as url:
        yield url


@pytest.fixture
def app_config(database_url, tmp_path):
    return {
        "TESTING": True,
        "ENV": "testing",
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_FILE_DIR": str(tmp_path / "mail"),
        "PDF_DIR": str(tmp_path / "pdf"),
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,  # tests/test_security.py turns it on
        "PUBLIC_BASE_URL": "http://localhost",
        "SERVER_NAME": None,
        # The fixtures' events sit on a fixed day (10 December 2026): ten years of retention keep
        # the worker's daily pass from erasing them whatever today's date is (retention tests
        # set their own days).
        "RETENTION_DAYS": 3650,
    }


@pytest.fixture
def make_app(app_config):
    """Build an app with extra config; the schema is created with create_all (tests only)."""
    made = []

    def _make(create_schema: bool = True, **overrides):
        app = create_app(app_config | overrides)
        if create_schema:
            with app.app_context():
                db.create_all()
        made.append(app)
        return app

    yield _make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_organiser(app):
    from meetmatch.accounts import set_organiser_password

    def _make(email="org@example.com", password="correct horse battery", name="Org"):
        organiser, _ = set_organiser_password(email, password, name)
        return organiser

    return _make


@pytest.fixture
def make_event(app, make_organiser):
    from meetmatch.events import create_event, generate_rounds

    counter = iter(range(1, 10_000))

    def _make(organiser=None, rounds=4, topics=("Seed funding", "UX design", "Mentoring", "Recruiting"),
              **overrides):
        organiser = organiser or make_organiser()
        n = next(counter)
        data = {
            "name": f"Test event {n}", "slug": f"test-event-{n}", "description": "", "venue": "Hall A",
            "timezone": "Europe/Stockholm", "num_tables": None, "table_names": "",
            "registration_open": True, "block_same_organisation": True, "min_meetings": None,
            "mutuality": None, "topic_names": list(topics),
        } | overrides
        return create_event(organiser, data, generate_rounds(date(2026, 12, 10), time(13, 0), 15, 5, rounds))

    return _make


@pytest.fixture
def make_attendee(app):
    from meetmatch.models import Attendee

    counter = iter(range(1, 100_000))

    def _make(event, name=None, offers=(), needs=(), organisation="", **overrides):
        n = next(counter)
        topics = {t.name: t for t in event.topics}
        attendee = Attendee(
            event=event, name=name or f"Person {n}", email=overrides.pop("email", f"p{n}@example.com"),
            organisation=organisation, offers=[topics[t] for t in offers],
            needs=[topics[t] for t in needs], **overrides,
        )
        db.session.add(attendee)
        db.session.commit()
        return attendee

    return _make


@pytest.fixture
def login(client):
    """Log an organiser in through the real login form."""

    def _login(email="org@example.com", password="correct horse battery"):
        return client.post("/organiser/login", data={"email": email, "password": password})

    return _login


@pytest.fixture
def registration_data():
    """Valid registration form data for an event; override any field."""

    def _data(event, **overrides):
        topic_ids = [t.id for t in event.topics]
        data = {
            "name": "Alice Park", "email": "alice@example.com", "organisation": "Pixelry",
            "title": "Founder", "offers": [topic_ids[1]], "needs": [topic_ids[0]],
            "offers_text": "I can review your onboarding", "needs_text": "a seed lead",
            "rounds": [r.number for r in event.rounds], "max_meetings": "", "consent": "y",
        }
        return data | overrides

    return _data


@pytest.fixture
def register(client, registration_data):
    """POST the public registration form; returns the response."""

    def _register(event, **overrides):
        return client.post(f"/e/{event.slug}/register", data=registration_data(event, **overrides))

    return _register


@pytest.fixture
def smtp_server():
    """A loopback SMTP server (tests/smtp.py) started before the app, so that its port can go
    into ``app_config`` or a worker process's environment."""
    with serve_smtp() as mailbox:
        yield mailbox


@pytest.fixture
def smtp(app, smtp_server):
    """The loopback SMTP server, with the app sending its mail through it."""
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port)
    return smtp_server


@pytest.fixture
def outbox(app):
    """The queued messages, oldest first (a callable, so each call reads the table anew)."""
    from meetmatch.models import OutboxMessage

    def _outbox(**filters):
        return db.session.execute(
            db.select(OutboxMessage).filter_by(**filters).order_by(OutboxMessage.id)
        ).scalars().all()

    return _outbox


@pytest.fixture
def manage_path(outbox):
    """The path of the manage link in the newest message to an address."""
    import re

    def _path(email):
        message = outbox(to_addr=email)[-1]
        match = re.search(r"http://localhost(/e/[^/\s]+/manage/[A-Za-z0-9_-]+)", message.body_text)
        assert match, message.body_text
        return match.group(1)

    return _path

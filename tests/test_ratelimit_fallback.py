"""Rate limits when Redis is down (issue 9, #6): limited in-process, never a 500; and a warning at
start-up when limits are per process but gunicorn runs several workers."""

from __future__ import annotations

import logging
import sys

import pytest

from meetmatch.extensions import db, limiter
from meetmatch.models import Attendee

from .helpers import free_port

STRONG_SECRET = "kV9q-2Lr_x7TzW4bN8cH3mYp6FdJs1Ag"


@pytest.fixture(autouse=True)
def loggers_enabled(monkeypatch):
    """Alembic's logging.config.fileConfig (the migration tests run it) disables every logger
    that exists at that moment, these two included: the warnings would never be seen."""
    for name in ("flask-limiter", "meetmatch.ratelimits"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)


@pytest.fixture
def redis_down_app(app, make_app):  # after `app`: the limiter is one per process, the last init wins
    closed = free_port()  # nothing listens there: every connection is refused
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed}")
    # As in a fresh process: an earlier test in this one may have left the shared limiter
    # marked "storage down", and then the fall-back (and its warning) would already be behind us.
    limiter._storage_dead = False
    with app.app_context():
        yield app
    limiter._storage_dead = False


def test_registration_still_works_and_is_still_limited_when_redis_is_down(
        redis_down_app, make_event, registration_data, caplog):
    event = make_event()
    client = redis_down_app.test_client()
    with caplog.at_level(logging.WARNING):
        codes = [client.post(f"/e/{event.slug}/register",
                             data=registration_data(event, email=f"p{i}@example.com")).status_code
                 for i in range(6)]
    assert codes == [302] * 5 + [429]  # the configured 5 per minute, counted in this process
    assert db.session.execute(db.select(db.func.count(Attendee.id))).scalar() == 5
    assert any("falling back to in-memory storage" in r.getMessage() for r in caplog.records)


def test_login_and_link_resend_answer_normally_when_redis_is_down(redis_down_app, make_event,
                                                                   make_organiser):
    make_organiser()
    event = make_event()
    client = redis_down_app.test_client()
    wrong = client.post("/organiser/login", data={"email": "org@example.com", "password": "guess"})
    assert wrong.status_code == 401
    right = client.post("/organiser/login",
                        data={"email": "org@example.com", "password": "correct horse battery"})
    assert right.status_code == 302
    assert client.post(f"/e/{event.slug}/link", data={"email": "x@example.com"}).status_code == 302


def _production_app(make_app, **overrides):
    return make_app(ENV="production", TESTING=False, SECRET_KEY=STRONG_SECRET,
                    RATELIMIT_ENABLED=True, **overrides)


@pytest.mark.parametrize("argv, warned", [
    (["/srv/venv/bin/gunicorn", "-w", "4", "meetmatch:create_app()"], "4 workers"),
    (["/srv/venv/bin/gunicorn", "--workers=2", "meetmatch:create_app()"], "2 workers"),
    (["/srv/venv/bin/gunicorn", "-w", "1", "meetmatch:create_app()"], None),
    (["/srv/venv/bin/meetmatch", "run"], None),
])
def test_start_up_warns_when_limits_are_per_process_with_several_workers(
        make_app, monkeypatch, caplog, argv, warned):
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    with caplog.at_level(logging.WARNING, logger="meetmatch"):
        _production_app(make_app, create_schema=False)
    messages = [r.getMessage() for r in caplog.records if "REDIS_URL" in r.getMessage()]
    if warned:
        assert len(messages) == 1 and warned in messages[0], messages
    else:
        assert messages == []


def test_no_start_up_warning_with_shared_storage(make_app, monkeypatch, caplog):
    monkeypatch.setattr(sys, "argv", ["/srv/venv/bin/gunicorn", "-w", "4", "meetmatch:create_app()"])
    with caplog.at_level(logging.WARNING, logger="meetmatch"):
        _production_app(make_app, create_schema=False, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379")
    assert not [r for r in caplog.records if "REDIS_URL" in r.getMessage()]

"""The outbox under a slow SMTP server, a worker that dies mid-send and a long outage
(issue 9, defects 2 and 3)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest

from meetmatch import mail
from meetmatch.extensions import db
from meetmatch.models import OutboxMessage, utcnow

from .helpers import PROJECT_ROOT, free_port, server_env


def rows() -> list[OutboxMessage]:
    db.session.expire_all()
    found = db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
    db.session.commit()  # end the read: on SQLite the test's session must not hold a lock
    return found


def send_in_background(app) -> tuple[threading.Thread, dict]:
    """The worker's mail step in its own thread, app context and database connection."""
    result: dict = {}

    def work():
        with app.app_context():
            try:
                result["counts"] = mail.send_due_messages()
            except Exception as error:  # shown by the test, not lost in the thread
                result["error"] = error
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread, result


def test_registration_stays_fast_while_the_worker_waits_for_a_slow_smtp_server(
        app, make_event, register, smtp):
    """The worker holds no transaction (on SQLite: no write lock) while it talks to SMTP."""
    event = make_event()
    assert register(event, email="first@example.com").status_code == 302
    # The test client's requests share the test's session; a real request's session ends with
    # the request. End it here too, so only the worker and the request below compete.
    db.session.commit()
    smtp.delay = 4.0  # slow in DATA: the answer to the message comes 4 s later
    thread, result = send_in_background(app)
    assert smtp.in_data.wait(30), f"the worker never reached DATA: {result}"
    started = time.perf_counter()
    response = register(event, email="second@example.com")
    elapsed = time.perf_counter() - started
    db.session.commit()
    assert response.status_code == 302
    assert elapsed < 1.0, f"a registration took {elapsed:.1f} s while the worker was sending"
    thread.join(30)
    assert result["counts"] == {"sent": 1, "retry": 0, "failed": 0}
    first, second = rows()
    assert (first.status, second.status) == ("sent", "queued")
    assert first.lease_until is None


def test_every_queued_message_has_a_stable_message_id_that_is_sent(app, make_event, register, smtp):
    event = make_event()
    register(event, email="a@example.com")
    register(event, email="b@example.com")
    first, second = rows()
    assert first.message_id and second.message_id and first.message_id != second.message_id
    assert first.message_id.startswith("<") and first.message_id.endswith("@meetmatch.invalid>")
    assert mail.send_due_messages()["sent"] == 2
    assert [m["Message-ID"] for m in smtp.received] == [first.message_id, second.message_id]


def claim_and_abandon(message_id: int) -> None:
    """What a worker that dies right after its claim leaves behind."""
    assert mail._claim(message_id)
    db.session.commit()


def test_a_live_claim_is_left_alone_and_an_expired_one_is_sent_again(app, make_event, register, smtp):
    event = make_event()
    register(event)
    [row] = rows()
    claim_and_abandon(row.id)
    [row] = rows()
    assert row.status == "sending" and row.lease_until > utcnow() + timedelta(minutes=5)
    assert mail.send_due_messages() == {"sent": 0, "retry": 0, "failed": 0}  # maybe still sending
    row.lease_until = utcnow() - timedelta(seconds=1)  # the lease ran out: its worker is gone
    db.session.commit()
    assert mail.send_due_messages() == {"sent": 1, "retry": 0, "failed": 0}
    [row] = rows()
    assert row.status == "sent" and row.attempts == 2 and row.lease_until is None
    [received] = smtp.received
    assert received["Message-ID"] == row.message_id


def test_a_late_outcome_from_a_worker_that_lost_its_claim_is_not_recorded(app, make_event, register):
    event = make_event()
    register(event)
    [row] = rows()
    assert mail._claim(row.id)
    db.session.commit()
    stale = mail._Attempt(row.id, 1, row.to_addr, utcnow())
    row = db.session.get(OutboxMessage, row.id)
    row.lease_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert mail._claim(row.id)  # a second worker takes over: attempt 2
    db.session.commit()
    assert mail._record(stale, status="failed", last_error="late") is False
    [row] = rows()
    assert row.status == "sending" and row.attempts == 2


@pytest.mark.slow
def test_a_worker_killed_mid_send_is_replaced_and_the_retry_carries_the_same_message_id(
        app, make_event, register, smtp, database_url, tmp_path):
    """A real process dies (SIGKILL) after the server has the message but before it answers:
    the outcome is uncertain. After the lease another worker sends it again, recognisably the
    same message."""
    event = make_event()
    register(event)
    [row] = rows()
    smtp.delay = 60.0  # the server keeps the message and answers only after a minute
    env = server_env(database_url, tmp_path / "instance", SMTP_HOST="127.0.0.1",
                     SMTP_PORT=str(app.config["SMTP_PORT"]), MEETMATCH_MAIL_LEASE_SECONDS="3")
    code = ("from meetmatch import create_app, mail\n"
            "with create_app().app_context(): mail.send_due_messages()\n")
    log = tmp_path / "sender.log"
    with log.open("w") as log_file:
        process = subprocess.Popen([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env,
                                   stdout=log_file, stderr=subprocess.STDOUT)
        try:
            assert smtp.in_data.wait(90), log.read_text()
        finally:
            process.kill()
            process.wait(10)
    [row] = rows()
    assert row.status == "sending" and row.attempts == 1
    assert mail.send_due_messages()["sent"] == 0  # within its lease it may still be sending
    smtp.delay = 0.0
    time.sleep(max(0.0, (row.lease_until - utcnow()).total_seconds()) + 0.2)
    assert mail.send_due_messages() == {"sent": 1, "retry": 0, "failed": 0}
    [row] = rows()
    assert row.status == "sent" and row.attempts == 2
    assert [m["Message-ID"] for m in smtp.received] == [row.message_id, row.message_id]


def test_retries_go_on_through_a_long_outage_and_stop_after_the_window(app, make_event, register):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())  # nobody listens: an outage
    event = make_event()
    register(event)
    [row] = rows()
    # Twenty hours and nine attempts into the outage: still retrying, at most 30 min apart.
    row.queued_at = utcnow() - timedelta(hours=20)
    row.attempts = 9
    db.session.commit()
    assert mail.send_due_messages() == {"sent": 0, "retry": 1, "failed": 0}
    [row] = rows()
    assert row.status == "queued" and row.attempts == 10
    assert timedelta(minutes=29) < row.next_attempt_at - utcnow() <= timedelta(minutes=30)
    # Past the window (48 h by default): the next temporary failure is final.
    row.queued_at = utcnow() - timedelta(hours=48, minutes=1)
    row.next_attempt_at = utcnow()
    db.session.commit()
    assert mail.send_due_messages() == {"sent": 0, "retry": 0, "failed": 1}
    [row] = rows()
    assert row.status == "failed" and row.last_error.startswith("Gave up after 11 attempts")


def test_the_default_policy_keeps_trying_for_at_least_a_day(app):
    """Backoff capped at 30 min; the attempts before giving up span the retry window."""
    config = app.config
    assert mail.retry_delay(1, config) == timedelta(seconds=30)
    assert mail.retry_delay(2, config) == timedelta(seconds=60)
    assert mail.retry_delay(50, config) == timedelta(minutes=30)
    assert config["MAIL_RETRY_HOURS"] >= 24 and not config["MAIL_MAX_ATTEMPTS"]


def test_a_permanent_refusal_still_fails_at_once(app, make_event, register, smtp):
    event = make_event()
    register(event)
    smtp.replies = ["550 5.1.1 no such user"]
    assert mail.send_due_messages() == {"sent": 0, "retry": 0, "failed": 1}
    [row] = rows()
    assert row.status == "failed" and row.attempts == 1 and "550" in row.last_error

"""The outbox and the sender: file fallback, a real SMTP server on loopback, retries, injection."""

from __future__ import annotations

import email
import re
from datetime import timedelta
from email import policy
from pathlib import Path

from meetmatch import mail, registration
from meetmatch.extensions import db
from meetmatch.models import Attendee, OutboxMessage, utcnow

from .helpers import free_port


def messages():
    db.session.expire_all()
    return db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()


def parsed(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)


def test_confirmation_over_real_smtp(client, make_event, register, smtp):
    event = make_event(name="Founders & Funders")
    register(event, name="Åsa Öberg")
    assert mail.send_due_messages() == {"sent": 1, "retry": 0, "failed": 0}
    [(rcpts, raw)] = smtp.deliveries
    assert rcpts == ["alice@example.com"]
    message = parsed(raw)
    assert message["To"].addresses[0].addr_spec == "alice@example.com"
    assert message["To"].addresses[0].display_name == "Åsa Öberg"
    assert message["Subject"] == "You are registered for Founders & Funders"
    assert message["From"] and message["Message-ID"] and message["Date"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hello Åsa Öberg" in text and "Founders &amp; Funders" in html
    link = re.search(r"http://localhost(/e/\S+/manage/\S+)", text).group(1)
    assert f'href="http://localhost{link}"' in html
    page = client.get(link)
    assert page.status_code == 200 and "Åsa Öberg" in page.get_data(as_text=True)
    [row] = messages()
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1
    # Sending again sends nothing: a message goes out once.
    assert mail.send_due_messages() == {"sent": 0, "retry": 0, "failed": 0}
    assert len(smtp.received) == 1


def headers_of(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


def test_name_cannot_inject_headers(app, make_event, make_attendee, smtp):
    """Whatever a name holds (the form flattens it, but a CSV or an old row might not)."""
    event = make_event()
    person = make_attendee(event, name="x\r\nBcc: victim@example.com\r\nSubject: spam",
                           email="bob@example.com")
    with app.test_request_context():
        registration.resend_manage_link(event, person.email)
    mail.send_due_messages()
    [(rcpts, raw)] = smtp.deliveries
    assert rcpts == ["bob@example.com"]
    message = parsed(raw)
    assert message["Bcc"] is None
    assert len(message.get_all("Subject")) == 1 and "spam" not in message["Subject"]
    assert len(message.get_all("To")) == 1
    assert message["To"].addresses[0].addr_spec == "bob@example.com"
    assert b"\nBcc:" not in headers_of(raw) and b"\nSubject: spam" not in headers_of(raw)


def test_name_with_line_breaks_from_the_form_is_flattened(client, make_event, register, smtp):
    event = make_event()
    assert register(event, name="x\r\nBcc: victim@example.com").status_code == 302
    mail.send_due_messages()
    [(rcpts, raw)] = smtp.deliveries
    assert rcpts == ["alice@example.com"]
    assert parsed(raw)["Bcc"] is None
    assert parsed(raw)["To"].addresses[0].display_name == "x Bcc: victim@example.com"


def test_event_name_cannot_inject_headers_through_the_subject(app, make_event, make_attendee, smtp):
    event = make_event(name="Party\r\nBcc: victim@example.com")
    person = make_attendee(event, email="bob@example.com")
    with app.test_request_context():
        registration.resend_manage_link(event, person.email)
    mail.send_due_messages()
    [(rcpts, raw)] = smtp.deliveries
    assert rcpts == ["bob@example.com"]
    assert parsed(raw)["Bcc"] is None
    assert b"\nBcc:" not in headers_of(raw)


def test_without_smtp_mail_goes_to_files(app, client, make_event, register):
    event = make_event()
    register(event)
    assert not app.config["SMTP_HOST"]
    assert mail.send_due_messages()["sent"] == 1
    [path] = Path(app.config["MAIL_FILE_DIR"]).glob("*.eml")
    message = parsed(path.read_bytes())
    assert message["To"].addresses[0].addr_spec == "alice@example.com"
    link = re.search(r"http://localhost(/e/\S+/manage/\S+)", message.get_body(("plain",)).get_content()).group(1)
    assert client.get(link).status_code == 200
    assert mail.send_due_messages()["sent"] == 0
    assert len(list(Path(app.config["MAIL_FILE_DIR"]).glob("*.eml"))) == 1


def test_temporary_failure_is_retried_with_backoff(app, make_event, register, smtp):
    event = make_event()
    register(event)
    smtp.replies = ["451 4.3.0 try again later", "421 4.3.0 still busy"]
    assert mail.send_due_messages() == {"sent": 0, "retry": 1, "failed": 0}
    [row] = messages()
    assert row.status == "queued" and row.attempts == 1 and "451" in row.last_error
    first_delay = row.next_attempt_at - utcnow()
    assert timedelta(seconds=20) < first_delay <= timedelta(seconds=30)
    assert mail.send_due_messages()["retry"] == 0  # not due yet
    row.next_attempt_at = utcnow()
    db.session.commit()
    assert mail.send_due_messages()["retry"] == 1
    [row] = messages()
    assert row.attempts == 2
    assert timedelta(seconds=50) < row.next_attempt_at - utcnow() <= timedelta(seconds=60)  # doubled
    row.next_attempt_at = utcnow()
    db.session.commit()
    assert mail.send_due_messages()["sent"] == 1
    [row] = messages()
    assert row.status == "sent" and row.last_error is None and row.attempts == 3
    assert len(smtp.received) == 1


def test_permanent_failure_is_recorded_and_not_retried(app, make_event, register, smtp):
    event = make_event()
    register(event)
    smtp.replies = ["550 5.1.1 no such user"]
    assert mail.send_due_messages() == {"sent": 0, "retry": 0, "failed": 1}
    [row] = messages()
    assert row.status == "failed" and "550" in row.last_error
    row.next_attempt_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert mail.send_due_messages() == {"sent": 0, "retry": 0, "failed": 0}
    assert smtp.received == []


def test_gives_up_after_max_attempts(app, make_event, register):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), MAIL_MAX_ATTEMPTS=2)  # nobody listens
    event = make_event()
    register(event)
    assert mail.send_due_messages()["retry"] == 1
    [row] = messages()
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()
    row.next_attempt_at = utcnow()
    db.session.commit()
    assert mail.send_due_messages()["failed"] == 1
    assert messages()[0].status == "failed"


def test_a_claimed_message_is_never_claimed_again(app, make_event, register):
    event = make_event()
    register(event)
    [row] = messages()
    assert mail._claim(row.id) is True
    assert mail._claim(row.id) is False
    assert mail.send_due_messages()["sent"] == 0


def test_mail_is_queued_in_the_same_transaction_as_the_registration(client, make_event, register,
                                                                    monkeypatch):
    """If queuing the mail fails, the registration is not stored either (and the other way round)."""
    event = make_event()
    real_queue = registration.queue_message

    def queue_then_fail(**kwargs):
        real_queue(**kwargs)
        raise RuntimeError("boom")

    monkeypatch.setattr(registration, "queue_message", queue_then_fail)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    assert register(event).status_code == 500
    db.session.rollback()
    assert db.session.execute(db.select(Attendee)).first() is None
    assert messages() == []
    monkeypatch.setattr(registration, "queue_message", real_queue)
    assert register(event).status_code == 302
    assert len(messages()) == 1


def test_a_broken_message_is_marked_failed_not_stuck(app, make_event, make_attendee):
    event = make_event()
    person = make_attendee(event)
    mail.queue_message(kind="test", to_addr="not an address@@", to_name="X", template="manage_link",
                       context={"event": event, "attendee": person, "manage_url": "http://x"})
    db.session.commit()
    counts = mail.send_due_messages()
    assert counts["failed"] == 1
    [row] = messages()
    assert row.status == "failed" and row.last_error

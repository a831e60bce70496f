"""Header injection through RFC 2047 encoded words (issue 9, defect 1), through a real SMTP server.

On Python before 3.11.10 / 3.12.5 (CVE-2024-6923) the email package decodes an encoded word
while it folds a header and writes the decoded CR/LF as a real line break. The payload below
passed the CR/LF filter and became a Reply-To header plus attacker text in the body.
"""

from __future__ import annotations

import html

import pytest

from meetmatch import ConfigError, create_app, mail, registration
from meetmatch.attendee_csv import parse_attendee_csv
from meetmatch.extensions import db
from meetmatch.mail_headers import ENCODED_WORD_PROBLEM, MAIL_POLICY, UnsafeHeader
from meetmatch.models import Attendee, OutboxMessage

PAYLOAD = ("=?utf-8?q?Attendee=0D=0AReply-To=3A_attacker=40evil.example=0D=0A=0D=0A"
           "Please_pay_the_fee_to_IBAN_XX00_0000?=")
ATTACKER_TEXT = "Please pay"


def header_block(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


def assert_not_injected(raw: bytes) -> None:
    message = mail_from_raw(raw)
    assert message["Reply-To"] is None
    assert b"\nReply-To:" not in header_block(raw) and b"evil.example\r\n\r\n" not in raw
    for part in message.walk():
        if part.get_content_maintype() == "text":
            assert ATTACKER_TEXT not in part.get_content()
    assert len(message.get_all("To")) == 1 and len(message.get_all("Subject")) == 1


def mail_from_raw(raw: bytes):
    import email
    from email import policy

    return email.message_from_bytes(raw, policy=policy.default)


def test_registration_form_refuses_encoded_words_in_the_name_and_keeps_the_rest(
        client, make_event, registration_data):
    event = make_event()
    data = registration_data(event, name=PAYLOAD, organisation="Pixelry AB", title="CTO")
    response = client.post(f"/e/{event.slug}/register", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert html.escape(ENCODED_WORD_PROBLEM, quote=False) in page
    assert 'id="name-error"' in page and 'href="#name"' in page
    assert 'value="alice@example.com"' in page and 'value="Pixelry AB"' in page
    assert 'value="CTO"' in page and "I can review your onboarding</textarea>" in page
    assert html.escape(PAYLOAD) in page  # what they typed stays, to be corrected
    assert db.session.execute(db.select(Attendee)).first() is None
    assert db.session.execute(db.select(OutboxMessage)).first() is None


def test_event_name_with_encoded_words_is_refused(client, make_organiser, login):
    make_organiser()
    login()
    form = {
        "name": f"Party {PAYLOAD}", "slug": "party", "description": "", "venue": "",
        "day": "2026-12-10", "timezone": "Europe/Stockholm", "first_start": "13:00",
        "round_length": "15", "break_length": "5", "round_count": "3", "custom_rounds": "",
        "num_tables": "", "table_names": "", "topics": "Seed funding\nUX design",
        "registration_open": "y", "block_same_organisation": "y", "min_meetings": "", "mutuality": "",
    }
    response = client.post("/organiser/events/new", data=form)
    assert response.status_code == 400
    assert html.escape(ENCODED_WORD_PROBLEM, quote=False) in response.get_data(as_text=True)


def test_csv_import_refuses_encoded_words_in_names(make_event):
    event = make_event()
    report = parse_attendee_csv(event, f"name,email\n\"{PAYLOAD}\",eve@example.com\n")
    assert report.rows == []
    assert any("“=?…?=” in name" in error for error in report.errors)


def test_organiser_name_with_encoded_words_is_refused_by_the_cli(app):
    result = app.test_cli_runner().invoke(
        args=["create-organiser", "org2@example.com", "--name", PAYLOAD, "--password", "long enough pw"])
    assert result.exit_code != 0 and "=?" in result.output


def test_mail_from_with_encoded_words_or_line_breaks_refuses_to_start(app_config):
    for bad in (f"{PAYLOAD} <events@example.org>", "Events <events@example.org>\r\nBcc: x@example.com",
                "not an address"):
        with pytest.raises(ConfigError, match="MAIL_FROM"):
            create_app(app_config | {"MAIL_FROM": bad})


def test_stored_payload_in_name_and_event_name_is_sent_harmlessly(app, make_event, make_attendee, smtp):
    """Rows from before the form check (or written some other way) still cannot inject."""
    event = make_event(name=f"Founders {PAYLOAD}")
    person = make_attendee(event, name=PAYLOAD, email="bob@example.com")
    with app.test_request_context():
        registration.resend_manage_link(event, person.email)
    assert mail.send_due_messages() == {"sent": 1, "retry": 0, "failed": 0}
    [raw] = smtp.raw
    assert_not_injected(raw)
    message = mail_from_raw(raw)
    [to] = message["To"].addresses
    assert to.addr_spec == "bob@example.com"
    assert "Reply-To" in to.display_name  # shown literally, as text, not decoded into headers
    assert message["Subject"].startswith("Your link for Founders")


def test_header_check_at_build_time_stops_what_the_input_checks_missed(
        app, make_event, make_attendee, smtp, monkeypatch):
    """Second layer: with the stored value passed through unchanged, the verifying policy
    refuses to generate the header, so the message fails and nothing reaches the server."""
    monkeypatch.setattr(mail, "header_text", lambda value: value)
    event = make_event()
    person = make_attendee(event, name=PAYLOAD, email="bob@example.com")
    with app.test_request_context():
        registration.resend_manage_link(event, person.email)
    assert mail.send_due_messages() == {"sent": 0, "retry": 0, "failed": 1}
    assert smtp.raw == []
    [row] = db.session.execute(db.select(OutboxMessage)).scalars()
    db.session.refresh(row)
    assert row.status == "failed" and "header" in row.last_error


def test_verifying_policy_refuses_a_header_that_breaks_into_lines():
    from email.message import EmailMessage

    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = PAYLOAD
    message.set_content("hello")
    with pytest.raises(UnsafeHeader, match="Subject"):
        message.as_bytes()


def test_registered_name_reaches_the_inbox_through_real_smtp(client, make_event, register, smtp):
    """The whole path, attendee to inbox: the refused form stores nothing, a fixed name sends."""
    event = make_event()
    assert register(event, name=PAYLOAD).status_code == 400
    assert register(event, name="Attendee Reply-To Åsa").status_code == 302
    assert mail.send_due_messages()["sent"] == 1
    [raw] = smtp.raw
    assert_not_injected(raw)
    assert mail_from_raw(raw)["To"].addresses[0].display_name == "Attendee Reply-To Åsa"

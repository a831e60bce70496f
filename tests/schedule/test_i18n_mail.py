"""Schedule mail and calendars in each attendee's language (real SMTP server on loopback)."""

from __future__ import annotations

import re

import icalendar
import pytest

from meetmatch.extensions import db
from meetmatch.schedules.mail import send_schedules
from meetmatch.worker import work_once


@pytest.fixture
def app_config(app_config, smtp_server):
    return app_config | {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port}


def _parts(message):
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    [ics] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return text, html, icalendar.Calendar.from_ical(ics.get_content())


def test_schedule_mail_reasons_and_calendar_follow_each_attendees_language(
        app, published, smtp_server):
    event, version = published(language="sv")
    ada = next(a for a in event.attendees if a.name == "Ada Lovelace")
    ada.language = "en"  # she switched to English; the others follow the event (Swedish)
    db.session.commit()
    assert send_schedules(version) == 10
    assert work_once()["sent"] == 10

    ben = next(a for a in event.attendees if a.name == "Ben Okafor")
    [message] = smtp_server.to(ben.email)
    assert message["Subject"] == f"Dina möten på {event.name}"
    text, html, calendar = _parts(message)
    assert text.startswith("Hej Ben Okafor!")
    # 10 December 2026, in the event's zone; round and table words in Swedish
    assert "torsdag 10 december 2026" in text and "Tiderna är lokal tid (Europe/Stockholm)." in text
    assert re.search(r"^Runda \d, \d\d:\d\d–\d\d:\d\d, Bord \d", text, re.M)
    assert "Du träffar:" in text
    # the reason's fixed words are Swedish around the quoted topics
    assert "Du kan hjälpa" in text or "kan hjälpa dig med" in text
    assert "You can help" not in text and "can help you" not in text
    assert "Varför:" in html and "Du träffar:" in html and "Why:" not in html
    vevents = list(calendar.walk("VEVENT"))
    assert vevents and all(str(v["SUMMARY"]).startswith("Möte: ") for v in vevents)
    assert all(str(v["DESCRIPTION"]).startswith("Runda ") for v in vevents)

    [message] = smtp_server.to(ada.email)
    assert message["Subject"] == f"Your meetings at {event.name}"
    text, _, calendar = _parts(message)
    assert "Thursday 10 December 2026" in text and re.search(r"^Round \d", text, re.M)
    assert "You can help" in text or "can help you with" in text
    assert all(str(v["SUMMARY"]).startswith("Meeting: ") for v in calendar.walk("VEVENT"))

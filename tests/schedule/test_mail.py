"""Schedule emails through the outbox to a real SMTP server on loopback."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from meetmatch.extensions import db
from meetmatch.models import OutboxMessage, utcnow
from meetmatch.schedules import engine_io, review, versions
from meetmatch.worker import work_once


@pytest.fixture
def app_config(app_config, smtp_server):
    return app_config | {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port,
                         "PUBLIC_BASE_URL": "https://meet.example.org"}


def _send(client, event, version, what="send"):
    response = client.post(f"/organiser/events/{event.slug}/schedule/v/{version.number}/{what}")
    assert response.status_code == 302
    return response


def _parts(message):
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    ics = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return text, html, ics


def test_each_attendee_gets_their_schedule_once_with_ics(app, client, login, published, smtp):
    event, version = published()
    login()
    _send(client, event, version)
    _send(client, event, version)  # pressing Send twice queues nothing new
    assert db.session.query(OutboxMessage).filter_by(kind="schedule").count() == 10
    assert work_once()["sent"] == 10
    assert len(smtp.received) == 10
    tz = ZoneInfo("Europe/Stockholm")
    rounds = {r.number: r for r in event.rounds}
    for person in event.attendees:
        [message] = smtp.to(person.email)
        assert message["Subject"] == f"Your meetings at {event.name}"
        text, html, ics = _parts(message)
        assert f"https://meet.example.org/e/{event.slug}/manage/" in text
        meetings = versions.meetings_for(version, person.id)
        assert meetings, "every attendee of this event has a meeting"
        [attachment] = ics
        calendar = icalendar.Calendar.from_ical(attachment.get_content())
        vevents = list(calendar.walk("VEVENT"))
        assert len(vevents) == len(meetings)
        assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Stockholm"
        for m, vevent in zip(meetings, sorted(vevents, key=lambda v: v.decoded("dtstart")), strict=True):
            partner = m.partner_of(person.id)
            start = vevent.decoded("dtstart")
            r = rounds[m.round_number]
            assert start == r.starts_at.replace(tzinfo=tz)
            assert start.utcoffset() == timedelta(hours=1)  # CET in December
            assert vevent.decoded("dtend") == r.ends_at.replace(tzinfo=tz)
            assert partner.name in str(vevent["summary"])
            assert str(vevent["location"]) == f"Hall A, {event.table_label(m.table_number)}"
            for body in (text, html):
                assert partner.name in body and partner.organisation in body
                assert event.table_label(m.table_number) in body
                assert r.starts_at.strftime("%H:%M") in body
            own = review.reason_for(m, person.id)  # the reason in the second person
            assert own in " ".join(text.split()) and ("You " in own or " you " in own)
    # the link in the email opens the attendee's page with the published schedule
    ada = event.attendees[0]
    text = smtp.to(ada.email)[0].get_body(("plain",)).get_content()
    link = re.search(r"https://meet\.example\.org(/e/\S+/manage/\S+)", text).group(1)
    page = client.get(link).get_data(as_text=True)
    assert "Your schedule" in page
    assert versions.meetings_for(version, ada.id)[0].partner_of(ada.id).name in page
    # nothing more arrives however often the worker runs or Send is pressed
    _send(client, event, version)
    work_once()
    assert len(smtp.received) == 10
    page = client.get(f"/organiser/events/{event.slug}/schedule/v/1/mail").get_data(as_text=True)
    assert page.count('badge sent') == 10


def test_attendee_without_meetings_gets_a_kind_note(app, client, login, small_event, make_attendee, smtp):
    event = small_event()
    lonely = make_attendee(event, name="Zed Nobody", email="zed@example.com", max_meetings=0)
    version = engine_io.build_schedule(event, time_limit=2)
    versions.publish_version(version)
    login()
    _send(client, event, version)
    work_once()
    [message] = smtp.to(lonely.email)
    text, html, ics = _parts(message)
    assert ics == [] and "could not find a one-to-one meeting" in text and "Round" not in text


def test_temporary_failure_is_retried_and_delivered_once(app, client, login, published, smtp):
    event, version = published()
    ada = event.attendees[0]
    smtp.temporary[ada.email] = 1  # 421 once, then the server recovers
    login()
    _send(client, event, version)
    counts = work_once()
    assert counts["sent"] == 9 and counts["retry"] == 1
    message = db.session.query(OutboxMessage).filter_by(attendee_id=ada.id, kind="schedule").one()
    assert message.status == "queued" and "421" in message.last_error
    assert message.next_attempt_at > utcnow()  # backoff: not due yet
    assert work_once()["sent"] == 0
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert work_once()["sent"] == 1
    assert len(smtp.to(ada.email)) == 1 and len(smtp.received) == 10
    db.session.refresh(message)
    assert message.status == "sent" and message.attempts == 2


def test_permanent_failure_is_not_retried_and_listed(app, client, login, published, smtp):
    event, version = published()
    ben = event.attendees[1]
    smtp.refuse.add(ben.email)
    login()
    _send(client, event, version)
    assert work_once()["failed"] == 1
    message = db.session.query(OutboxMessage).filter_by(attendee_id=ben.id, kind="schedule").one()
    message.next_attempt_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    work_once()
    db.session.refresh(message)
    assert message.status == "failed" and message.attempts == 1 and "550" in message.last_error
    assert smtp.to(ben.email) == []
    page = client.get(f"/organiser/events/{event.slug}/schedule/v/1/mail").get_data(as_text=True)
    assert "Could not be delivered" in page and ben.email in page
    # the organiser fixes the address problem and presses Resend
    smtp.refuse.clear()
    client.post(f"/organiser/events/{event.slug}/schedule/v/1/resend/{ben.id}")
    work_once()
    assert len(smtp.to(ben.email)) == 1


def test_test_copy_goes_to_the_organiser(app, client, login, published, smtp):
    event, version = published()
    login()
    ada = event.attendees[0]
    client.post(f"/organiser/events/{event.slug}/schedule/v/1/test-copy", data={"attendee": ada.id})
    work_once()
    [message] = smtp.received
    assert "org@example.com" in message["To"] and message["Subject"].startswith("[Test copy]")
    text, _, ics = _parts(message)
    assert ada.name in text and len(ics) == 1
    # a test copy does not count as the attendee's schedule
    _send(client, event, version)
    work_once()
    assert len(smtp.to(ada.email)) == 1


def test_draft_cannot_be_sent(app, client, login, small_event):
    event = small_event()
    version = engine_io.build_schedule(event, time_limit=2)
    login()
    response = client.post(f"/organiser/events/{event.slug}/schedule/v/{version.number}/send",
                           follow_redirects=True)
    assert "Publish this version before sending" in response.get_data(as_text=True)
    assert db.session.query(OutboxMessage).count() == 0


def test_two_organisers_sending_at_once_queue_one_mail_each(app, published):
    import threading

    from meetmatch.models import ScheduleVersion
    from meetmatch.schedules import mail as schedule_mail

    event, version = published()
    version_id = version.id
    db.session.commit()
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def press_send():
        with app.test_request_context(method="POST"):  # as in the request that sends
            try:
                found = db.session.get(ScheduleVersion, version_id)
                db.session.commit()  # SQLite: BEGIN takes the write lock; don't hold it here
                barrier.wait(5)
                counts.append(schedule_mail.send_schedules(found))
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=press_send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sorted(counts)[-1] == 10 and sum(counts) == 10
    assert db.session.query(OutboxMessage).filter_by(kind="schedule").count() == 10

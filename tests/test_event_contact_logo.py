"""The organiser's contact (event page, Reply-To of every mail), the confirmation mail's event
details and calendar file, and the event logo (checked by content, re-encoded, shown on the
public page, print pages and mail). Mail goes through the real outbox to a real SMTP server."""

from __future__ import annotations

import io
import re
from email import message_from_bytes, policy

import icalendar
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from meetmatch import mail
from meetmatch.extensions import db

EVENT_FORM = {
    "name": "Founders' evening", "slug": "founders", "description": "", "venue": "Hall B",
    "day": "2026-12-10", "timezone": "Europe/Stockholm", "first_start": "17:00",
    "round_length": "15", "break_length": "5", "round_count": "3", "custom_rounds": "",
    "num_tables": "", "table_names": "", "topics": "Seed funding\nUX design",
    "registration_open": "y", "block_same_organisation": "y", "min_meetings": "", "mutuality": "",
}


def _png(size=(40, 20), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def test_contact_email_is_validated_saved_and_shown(client, make_organiser, login):
    make_organiser()
    login()
    for bad in ("not-an-address", "a@b.se\r\nBcc: x@evil.example", "=?utf-8?q?x?=@example.org"):
        response = client.post("/organiser/events/new", data=EVENT_FORM | {"contact_email": bad})
        assert response.status_code == 400, bad
    response = client.post("/organiser/events/new", data=EVENT_FORM | {"contact_email": "Hello@Example.org"})
    assert response.status_code == 302
    page = client.get("/e/founders").get_data(as_text=True)
    assert 'href="mailto:hello@example.org"' in page
    edit = client.get("/organiser/events/founders/edit").get_data(as_text=True)
    assert 'value="hello@example.org"' in edit


def test_confirmation_mail_states_the_event_and_carries_its_calendar_and_reply_to(
        client, make_event, register, smtp):
    event = make_event(name="Founders' evening", venue="Hall B, Storgatan 1", contact_email="team@example.org")
    assert register(event).status_code == 302
    assert mail.send_due_messages()["sent"] == 1
    [raw] = smtp.raw
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Reply-To"].addresses[0].addr_spec == "team@example.org"
    text = message.get_body(("plain",)).get_content()
    assert "Founders' evening" in text and "Hall B, Storgatan 1" in text
    assert "Thursday 10 December 2026, 13:00–14:15" in text  # four rounds of 15 minutes, 5 apart
    assert "team@example.org" in text
    html = message.get_body(("html",)).get_content()
    assert "13:00–14:15" in html and 'mailto:team@example.org' in html
    [part] = [p for p in message.iter_attachments() if p.get_filename() == "event.ics"]
    assert part.get_content_type() == "text/calendar" and part.get_param("charset") == "utf-8"
    cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["summary"]) == "Founders' evening"
    assert str(vevent["location"]) == "Hall B, Storgatan 1"
    start, end = vevent.decoded("dtstart"), vevent.decoded("dtend")
    assert (start.hour, start.minute, end.hour, end.minute) == (13, 0, 14, 15)
    assert str(start.tzinfo) == "Europe/Stockholm"
    assert str(vevent["uid"]) == f"meetmatch-event-{event.id}@meetmatch"
    assert str(vevent["organizer"]) == "mailto:team@example.org"


def test_every_mail_has_reply_to_only_when_a_contact_is_set(client, make_event, register, smtp, manage_path):
    silent = make_event()
    assert register(silent, email="a@example.com").status_code == 302
    event = make_event(contact_email="desk@example.org")
    assert register(event, email="b@example.com").status_code == 302
    assert client.post(f"/e/{event.slug}/link", data={"email": "b@example.com"}).status_code == 302
    assert mail.send_due_messages()["sent"] == 3
    parsed = [message_from_bytes(raw, policy=policy.default) for raw in smtp.raw]
    by_to = {}
    for m in parsed:
        by_to.setdefault(m["To"].addresses[0].addr_spec, []).append(m)
    assert [m["Reply-To"] for m in by_to["a@example.com"]] == [None]
    assert len(by_to["b@example.com"]) == 2
    for m in by_to["b@example.com"]:
        assert m["Reply-To"].addresses[0].addr_spec == "desk@example.org"
        assert "desk@example.org" in m.get_body(("plain",)).get_content()


def test_a_stored_unsafe_contact_never_reaches_a_header(client, make_event, register, smtp):
    event = make_event()
    event.contact_email = "x@example.org\r\nBcc: victim@example.com"  # an old row, past the form
    db.session.commit()
    assert register(event).status_code == 302
    assert mail.send_due_messages()["sent"] == 1
    message = message_from_bytes(smtp.raw[0], policy=policy.default)
    assert message["Reply-To"] is None and message["Bcc"] is None


def _logo_url(event) -> str:
    return f"/organiser/events/{event.slug}/logo"


def _upload(client, url, data: bytes, filename="logo.png"):
    # encoded in memory: the test client would spool a large body to a file it never closes
    stream, length, boundary = stream_encode_multipart(
        {"image": FileStorage(io.BytesIO(data), filename=filename)}, use_tempfile=False)
    return client.post(url, data=stream.read(), content_type=f"multipart/form-data; boundary={boundary}")


def test_logo_upload_checks_the_content_not_the_name(client, make_event, login):
    event = make_event()
    login()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for data, name in ((svg, "logo.svg"), (svg, "logo.png"), (b"GIF89a not really", "logo.gif"),
                       (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "broken.png"), (b"", "empty.png")):
        response = _upload(client, _logo_url(event), data, name)
        assert response.status_code == 400, name
        assert "PNG, JPEG, GIF or WebP" in response.get_data(as_text=True) or "empty" in response.get_data(as_text=True)
    too_big = _upload(client, _logo_url(event), _png() + b"\0" * (1024 * 1024))
    assert too_big.status_code == 400 and "larger than 1 MB" in too_big.get_data(as_text=True)
    db.session.refresh(event)
    assert event.logo_png is None


def test_logo_is_reencoded_and_shown_on_page_print_and_mail(
        client, make_event, login, register, outbox):
    event = make_event(contact_email="desk@example.org")
    login()
    out = io.BytesIO()
    Image.new("RGB", (2000, 500), (10, 120, 200)).save(out, format="JPEG")
    assert _upload(client, _logo_url(event), out.getvalue(), "logo.jpg").status_code == 302
    db.session.refresh(event)
    stored = Image.open(io.BytesIO(event.logo_png))
    assert stored.format == "PNG" and stored.size == (800, 200)  # scaled to fit 800 × 300
    page = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert f'src="/e/{event.slug}/logo.png?v=' in page or f"/e/{event.slug}/logo.png?v=" in page
    served = client.get(page.split('class="event-logo" src="')[1].split('"')[0].replace("http://localhost", ""))
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff" and served.data == event.logo_png
    assert register(event).status_code == 302
    [message] = outbox(kind="registration_confirmation")
    assert f"http://localhost/e/{event.slug}/logo.png?v=" in message.body_html
    # removing it takes it off the page
    assert client.post(f"{_logo_url(event)}/remove").status_code == 302
    assert "event-logo" not in client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert client.get(f"/e/{event.slug}/logo.png").status_code == 404


def test_logo_pages_need_the_events_organiser(client, make_event):
    event = make_event()
    assert client.get(_logo_url(event)).status_code == 302
    assert _upload(client, _logo_url(event), _png()).status_code in (302, 400)
    db.session.refresh(event)
    assert event.logo_png is None


def test_favicon_is_served_and_linked(client, make_event):
    event = make_event()
    page = client.get(f"/e/{event.slug}").get_data(as_text=True)
    for href in re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', page):
        response = client.get(href)
        assert response.status_code == 200 and response.data, href
        response.close()
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200 and Image.open(io.BytesIO(ico.data)).format == "ICO"
    ico.close()

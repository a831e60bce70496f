"""English and Swedish: the event's language, the visitor's switch, the attendee's stored choice
for their pages and mail, locale-aware dates and the time zone list."""

from __future__ import annotations

import re
from datetime import datetime

from meetmatch.extensions import db
from meetmatch.i18n import fmt_date, fmt_moment, fmt_number, fmt_time, force_locale, is_timezone
from meetmatch.models import Attendee, Event


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _attendee(email: str) -> Attendee:
    return db.session.execute(db.select(Attendee).filter_by(email=email)).scalar_one()


def test_public_pages_are_in_the_event_language(client, make_event):
    swedish = make_event(language="sv")
    page = _page(client, f"/e/{swedish.slug}")
    assert '<html lang="sv">' in page
    assert "Så går det till" in page and "How it works" not in page
    # 10 December 2026 is a Thursday; the rounds start at 13:00 in the event's zone
    assert "torsdag 10 december 2026, 13:00" in page
    assert "Europe/Stockholm" in page

    english = make_event()
    page = _page(client, f"/e/{english.slug}")
    assert '<html lang="en">' in page
    assert "How it works" in page and "Thursday 10 December 2026, 13:00" in page


def test_accept_language_picks_swedish_where_no_event_decides(client):
    page = client.get("/", headers={"Accept-Language": "sv-SE,sv;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert "Möten där båda parter vinner" in page
    page = client.get("/", headers={"Accept-Language": "de,en;q=0.5"}).get_data(as_text=True)
    assert "Meetings where both sides gain" in page


def test_the_switch_works_without_javascript_and_is_remembered(client, make_event):
    event = make_event()
    page = _page(client, f"/e/{event.slug}")
    assert f'href="/e/{event.slug}?lang=sv"' in page  # a plain link to the same page
    page = _page(client, f"/e/{event.slug}/register?lang=sv")
    assert "Ditt namn" in page and "Det här kan jag erbjuda" in page
    assert f'href="/e/{event.slug}/register?lang=en"' in page
    # the next page, without ?lang=, stays in Swedish (the choice is in the session)
    assert "Så går det till" in _page(client, f"/e/{event.slug}")


def test_form_errors_are_in_swedish(client, make_event, registration_data):
    event = make_event(language="sv")
    response = client.post(f"/e/{event.slug}/register",
                           data=registration_data(event, name="", max_meetings="många"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Rätta 2 fält:" in page
    assert "Skriv ditt namn." in page
    assert "Not a valid integer value" not in page  # WTForms' own messages are translated too


def test_registering_in_swedish_stores_the_choice_and_mails_in_swedish(
        app, client, make_event, register, outbox, manage_path):
    event = make_event()  # the event's default is English
    client.get(f"/e/{event.slug}?lang=sv")
    assert register(event).status_code == 302
    assert _attendee("alice@example.com").language == "sv"
    mail = outbox(to_addr="alice@example.com")[-1]
    assert mail.subject == f"Du är anmäld till {event.name}"
    assert "Din privata länk för att se, ändra eller återkalla din anmälan:" in mail.body_text
    assert "Du är anmäld till <strong>" in mail.body_html

    # the manage page is Swedish in any browser: the choice is stored with the registration
    path = manage_path("alice@example.com")
    fresh = app.test_client()
    page = _page(fresh, path)
    assert "Din anmälan" in page and "Ändra din anmälan" in page and "Spara ändringar" in page

    # switching on the manage page stores the new choice; the next mail follows it
    assert "Your registration" in _page(fresh, path + "?lang=en")
    db.session.expire_all()
    assert _attendee("alice@example.com").language == "en"
    fresh.post(f"/e/{event.slug}/link", data={"email": "alice@example.com"})
    assert outbox(to_addr="alice@example.com")[-1].subject == f"Your link for {event.name}"


def test_mail_to_someone_without_a_choice_follows_the_event(app, make_event, make_attendee, outbox):
    from meetmatch.registration import resend_manage_link

    event = make_event(language="sv")
    make_attendee(event, name="Bo Ek", email="bo@example.com")
    resend_manage_link(event, "bo@example.com")
    mail = outbox(to_addr="bo@example.com")[-1]
    assert mail.subject == f"Din länk till {event.name}"
    assert mail.body_text.startswith("Hej Bo Ek!")


def test_dates_times_and_numbers_follow_the_locale(app):
    moment = datetime(2026, 3, 14, 12, 5)  # stored in UTC
    with force_locale("sv"):
        assert fmt_date(moment) == "lördag 14 mars 2026"
        assert fmt_time(moment) == "12:05"
        assert fmt_number(1234.5, 1) == "1\xa0234,5"
        # shown in the event's zone, never in UTC: 12:05 UTC is 13:05 in Stockholm in March
        assert fmt_moment(moment, "Europe/Stockholm") == "14 mars 2026 13:05"
    with force_locale("en"):
        assert fmt_date(moment) == "Saturday 14 March 2026"
        assert fmt_number(1234.5, 1) == "1,234.5"
        assert fmt_moment(moment, "America/New_York") == "14 Mar 2026, 08:05"


def test_time_zone_is_picked_from_the_iana_list(client, make_organiser, login):
    make_organiser()
    login()
    assert is_timezone("Europe/Stockholm") and is_timezone("America/Argentina/Buenos_Aires")
    assert not is_timezone("Mars/Olympus") and not is_timezone("posixrules")
    page = _page(client, "/organiser/events/new")
    assert re.search(r'<select [^>]*name="timezone"', page)  # a list, not a text box
    assert '<option selected value="Europe/Stockholm">' in page
    assert '<option value="America/New_York">America/New York</option>' in page

    data = {"name": "Kväll", "slug": "kvall", "day": "2026-12-10", "first_start": "18:00",
            "round_length": "15", "break_length": "5", "round_count": "3", "topics": "Design\nKapital",
            "language": "sv", "registration_open": "y", "mutuality": ""}
    response = client.post("/organiser/events/new", data=data | {"timezone": "Mars/Olympus"})
    assert response.status_code == 400
    assert db.session.execute(db.select(Event).filter_by(slug="kvall")).scalar_one_or_none() is None
    response = client.post("/organiser/events/new", data=data | {"timezone": "America/New_York"})
    assert response.status_code == 302
    event = db.session.execute(db.select(Event).filter_by(slug="kvall")).scalar_one()
    assert (event.timezone, event.language) == ("America/New_York", "sv")


def test_organiser_pages_in_swedish_show_times_in_the_event_zone_not_utc(
        client, make_organiser, login, make_event, register):
    make_organiser()
    event = make_event(timezone="America/New_York")
    register(event)
    attendee = _attendee("alice@example.com")
    login()
    page = _page(client, f"/organiser/events/{event.slug}/attendees/{attendee.id}?lang=sv")
    with force_locale("sv"):
        consented = fmt_moment(attendee.consent_at, "America/New_York")
    assert f"samtyckte {consented}" in page  # e.g. "samtyckte 29 nov. 2026 14:05"
    assert "UTC" not in page
    page = _page(client, f"/organiser/events/{event.slug}")  # the switch is remembered
    assert "Anmälningar" in page and "Lägg till en deltagare" in page and "anmäld" in page
    assert "Registrations" not in page

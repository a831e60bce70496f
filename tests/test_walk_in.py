"""The organiser adds an attendee by hand: a walk-in on the day."""

from __future__ import annotations

from meetmatch.extensions import db
from meetmatch.models import Attendee, OutboxMessage


def _form(event, **overrides):
    topics = {t.name: t.id for t in event.topics}
    return {
        "name": "Walt Walkin", "email": "walt@example.com", "organisation": "Streetwise",
        "offers": [topics["Mentoring"]], "needs": [topics["Seed funding"]],
        "rounds": [3, 4], "walk_in": "y",
    } | overrides


def test_organiser_adds_a_walk_in(client, login, make_event):
    event = make_event()
    login()
    page = client.get(f"/organiser/events/{event.slug}/attendees/new")
    assert page.status_code == 200 and "Add an attendee" in page.get_data(as_text=True)
    response = client.post(f"/organiser/events/{event.slug}/attendees/new", data=_form(event))
    assert response.status_code == 302
    walker = db.session.execute(db.select(Attendee).filter_by(email="walt@example.com")).scalar_one()
    assert walker.walk_in and walker.status == "registered"
    assert walker.available_rounds == "3,4"
    assert [t.name for t in walker.offers] == ["Mentoring"]
    assert walker.consent_at is None  # the organiser took the registration, not the attendee
    # no mail now: the walk-in gets their link with the rebuilt schedule
    assert db.session.query(OutboxMessage).count() == 0
    listing = client.get(f"/organiser/events/{event.slug}").get_data(as_text=True)
    assert "Walt Walkin" in listing and "walk-in" in listing


def test_duplicate_email_is_refused_and_nothing_typed_is_lost(client, login, make_event, make_attendee):
    event = make_event()
    existing = make_attendee(event, name="Already Here", email="here@example.com")
    login()
    response = client.post(f"/organiser/events/{event.slug}/attendees/new",
                           data=_form(event, email="Here@Example.com", name="Typed Name"))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "already registered" in body
    assert f"/attendees/{existing.id}" in body
    assert 'value="Typed Name"' in body
    assert db.session.query(Attendee).count() == 1


def test_missing_fields_are_reported_per_field(client, login, make_event):
    event = make_event()
    login()
    response = client.post(f"/organiser/events/{event.slug}/attendees/new",
                           data=_form(event, name="", email="not-an-email"))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please enter your name." in body and "valid email address" in body
    assert db.session.query(Attendee).count() == 0


def test_only_the_events_organiser_can_add(client, login, make_event, make_organiser):
    other = make_organiser(email="other@example.com", password="another password 1")
    event = make_event(organiser=other)
    make_organiser()
    login()
    assert client.get(f"/organiser/events/{event.slug}/attendees/new").status_code == 404
    assert client.post(f"/organiser/events/{event.slug}/attendees/new",
                       data=_form(event)).status_code == 404
    assert db.session.query(Attendee).count() == 0


def test_adding_needs_login(client, make_event):
    event = make_event()
    response = client.get(f"/organiser/events/{event.slug}/attendees/new")
    assert response.status_code == 302 and "/organiser/login" in response.headers["Location"]


def test_the_organisers_forms_speak_about_the_attendee(client, login, make_event, make_attendee):
    """The organiser adds or edits someone else: not "Your name" and "What I can offer"."""
    event = make_event()
    person = make_attendee(event, name="Ada Lovelace")
    login()
    for url in (f"/organiser/events/{event.slug}/attendees/new",
                f"/organiser/events/{event.slug}/attendees/{person.id}"):
        page = client.get(url).get_data(as_text=True)
        for words in ("Offers, in their own words", "Needs (topics)", "Rounds they can attend",
                      "What they bring and what they need", "Their time"):
            assert words in page, (url, words)
        for words in ("Your name", "What I can offer", "What I need", "Your time", "I arrive for"):
            assert words not in page, (url, words)
    # A failed save keeps the organiser's labels.
    page = client.post(f"/organiser/events/{event.slug}/attendees/{person.id}",
                       data={"name": ""}).get_data(as_text=True)
    assert "Offers, in their own words" in page and "Please enter your name." in page
    # The attendee's own page keeps speaking to them.
    from meetmatch.registration import issue_manage_link

    url = issue_manage_link(person, "registration_confirmation")
    db.session.commit()
    page = client.get(url.removeprefix("http://localhost")).get_data(as_text=True)
    assert "What I can offer" in page and "Offers, in their own words" not in page

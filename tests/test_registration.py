"""The public event page and the registration form (issue 2, "Attendee")."""

from __future__ import annotations

import re

import pytest

from meetmatch.extensions import db
from meetmatch.models import Attendee, OutboxMessage


def attendees():
    return db.session.execute(db.select(Attendee).order_by(Attendee.id)).scalars().all()


def test_event_page_shows_event_and_register_link(client, make_event):
    event = make_event(name="Founders & Funders", venue="Epicenter", description="First.\n\nSecond.")
    page = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert "Founders &amp; Funders" in page
    assert "Epicenter" in page
    assert "<p>First.</p>" in page and "<p>Second.</p>" in page
    assert f'href="/e/{event.slug}/register"' in page
    assert f'href="/e/{event.slug}/link"' in page


def test_unknown_event_is_404(client):
    response = client.get("/e/no-such-event")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)
    assert client.get("/e/no-such-event/register").status_code == 404


def test_form_has_labelled_fields_checkboxes_and_unticked_consent(client, make_event):
    event = make_event()
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    for name in ("name", "email", "organisation", "title", "offers_text", "needs_text", "max_meetings"):
        assert re.search(rf'<label for="{name}"', page), name
        assert f'id="{name}"' in page
    # Topics and rounds are checkbox lists inside fieldsets with a legend (no JavaScript needed).
    for legend in ("What I can offer", "What I need", "Rounds I can attend"):
        assert f"<legend>{legend}</legend>" in page
    for topic in event.topics:
        assert re.search(rf'<input[^>]*name="offers"[^>]*value="{topic.id}"', page)
        assert re.search(rf'<input[^>]*name="needs"[^>]*value="{topic.id}"', page)
        assert topic.name in page
    # Every round is ticked by default; consent is not.
    assert len(re.findall(r'<input checked[^>]*name="rounds"', page)) == len(event.rounds)
    consent = re.search(r'<input[^>]*name="consent"[^>]*>', page).group(0)
    assert "checked" not in consent
    assert '<label for="consent"' in page
    # Ids are unique, so every label and error link points at one element.
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_successful_registration_stores_everything(app, client, make_event, register):
    event = make_event()
    topics = event.topics
    response = register(event, name="  Alice Park ", email=" Alice@Example.COM ",
                         offers=[topics[1].id, topics[2].id], needs=[topics[0].id],
                         rounds=[1, 3], max_meetings="2", title="CEO")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/e/{event.slug}/registered"
    [alice] = attendees()
    assert alice.name == "Alice Park"
    assert alice.email == "alice@example.com"
    assert alice.organisation == "Pixelry" and alice.title == "CEO"
    assert [t.name for t in alice.offers] == [topics[1].name, topics[2].name]
    assert [t.name for t in alice.needs] == [topics[0].name]
    assert alice.offers_text == "I can review your onboarding"
    assert alice.needs_text == "a seed lead"
    assert alice.rounds_list == [1, 3]
    assert alice.max_meetings == 2
    assert alice.status == "registered"
    assert alice.consent_at is not None
    assert alice.consent_version == app.config["PRIVACY_NOTICE_VERSION"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You are registered" in page and "private link" in page


def test_all_rounds_are_stored_as_all(client, make_event, register):
    event = make_event()
    register(event)
    assert attendees()[0].available_rounds is None  # "all rounds", also rounds added later


def test_confirmation_mail_is_queued_in_the_same_transaction(client, make_event, register, outbox):
    event = make_event()
    register(event)
    [message] = outbox()
    assert message.kind == "registration_confirmation"
    assert message.to_addr == "alice@example.com"
    assert message.status == "queued"
    assert event.name in message.subject
    assert f"http://localhost/e/{event.slug}/manage/" in message.body_text
    assert f"http://localhost/e/{event.slug}/manage/" in message.body_html
    assert "UX design" in message.body_text  # what they offer, as a check for the attendee


@pytest.mark.parametrize("field,value,message", [
    ("name", "", "Please enter your name."),
    ("name", "   ", "Please enter your name."),
    ("name", "x" * 121, "Field cannot be longer than 120 characters."),
    ("email", "", "Please enter your email address."),
    ("email", "not-an-email", "Please enter a valid email address"),
    ("email", "a@b.com\r\nBcc: c@d.com", "Please enter a valid email address"),
    ("email", "x" * 250 + "@example.com", "254"),
    ("organisation", "x" * 161, "160"),
    ("title", "x" * 161, "160"),
    ("offers_text", "x" * 1001, "1000"),
    ("needs_text", "x" * 1001, "1000"),
    ("rounds", [], "Pick at least one round you can attend."),
    ("rounds", [99], "is not a valid choice"),
    ("offers", ["abc"], "could not be coerced"),
    ("needs", [123456], "is not a valid choice"),
    ("max_meetings", "0", "Number must be between 1 and 50."),
    ("max_meetings", "51", "Number must be between 1 and 50."),
    ("max_meetings", "two", "Not a valid integer value."),
    ("consent", "", "Please accept the privacy notice to register."),
    ("name", "Nul\x00Byte", "Remove the invisible control characters"),
    ("needs_text", "bell\x07", "Remove the invisible control characters"),
])
def test_each_bad_field_gets_its_own_error_and_nothing_is_stored(
        client, make_event, registration_data, field, value, message):
    event = make_event()
    data = registration_data(event, **{field: value})
    if value in ("", []) and field in ("consent", "rounds"):
        data.pop(field)
    response = client.post(f"/e/{event.slug}/register", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    # The error is tied to the field (error text with the field's id) and listed in the summary.
    assert f'id="{field}-error"' in page
    assert f'href="#{field}"' in page
    assert attendees() == []
    assert db.session.execute(db.select(OutboxMessage)).first() is None


def test_offers_and_needs_need_a_topic_or_free_text(client, make_event, registration_data):
    event = make_event()
    data = registration_data(event, offers_text="", needs_text="")
    data.pop("offers")
    data.pop("needs")
    page = client.post(f"/e/{event.slug}/register", data=data).get_data(as_text=True)
    assert "Tell us at least one thing you can offer" in page
    assert "Tell us at least one thing you need" in page
    assert attendees() == []
    # Free text alone is enough.
    data |= {"offers_text": "Intros to Nordic investors", "needs_text": "a CTO"}
    assert client.post(f"/e/{event.slug}/register", data=data).status_code == 302
    [person] = attendees()
    assert person.offers == [] and person.offers_text == "Intros to Nordic investors"


def test_nothing_typed_is_lost_when_one_field_is_wrong(client, make_event, registration_data):
    event = make_event()
    topics = event.topics
    data = registration_data(event, email="broken", organisation="Pixelry AB", title="CTO",
                             offers=[topics[2].id], needs=[topics[3].id], rounds=[2, 4],
                             max_meetings="3", offers_text="Code <review>", needs_text="hiring")
    page = client.post(f"/e/{event.slug}/register", data=data).get_data(as_text=True)
    assert 'value="broken"' in page
    assert 'value="Alice Park"' in page
    assert 'value="Pixelry AB"' in page and 'value="CTO"' in page and 'value="3"' in page
    assert "Code &lt;review&gt;</textarea>" in page
    assert "hiring</textarea>" in page
    checked = re.findall(r'<input checked[^>]*name="(\w+)"[^>]*value="(\d+)"', page)
    assert ("offers", str(topics[2].id)) in checked and ("offers", str(topics[1].id)) not in checked
    assert ("needs", str(topics[3].id)) in checked
    assert sorted(v for n, v in checked if n == "rounds") == ["2", "4"]
    consent = re.search(r'<input[^>]*name="consent"[^>]*>', page).group(0)
    assert "checked" in consent


def test_second_registration_with_same_email_sends_fresh_link_not_duplicate(
        client, make_event, register, outbox, manage_path):
    event = make_event()
    register(event)
    first_link = manage_path("alice@example.com")
    response = register(event, email="ALICE@example.com", name="Alice Again")
    assert response.status_code == 302
    # The same answer as a new registration: the form tells nobody who is registered.
    assert response.headers["Location"] == f"/e/{event.slug}/registered"
    [alice] = attendees()
    assert alice.name == "Alice Park"  # the second attempt changes nothing
    kinds = [m.kind for m in outbox()]
    assert kinds == ["registration_confirmation", "manage_link"]
    second_link = manage_path("alice@example.com")
    assert second_link != first_link
    assert client.get(second_link).status_code == 200
    assert client.get(first_link).status_code == 200  # a stranger cannot end the older link


def test_same_email_may_register_for_two_events(client, make_event, register):
    one, two = make_event(), make_event()
    assert register(one).status_code == 302
    assert register(two).status_code == 302
    assert len(attendees()) == 2


def test_closed_registration_shows_closed_page_and_refuses_posts(client, make_event, register):
    event = make_event(registration_open=False)
    page = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert "Registration for this event is closed" in page
    assert f'href="/e/{event.slug}/register"' not in page
    response = client.get(f"/e/{event.slug}/register")
    assert "closed" in response.get_data(as_text=True)
    assert 'name="consent"' not in response.get_data(as_text=True)
    assert register(event).status_code == 403
    assert attendees() == []


def test_event_without_topics_still_accepts_free_text(client, make_event):
    event = make_event(topics=())
    data = {"name": "Bo", "email": "bo@example.com", "offers_text": "design", "needs_text": "money",
            "rounds": [1], "consent": "y"}
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert "Nothing to choose here yet." in page
    assert client.post(f"/e/{event.slug}/register", data=data).status_code == 302


def test_single_line_fields_are_flattened_and_multi_line_text_kept(client, make_event, register):
    event = make_event()
    register(event, name="Alice\r\n  Park", organisation="Pix\telry", offers_text="one\r\ntwo")
    [alice] = attendees()
    assert alice.name == "Alice Park" and alice.organisation == "Pix elry"
    assert alice.offers_text.splitlines() == ["one", "two"]

"""Creating and editing events: settings, rounds, tables, topics (issue 2, "Organiser")."""

from __future__ import annotations

from datetime import datetime

import pytest

from meetmatch.events import SetupError, parse_round_lines, parse_topics
from meetmatch.extensions import db
from meetmatch.models import Event


def event_form(**overrides):
    data = {
        "name": "Startup Night", "slug": "startup-night", "description": "Meet people.",
        "venue": "Epicenter", "day": "2026-12-10", "timezone": "Europe/Stockholm",
        "first_start": "13:00", "round_length": "15", "break_length": "5", "round_count": "3",
        "custom_rounds": "", "num_tables": "12", "table_names": "Booth A\nBooth B",
        "topics": "Seed funding\nUX design\nMentoring", "registration_open": "y",
        "block_same_organisation": "y", "min_meetings": "2", "mutuality": "0.5",
    }
    return {k: v for k, v in (data | overrides).items() if v is not None}


def get_event(slug="startup-night") -> Event:
    db.session.expire_all()
    return db.session.execute(db.select(Event).filter_by(slug=slug)).scalar_one()


@pytest.fixture
def logged_in(client, make_organiser, login):
    organiser = make_organiser()
    login()
    return organiser


def test_create_event_with_generated_rounds(client, logged_in):
    page = client.get("/organiser/events/new").get_data(as_text=True)
    for name in ("name", "slug", "venue", "day", "timezone", "first_start", "round_count", "topics",
                 "num_tables", "table_names", "min_meetings", "mutuality"):
        assert f'<label for="{name}"' in page, name
    response = client.post("/organiser/events/new", data=event_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/organiser/events/startup-night"
    event = get_event()
    assert event.organiser_id == logged_in.id
    assert (event.name, event.venue, event.timezone) == ("Startup Night", "Epicenter", "Europe/Stockholm")
    assert [(r.number, r.starts_at, r.duration_minutes) for r in event.rounds] == [
        (1, datetime(2026, 12, 10, 13, 0), 15),
        (2, datetime(2026, 12, 10, 13, 20), 15),
        (3, datetime(2026, 12, 10, 13, 40), 15),
    ]
    assert event.num_tables == 12 and event.table_label(2) == "Booth B" and event.table_label(3) == "Table 3"
    assert [t.name for t in event.topics] == ["Seed funding", "UX design", "Mentoring"]
    assert event.registration_open and event.block_same_organisation
    assert event.min_meetings == 2 and event.mutuality == 0.5
    public = client.get("/e/startup-night").get_data(as_text=True)
    assert "Startup Night" in public and "13:00–13:55" in public


def test_checkboxes_off_and_defaults(client, logged_in):
    data = event_form(min_meetings="", mutuality="", num_tables="")
    del data["registration_open"], data["block_same_organisation"]
    assert client.post("/organiser/events/new", data=data).status_code == 302
    event = get_event()
    assert not event.registration_open and not event.block_same_organisation
    assert event.min_meetings is None and event.mutuality is None and event.num_tables is None


def test_help_text_and_errors_are_escaped_not_read_as_html(client, logged_in):
    """Help text such as "/e/<this address>" is text: the browser swallowed "<this address>"
    as a tag while translated strings went out unescaped."""
    page = client.get("/organiser/events/new").get_data(as_text=True)
    assert "Attendees register at /e/&lt;this address&gt;." in page
    assert "<this address>" not in page
    page = client.post("/organiser/events/new", data=event_form(slug="Not OK")).get_data(as_text=True)
    assert "&#34;startup-night-2026&#34;" in page  # the slug error's quotes, escaped like any text


def test_block_same_organisation_defaults_on_in_the_form(client, logged_in):
    page = client.get("/organiser/events/new").get_data(as_text=True)
    assert 'checked id="block_same_organisation"' in page or \
        'id="block_same_organisation" name="block_same_organisation" type="checkbox" value="y" checked' in page \
        or 'checked' in page.split('name="block_same_organisation"')[0].rsplit("<input", 1)[1]


def test_custom_round_list(client, logged_in):
    data = event_form(custom_rounds="14:30 20\n13:00 25\n\n15:00 10")
    assert client.post("/organiser/events/new", data=data).status_code == 302
    event = get_event()
    assert [(r.starts_at.strftime("%H:%M"), r.duration_minutes) for r in event.rounds] == [
        ("13:00", 25), ("14:30", 20), ("15:00", 10)]


@pytest.mark.parametrize("overrides,field,message", [
    ({"name": ""}, "name", "Give the event a name."),
    ({"slug": "Startup Night"}, "slug", "Use lower-case letters"),
    ({"slug": "-bad-"}, "slug", "Use lower-case letters"),
    ({"slug": "x" * 65}, "slug", "longer than 64"),
    ({"timezone": "Mars/Olympus"}, "timezone", "Unknown time zone"),
    ({"day": "tomorrow"}, "day", "Not a valid date value."),
    ({"first_start": ""}, "first_start", "Fill this in, or list the rounds yourself"),
    ({"round_count": "0"}, "round_count", "Number must be between 1 and 50."),
    ({"round_count": "51"}, "round_count", "Number must be between 1 and 50."),
    ({"round_length": "0"}, "round_length", "Number must be between 1 and 600."),
    ({"custom_rounds": "13:00 15\n13:10 15"}, "custom_rounds", "overlaps"),
    ({"custom_rounds": "1pm for 15"}, "custom_rounds", "Line 1"),
    ({"custom_rounds": "25:00 15"}, "custom_rounds", "not a valid time"),
    ({"topics": ""}, "topics", "List the topics"),
    ({"topics": "x" * 81}, "topics", "longer than 80 characters"),
    ({"num_tables": "0"}, "num_tables", "Number must be between 1 and 5000."),
    ({"min_meetings": "-1"}, "min_meetings", "Number must be between 0 and 50."),
    ({"mutuality": "7"}, "mutuality", "Not a valid choice"),
    ({"description": "x" * 5001}, "description", "5000"),
    ({"venue": "x" * 201}, "venue", "200"),
])
def test_bad_settings_are_reported_on_their_field(client, logged_in, overrides, field, message):
    response = client.post("/organiser/events/new", data=event_form(**overrides))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    assert 'value="Startup Night"' in page or overrides.get("name") == ""  # nothing typed is lost
    assert "Booth A\nBooth B</textarea>" in page
    assert db.session.execute(db.select(Event)).first() is None


def test_slug_must_be_unique_across_organisers(client, logged_in, make_event, make_organiser):
    make_event(organiser=make_organiser("other@example.com", "other password"), slug="taken")
    response = client.post("/organiser/events/new", data=event_form(slug="taken"))
    assert response.status_code == 400
    assert "already used by another event" in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Event.id))).scalar() == 1


def test_edit_keeps_topics_that_remain_and_attendees_choices(client, logged_in, make_event,
                                                             make_attendee):
    event = make_event(organiser=logged_in, slug="edit-me", topics=("Seed funding", "UX design", "Mentoring"))
    person = make_attendee(event, offers=["UX design", "Mentoring"], needs=["Seed funding"])
    page = client.get("/organiser/events/edit-me/edit").get_data(as_text=True)
    assert "13:00 15\n13:20 15" in page  # rounds shown as an editable list
    assert "Seed funding\nUX design\nMentoring</textarea>" in page
    data = event_form(slug="edit-me", name="Renamed", first_start="", round_length="", break_length="",
                      round_count="", custom_rounds="10:00 30\n10:30 30",
                      topics="ux design\nRecruiting\nSeed funding")
    response = client.post("/organiser/events/edit-me/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    event = get_event("edit-me")
    assert event.name == "Renamed"
    assert [t.name for t in event.topics] == ["ux design", "Recruiting", "Seed funding"]
    assert [(r.number, r.starts_at.strftime("%H:%M")) for r in event.rounds] == [(1, "10:00"), (2, "10:30")]
    db.session.refresh(person)
    assert [t.name for t in person.offers] == ["ux design"]  # Mentoring was removed from the list
    assert [t.name for t in person.needs] == ["Seed funding"]


def test_edit_can_change_slug(client, logged_in, make_event):
    make_event(organiser=logged_in, slug="old-slug")
    data = event_form(slug="new-slug", custom_rounds="13:00 15")
    response = client.post("/organiser/events/old-slug/edit", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/organiser/events/new-slug"
    assert db.session.execute(db.select(Event.slug)).scalars().all() == ["new-slug"]
    page = client.get("/e/new-slug")
    assert page.status_code == 200 and "Startup Night" in page.get_data(as_text=True)
    assert client.get("/e/old-slug").status_code == 404


def test_parse_topics_dedupes_and_splits():
    assert parse_topics("Seed funding\n seed  FUNDING ;UX design\n\n") == ["Seed funding", "UX design"]


def test_parse_round_lines_rejects_overlap():
    with pytest.raises(SetupError) as error:
        parse_round_lines(datetime(2026, 1, 1).date(), "13:00 30\n13:15 10")
    assert error.value.field == "custom_rounds"


def test_every_mutuality_choice_is_accepted_by_the_matching_engine(app):
    """The settings form must offer only values the solver takes (0..1)."""
    from meetmatch.matching import Settings
    from meetmatch.organiser.forms import EventForm

    with app.test_request_context():
        values = [c[0] if isinstance(c, tuple) else c.value for c in EventForm().mutuality.choices]
    assert "" in values
    for value in values:
        Settings(mutuality=float(value) if value else None)  # raises ProblemError if out of range


def test_missing_round_fields_each_say_so(client, logged_in):
    """Without a list of rounds, each empty round field carries its own error (it used to sit
    on "Number of rounds" and name the start time)."""
    import re

    page = client.post("/organiser/events/new",
                       data=event_form(first_start="", round_count="")).get_data(as_text=True)
    for name in ("first_start", "round_count"):
        error = re.search(rf'id="{name}-error">([^<]*)<', page)
        assert error and error.group(1) == "Fill this in, or list the rounds yourself below.", name
    assert 'id="round_length-error"' not in page
    assert "Please correct 2 fields" in page
    # With the rounds listed, the three fields may stay empty.
    response = client.post("/organiser/events/new", data=event_form(
        first_start="", round_count="", round_length="", custom_rounds="13:00 15\n13:20 15"))
    assert response.status_code == 302

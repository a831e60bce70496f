"""CSV import (all or nothing, every bad row reported) and safe export (issue 2, "Organiser")."""

from __future__ import annotations

import csv
import io

import pytest

from meetmatch.attendee_csv import neutralise
from meetmatch.extensions import db
from meetmatch.models import Attendee


@pytest.fixture
def event(make_event, make_organiser, login):
    event = make_event(organiser=make_organiser())
    login()
    return event


@pytest.fixture
def upload(client, event):
    def _upload(text: str | bytes, filename="attendees.csv"):
        raw = text.encode("utf-8") if isinstance(text, str) else text
        return client.post(f"/organiser/events/{event.slug}/import",
                           data={"file": (io.BytesIO(raw), filename)},
                           content_type="multipart/form-data")

    return _upload


def stored():
    db.session.expire_all()
    return db.session.execute(db.select(Attendee).order_by(Attendee.email)).scalars().all()


GOOD = (
    "name,email,organisation,title,offers,needs,offers_text,needs_text,available_rounds,max_meetings\n"
    "Alice Park,Alice@Example.com,Pixelry,CEO,UX design;Mentoring,Seed funding,design reviews,"
    "a lead investor,1;3,2\n"
    "Bruno Lind,bruno@example.com,Northstar,Partner,Seed funding,,\"tickets, 2–10 MSEK\",,,\n"
)


def test_import_good_file(client, event, upload):
    page = client.get(f"/organiser/events/{event.slug}/import").get_data(as_text=True)
    assert "offers_text" in page and '<label for="file"' in page
    response = upload(GOOD)
    assert response.status_code == 302
    assert "Imported 2 new and updated 0 attendees." in client.get(response.headers["Location"]).get_data(as_text=True)
    alice, bruno = stored()
    assert (alice.name, alice.email, alice.organisation, alice.title) == (
        "Alice Park", "alice@example.com", "Pixelry", "CEO")
    assert [t.name for t in alice.offers] == ["UX design", "Mentoring"]
    assert [t.name for t in alice.needs] == ["Seed funding"]
    assert alice.offers_text == "design reviews" and alice.needs_text == "a lead investor"
    assert alice.rounds_list == [1, 3] and alice.max_meetings == 2
    assert bruno.offers_text == "tickets, 2–10 MSEK" and bruno.needs == [] and bruno.rounds_list is None


def test_import_semicolon_separated_with_bom_and_aliases(event, upload):
    text = "\ufeffNamn;E-post;Company;Offers;Needs\nÅsa Öberg;asa@example.se;Öberg AB;UX design;Mentoring\n"
    assert upload(text).status_code == 302
    [asa] = stored()
    assert asa.name == "Åsa Öberg" and asa.organisation == "Öberg AB"
    assert [t.name for t in asa.offers] == ["UX design"]


def test_import_updates_known_email(event, upload, make_attendee):
    make_attendee(event, name="Old Name", email="alice@example.com")
    assert upload(GOOD).status_code == 302
    alice, bruno = stored()
    assert alice.name == "Alice Park" and len(stored()) == 2


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(event, upload):
    text = (
        "name,email,offers,needs,available_rounds,max_meetings\n"
        "Good Person,good@example.com,UX design,Mentoring,1,3\n"       # line 2: fine
        ",nameless@example.com,,,,\n"                                  # line 3: no name
        "Bad Mail,not-an-email,,,,\n"                                  # line 4
        "Unknown Topic,u@example.com,Time travel;UX design,,,\n"         # line 5
        "Bad Round,r@example.com,,,1;9,\n"                             # line 6
        "Bad Max,m@example.com,,,,lots\n"                              # line 7
        "Dup,good@example.com,,,,\n"                                   # line 8
        "Too,many,cells,,,,,,\n"                                        # line 9
        + "Long," + "x" * 250 + "@example.com,,,,\n"                   # line 10
        "Nul\x00,nul@example.com,,,,\n"                                 # line 11
    )
    response = upload(text)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page
    expected = [
        "Line 3: name is empty",
        "Line 4: email &#34;not-an-email&#34; is not valid",
        "Line 5: offers: unknown topic &#34;Time travel&#34;",
        "Line 6: available_rounds: &#34;9&#34; is not a round of this event",
        "Line 7: max_meetings: &#34;lots&#34; is not a whole number",
        "Line 8: email good@example.com also appears on line 2",
        "Line 9: 9 cells but only 6 columns",
        "Line 10: email",
        "Line 11: invisible control characters in name",
    ]
    for message in expected:
        assert message in page, message
    assert "Line 2" not in page
    assert stored() == []


def test_missing_required_column_and_empty_file(event, upload):
    page = upload("name,organisation\nAlice,Pixelry\n").get_data(as_text=True)
    assert "Line 1: missing column(s) email" in page
    assert "The file is empty." in upload("").get_data(as_text=True)
    assert "no attendees" in upload("name,email\n").get_data(as_text=True)
    assert stored() == []


def test_non_utf8_and_wrong_extension_are_refused(event, upload):
    response = upload("name,email\nÅsa,asa@example.se\n".encode("latin-1"))
    assert response.status_code == 400
    assert "not UTF-8" in response.get_data(as_text=True)
    response = upload(GOOD, filename="attendees.xlsx")
    assert response.status_code == 400
    assert "Upload a .csv file" in response.get_data(as_text=True)
    assert stored() == []


def test_export_is_safe_in_a_spreadsheet(client, event, make_attendee):
    make_attendee(event, name="=HYPERLINK(\"http://evil\")", organisation="+46 70", offers=["UX design"],
                  needs=["Seed funding", "Mentoring"], title="@SUM(A1)", offers_text="-1+1",
                  available_rounds="1,2")
    make_attendee(event, name="Plain Person", organisation="Acme, Inc.")
    response = client.get(f"/organiser/events/{event.slug}/attendees.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    evil, plain = rows
    assert evil["name"] == "'=HYPERLINK(\"http://evil\")"
    assert evil["organisation"] == "'+46 70"
    assert evil["title"] == "'@SUM(A1)"
    assert evil["offers_text"] == "'-1+1"
    assert evil["offers"] == "UX design" and evil["needs"] == "Seed funding;Mentoring"
    assert evil["available_rounds"] == "1;2"
    assert plain["organisation"] == "Acme, Inc."
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_export_then_import_round_trips(client, event, make_attendee, upload):
    make_attendee(event, name="Alice", email="alice@example.com", offers=["UX design"], needs=["Mentoring"],
                  available_rounds="2,3", max_meetings=2, offers_text="reviews")
    exported = client.get(f"/organiser/events/{event.slug}/attendees.csv").get_data()
    db.session.execute(db.delete(Attendee))
    db.session.commit()
    assert upload(exported).status_code == 302
    [alice] = stored()
    assert [t.name for t in alice.offers] == ["UX design"] and alice.rounds_list == [2, 3]
    assert alice.max_meetings == 2 and alice.offers_text == "reviews"


def test_neutralise():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\t=1") == "'\t=1"
    assert neutralise("Alice") == "Alice"
    assert neutralise(None) == ""
    assert neutralise(3) == "3"

"""Compact days in the app: the event setting, arrive late / leave early on every form that
edits a registration, and the idle gaps on a version's summary (issue 13 §4)."""

from __future__ import annotations

import io
import json
import re

import pytest

from meetmatch.extensions import db
from meetmatch.models import Attendee, Event, SavedMeeting, ScheduleVersion
from meetmatch.schedules import engine_io, review

from ..test_events import event_form


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


@pytest.fixture
def organiser_event(make_organiser, login, small_event):
    """The ten-person event of tests/schedule, its organiser logged in."""
    def _make(**overrides):
        event = small_event(organiser=make_organiser(), **overrides)
        login()
        return event
    return _make


def idle_card(page: str) -> str:
    match = re.search(r'<div class="card" id="idle-gaps"><div class="num">(\d+)</div>([^<]*)', page)
    assert match, "no idle gaps card"
    return match.group(1) + " " + match.group(2)


# ------------------------------------------------------------------ the event setting


def test_compact_is_an_event_setting_off_by_default(client, make_organiser, login):
    make_organiser()
    login()
    page = client.get("/organiser/events/new").get_data(as_text=True)
    assert '<label for="compact"' in page
    assert "people wait the fewest rounds between their first and last meeting" in page
    [tag] = [t for t in page.split("<input")[1:] if 'name="compact"' in t.split(">")[0]]
    assert "checked" not in tag.split(">")[0]
    assert client.post("/organiser/events/new", data=event_form()).status_code == 302
    event = db.session.execute(db.select(Event).filter_by(slug="startup-night")).scalar_one()
    assert event.compact is False
    assert engine_io.problem_from_event(event).problem.settings.compact is False

    response = client.post("/organiser/events/startup-night/edit",
                           data=event_form(compact="y", round_count="4"))
    assert response.status_code == 302, response.get_data(as_text=True)
    event = fresh(Event, event.id)
    assert event.compact is True
    assert engine_io.problem_from_event(event).problem.settings.compact is True
    edit = client.get("/organiser/events/startup-night/edit").get_data(as_text=True)
    [tag] = [t for t in edit.split("<input")[1:] if 'name="compact"' in t.split(">")[0]]
    assert "checked" in tag.split(">")[0]
    rules = client.get("/organiser/events/startup-night/rules").get_data(as_text=True)
    assert "take the one where people wait the fewest rounds" in rules


def test_the_setting_reads_in_swedish(client, make_organiser, login):
    make_organiser()
    login()
    page = client.get("/organiser/events/new?lang=sv").get_data(as_text=True)
    assert "Kompakta dagar" in page
    assert "Välj bland lika bra scheman det där deltagarna väntar färst rundor" in page


# ------------------------------------------------------------------ arrive late, leave early


def test_registration_takes_an_arrive_late_leave_early_window(client, small_event, register):
    event = small_event(rounds=6)
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    for name, first in (("first_round", "The first round"), ("last_round", "The last round")):
        assert f'<label for="{name}"' in page
        assert f'<option selected value="">{first}</option>' in page
        assert '<option value="3">Round 3 (13:40)</option>' in page
    assert "Arriving late or leaving early?" in page

    response = register(event, first_round="3", last_round="5")
    assert response.status_code == 302
    alice = db.session.execute(db.select(Attendee).filter_by(email="alice@example.com")).scalar_one()
    assert (alice.first_round, alice.last_round) == (3, 5)
    assert alice.ticked_rounds is None and alice.rounds_list == [3, 4, 5]
    person = engine_io.participant(alice, 6)
    assert person.available_rounds == (3, 4, 5)

    # Rounds ticked outside the window do not count; the window must leave a ticked round.
    response = register(event, email="zed@example.com", rounds=["1", "2"], first_round="4")
    assert response.status_code == 400
    assert "None of the rounds you ticked is between" in response.get_data(as_text=True)
    response = register(event, email="zed@example.com", first_round="5", last_round="2")
    assert response.status_code == 400
    assert ("The round you leave after cannot come before the round you arrive for."
            in response.get_data(as_text=True))
    assert db.session.execute(db.select(Attendee).filter_by(email="zed@example.com")).first() is None


def test_the_window_in_swedish(client, small_event, register):
    event = small_event(rounds=6, language="sv")
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert "Jag kommer till" in page and "Jag går efter" in page
    assert "Första rundan" in page and "Sista rundan" in page and "Runda 3 (13:40)" in page
    response = register(event, first_round="5", last_round="2")
    assert "Rundan du går efter kan inte komma före rundan du kommer till." in response.get_data(
        as_text=True)


def test_manage_page_and_organiser_edit_keep_the_window(client, small_event, register,
                                                          manage_path, registration_data,
                                                          make_organiser, login):
    organiser = make_organiser()
    event = small_event(rounds=6, organiser=organiser)
    register(event, first_round="2")
    path = manage_path("alice@example.com")
    page = client.get(path).get_data(as_text=True)
    assert '<option selected value="2">' in page  # pre-filled
    data = registration_data(event, last_round="4", first_round="2")
    data.pop("email"), data.pop("consent")
    assert client.post(path, data=data).status_code == 302
    alice = db.session.execute(db.select(Attendee).filter_by(email="alice@example.com")).scalar_one()
    assert (alice.first_round, alice.last_round, alice.rounds_list) == (2, 4, [2, 3, 4])

    login()
    url = f"/organiser/events/{event.slug}/attendees/{alice.id}"
    page = client.get(url).get_data(as_text=True)
    assert '<label for="first_round"' in page and '<option selected value="4">' in page
    data = registration_data(event, first_round="", last_round="3")
    data.pop("consent")
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    alice = fresh(Attendee, alice.id)
    assert (alice.first_round, alice.last_round, alice.rounds_list) == (None, 3, [1, 2, 3])


def test_csv_import_and_export_carry_the_window(client, make_event, make_organiser, login):
    event = make_event(organiser=make_organiser(), rounds=6)
    login()

    def upload(text: str):
        return client.post(f"/organiser/events/{event.slug}/import",
                           data={"file": (io.BytesIO(text.encode()), "a.csv")},
                           content_type="multipart/form-data")

    bad = "name,email,available_rounds,first_round,last_round\nAl,al@example.com,,7,\n" \
          "Bo,bo@example.com,,4,2\nCy,cy@example.com,1;2,3,\n"
    page = client.get(upload(bad).headers.get("Location") or "/", follow_redirects=True)
    response = upload(bad)
    text = response.get_data(as_text=True)
    assert "first_round: &#34;7&#34; is not a round of this event (1–6)" in text or \
        "first_round: &quot;7&quot; is not a round" in text, page
    assert "last_round: 2 is before first_round 4" in text
    # a window outside every ticked round would leave Cy no round at all: refused, as the form does
    assert "first_round, last_round: none of the available_rounds is between them" in text
    good = "name,email,available_rounds,first_round,last_round\nAl,al@example.com,1;3;5,3,\n"
    assert upload(good).status_code == 302
    al = db.session.execute(db.select(Attendee).filter_by(email="al@example.com")).scalar_one()
    assert (al.first_round, al.last_round, al.rounds_list) == (3, None, [3, 5])
    exported = client.get(f"/organiser/events/{event.slug}/attendees.csv").get_data(as_text=True)
    header, row = exported.lstrip("\ufeff").splitlines()[:2]
    columns = dict(zip(header.split(","), row.split(","), strict=False))
    assert (columns["available_rounds"], columns["first_round"], columns["last_round"]) == (
        "1;3;5", "3", "")


# ------------------------------------------------------------------ the summary


def hand_made_version(event, meetings) -> ScheduleVersion:
    """A draft version with the given (round, a, b) meetings, tables in order."""
    version = ScheduleVersion(event=event, number=1, solver_status="feasible",
                              details='{"targets": {}}')
    db.session.add(version)
    tables: dict[int, int] = {}
    for r, a, b in meetings:
        tables[r] = tables.get(r, 0) + 1
        db.session.add(SavedMeeting(version=version, round_number=r, table_number=tables[r],
                                    attendee_a_id=a.id, attendee_b_id=b.id, score=1.0))
    db.session.commit()
    return version


def test_summary_counts_idle_rounds_between_meetings(client, organiser_event):
    event = organiser_event()
    people = {a.name.split()[0]: a for a in event.attendees}
    ada, ben, chloe, dev = (people[x] for x in ("Ada", "Ben", "Chloe", "Dev"))
    # Ada: rounds 1 and 4, idle in 2 and 3. Ben: 1 and 2, none. Chloe: 4 only. Dev: 2 only.
    version = hand_made_version(event, [(1, ada, ben), (2, ben, dev), (4, ada, chloe)])
    numbers = review.summary(event, version)
    assert (numbers["idle_gaps"], numbers["idle_people"]) == (2, 1)
    page = client.get(f"/organiser/events/{event.slug}/schedule/v/1").get_data(as_text=True)
    assert idle_card(page) == "2 idle rounds between meetings (1 person)"
    # Away in rounds 2 and 3 is not idle: only rounds a person attends count.
    ada.available_rounds = "1,4"
    db.session.commit()
    assert review.summary(event, version)["idle_gaps"] == 0
    ada.available_rounds = "1,2,4"  # there in round 2, away in round 3
    db.session.commit()
    assert review.summary(event, version)["idle_gaps"] == 1
    ada.available_rounds = None
    ada.first_round = 4  # arrives for round 4 (her round-1 meeting is from before she said so)
    db.session.commit()
    assert review.summary(event, version)["idle_gaps"] == 0
    sv = client.get(f"/organiser/events/{event.slug}/schedule/v/1?lang=sv").get_data(
        as_text=True)
    assert idle_card(sv) == "0 lediga rundor mellan möten"


def test_building_with_compact_days_never_has_more_idle_rounds(organiser_event, client):
    # Six rounds and at most three meetings each: the colouring is free to spread them.
    event = organiser_event(rounds=6)
    for person in event.attendees:
        person.max_meetings = 3
    db.session.commit()
    plain = engine_io.build_schedule(event, time_limit=3.0)
    event.compact = True
    db.session.commit()
    compact = engine_io.build_schedule(event, time_limit=3.0)
    pairs = [sorted(tuple(sorted((m.attendee_a_id, m.attendee_b_id))) for m in v.meetings)
             for v in (plain, compact)]
    assert pairs[0] == pairs[1]  # the same meetings, other rounds at most
    assert compact.objective == pytest.approx(plain.objective)
    gaps = [review.summary(event, v)["idle_gaps"] for v in (plain, compact)]
    assert gaps[1] <= gaps[0]
    assert f"{gaps[1]} idle gaps" in compact.solver_message
    page = client.get(f"/organiser/events/{event.slug}/schedule/v/{compact.number}"
                      ).get_data(as_text=True)
    assert idle_card(page).startswith(f"{gaps[1]} idle rounds between meetings")
    assert "compact days are on" in page


def test_the_migration_folds_the_window_into_the_rounds_on_downgrade(make_app):
    from datetime import date, time

    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from meetmatch.events import create_event, generate_rounds
    from meetmatch.models import Organiser

    app = make_app(create_schema=False)
    with app.app_context():
        upgrade()
        organiser = Organiser(email="org@example.com", password_hash="x")
        db.session.add(organiser)
        event = create_event(organiser, {
            "name": "Window", "slug": "window", "description": "", "venue": "", "timezone":
            "Europe/Stockholm", "num_tables": None, "table_names": "", "registration_open": True,
            "block_same_organisation": True, "min_meetings": None, "mutuality": None,
            "compact": True, "topic_names": ["Sales"]},
            generate_rounds(date(2026, 12, 10), time(13, 0), 15, 5, 6))
        for n, (ticked, first, last) in enumerate(
                [(None, 3, None), ("1,2,5,6", None, 5), (None, None, None)]):
            db.session.add(Attendee(event=event, name=f"P{n}", email=f"p{n}@example.com",
                                    available_rounds=ticked, first_round=first, last_round=last))
        db.session.commit()
        assert fresh(Event, event.id).compact is True
        db.session.remove()
        downgrade(revision="d1a2b3c4d5e6")
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT name, available_rounds FROM attendee ORDER BY name")).all()
            columns = {c["name"] for c in sa.inspect(conn).get_columns("attendee")}
        assert [tuple(r) for r in rows] == [("P0", "3,4,5,6"), ("P1", "1,2,5"), ("P2", None)]
        assert not {"first_round", "last_round"} & columns
        upgrade()
        db.session.remove()


def test_a_window_outside_every_ticked_round_means_no_round_everywhere(organiser_event):
    """Ticked 1-2, then arrives for round 3 (e.g. the organiser cut the day): the engine reads
    no round at all, and so do the organiser's 'sitting out' and the person's free rounds."""
    from meetmatch.schedules.free_rounds import free_rounds

    event = organiser_event()
    people = {a.name.split()[0]: a for a in event.attendees}
    ada, ben = people["Ada"], people["Ben"]
    version = hand_made_version(event, [(1, ben, people["Chloe"])])
    ada.available_rounds, ada.first_round = "1,2", 3
    db.session.commit()
    assert ada.rounds_list == []
    view = next(v for v in review.by_attendee(event, version) if v.attendee.id == ada.id)
    assert view.sits_out == []
    assert free_rounds(event, version, ada, set()) == []
    # Ben, with no window, still sits out every round he attends without a meeting
    ben_view = next(v for v in review.by_attendee(event, version) if v.attendee.id == ben.id)
    assert ben_view.sits_out and 1 not in ben_view.sits_out


def test_the_organisers_sitting_out_and_a_persons_free_rounds_are_one_rule(organiser_event):
    """Ticked rounds, an arrive/leave window (also one outside the ticks), a walk-in's first
    round, a withdrawal and someone added after the build: the rounds the organiser sees a
    person sitting out are the free rounds their mail and page name."""
    from meetmatch.schedules.free_rounds import free_rounds

    event = organiser_event()
    p = {a.name.split()[0]: a for a in event.attendees}
    version = hand_made_version(event, [(1, p["Ada"], p["Ben"]), (2, p["Chloe"], p["Dev"]),
                                        (3, p["Eva"], p["Femi"])])
    version.details = json.dumps({"targets": {str(a.id): 2 for a in event.attendees
                                              if a is not p["Jon"]},  # Jon came after the build
                                  "joined": {str(p["Greta"].id): 3}})  # a walk-in from round 3
    p["Ada"].available_rounds = "1,2,3"
    p["Ben"].first_round, p["Ben"].last_round = 2, 3
    p["Chloe"].available_rounds, p["Chloe"].first_round = "1,2", 3
    p["Dev"].status = "withdrawn"
    db.session.commit()
    expected = {"Ada": [2, 3], "Ben": [2, 3], "Chloe": [], "Dev": [], "Eva": [1, 2, 4],
                "Femi": [1, 2, 4], "Greta": [3, 4], "Hugo": [1, 2, 3, 4], "Ines": [1, 2, 3, 4],
                "Jon": []}
    sits_out = {v.attendee.name.split()[0]: v.sits_out for v in review.by_attendee(event, version)}
    assert sits_out == expected
    for name, rounds in expected.items():
        busy = {m.round_number for m in version.meetings if p[name].id in m.people_ids}
        assert [r.number for r in free_rounds(event, version, p[name], busy)] == rounds, name

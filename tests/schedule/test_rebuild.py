"""Changes on the day: no-shows and walk-ins, rebuild of the remaining rounds, update emails."""

from __future__ import annotations

import pytest
from markupsafe import escape

from meetmatch.extensions import db
from meetmatch.models import Job, ScheduleVersion
from meetmatch.schedules import engine_io, versions
from meetmatch.worker import work_once


@pytest.fixture
def app_config(app_config, smtp_server):
    return app_config | {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port}


def _key(m):
    return (m.round_number, m.table_number, m.attendee_a_id, m.attendee_b_id, m.score, m.why)


def test_rebuild_keeps_held_rounds_and_valid_meetings_then_updates_changed(
        app, client, login, published, make_attendee, smtp):
    event, v1 = published()
    base = f"/organiser/events/{event.slug}/schedule"
    login()
    client.post(f"{base}/v/1/send")
    work_once()
    assert len(smtp.received) == 10
    ada = event.attendees[0]
    ada.status = "no_show"
    db.session.commit()
    # Walt has something for most people: the places the no-show leaves can go to him.
    walker = make_attendee(event, name="Walt Walkin", organisation="Streetwise", walk_in=True,
                           offers=("Seed funding", "Mentoring"), needs=("Recruiting",),
                           email="walt@example.com")
    held = 2
    before_held = sorted(_key(m) for m in v1.meetings if m.round_number <= held)
    future_kept = sorted(_key(m) for m in v1.meetings
                         if m.round_number > held and ada.id not in (m.attendee_a_id, m.attendee_b_id))
    response = client.post(f"{base}/rebuild", data={"held_rounds": held, "time_limit": 2})
    assert response.status_code == 302
    work_once()
    job = db.session.query(Job).order_by(Job.id.desc()).first()
    assert job.status == "done", job.error
    v2 = db.session.get(ScheduleVersion, job.version_id)
    assert v2.number == 2 and v2.held_rounds == held and v2.based_on_id == v1.id
    # rounds already held are exactly as they were, the no-show's meetings included
    assert sorted(_key(m) for m in v2.meetings if m.round_number <= held) == before_held
    # every still-valid future meeting is kept as it was
    after = {_key(m) for m in v2.meetings}
    missing = [k for k in future_kept if k not in after]
    assert not missing, (missing, sorted(after))
    assert versions.details_of(v2)["kept"] == len(future_kept)
    # the no-show has nothing after the held rounds; the walk-in only after them
    assert not [m for m in v2.meetings if m.round_number > held and ada.id in (m.attendee_a_id, m.attendee_b_id)]
    walker_rounds = [m.round_number for m in v2.meetings if walker.id in (m.attendee_a_id, m.attendee_b_id)]
    assert walker_rounds and min(walker_rounds) > held
    # the published version never changed
    db.session.refresh(v1)
    assert v1.status == "published" and len(v1.meetings) == len(before_held) + sum(
        1 for m in v1.meetings if m.round_number > held)
    page = client.get(f"{base}/v/2").get_data(as_text=True)
    assert "future meetings kept" in page
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    # the no-show's future meetings are gone: the sentence counts them, not only what is new
    changed_count, dropped = versions.count_meeting_changes(v1, v2)
    ada_future = [m for m in v1.meetings if m.round_number > held and ada.id in m.people_ids]
    assert ada_future and dropped >= len(ada_future)
    seat = lambda m: (m.round_number, m.table_number, frozenset(m.people_ids))  # noqa: E731
    assert dropped == len({seat(m) for m in v1.meetings} - {seat(m) for m in v2.meetings})
    assert (f"rounds 1–2 kept exactly; {len(future_kept)} future meetings kept; "
            f"{changed_count} meeting") in page
    assert f"{dropped} earlier meeting" in page
    client.post(f"{base}/v/2/publish")
    changes = versions.changes_between(v1, v2)
    page = client.get(f"{base}/compare/2").get_data(as_text=True)
    changed_count = versions.count_meeting_changes(v1, v2)[0]
    assert f"{changed_count} meeting" in page and "Walt Walkin" in page
    assert f"{dropped} earlier meeting" in page
    # updates go only to active attendees whose meetings changed, once
    smtp.received.clear()
    client.post(f"{base}/v/2/send-updates")
    client.post(f"{base}/v/2/send-updates")
    work_once()
    expected = {a.email for a in event.attendees if a.id in changes and a.is_active}
    assert walker.email in expected and ada.email not in expected
    assert {m["To"].addresses[0].addr_spec for m in smtp.received} == expected
    assert len(smtp.received) == len(expected)
    walt_mail = smtp.to(walker.email)[0]
    text = walt_mail.get_body(("plain",)).get_content()
    # a walk-in's first mail is a welcome with their schedule, not "your schedule has changed"
    assert "Welcome to" in text and "have changed" not in text and "Welcome" in walt_mail["Subject"]
    for m in versions.meetings_for(v2, walker.id):
        assert m.partner_of(walker.id).name in text
    partners_of_ada = {m.partner_of(ada.id) for m in v1.meetings
                       if m.round_number > held and ada.id in (m.attendee_a_id, m.attendee_b_id)}
    for partner in partners_of_ada:
        body = smtp.to(partner.email)[0].get_body(("plain",)).get_content()
        assert "No longer planned" in body and ada.name in body


def test_rebuild_needs_a_published_version(app, client, login, small_event):
    event = small_event()
    login()
    response = client.post(f"/organiser/events/{event.slug}/schedule/rebuild",
                           data={"held_rounds": 1}, follow_redirects=True)
    assert "Publish a schedule first" in response.get_data(as_text=True)
    assert db.session.query(Job).count() == 0


def test_rebuild_problem_keeps_held_meetings_even_if_availability_changed(app, published, smtp):  # noqa: ARG001
    event, v1 = published()
    m = next(m for m in v1.meetings if m.round_number == 1)
    person = m.attendee_a
    person.available_rounds = "3,4"  # changed after round 1 was held
    db.session.commit()
    inputs = engine_io.problem_from_event(event, held_rounds=2, based_on=v1)
    p = next(x for x in inputs.problem.attendees if x.id == str(person.id))
    met_in_held = {x.round_number for x in v1.meetings if x.round_number <= 2
                   and person.id in (x.attendee_a_id, x.attendee_b_id)}
    assert 1 in met_in_held and set(p.available_rounds) == met_in_held | {3, 4}
    held = [f for f in inputs.problem.fixed_meetings if f.round <= 2]
    assert len(held) == sum(1 for x in v1.meetings if x.round_number <= 2)
    others = [x for x in inputs.problem.attendees if x.id != str(person.id)]
    assert all(1 not in (x.available_rounds or ()) or any(
        f.round == 1 and x.id in (f.a, f.b) for f in held) for x in others)


def test_rebuild_after_a_round_with_meetings_was_removed_says_what_moved(
        app, client, login, published, smtp):  # noqa: ARG001
    """The organiser cut the last round after publishing: the rebuild works, plans that
    round's meetings again where they fit, and says which ones it could not keep and why."""
    event, v1 = published()
    cut = [m for m in v1.meetings if m.round_number == 4]
    assert cut
    db.session.delete(event.rounds[-1])
    db.session.commit()
    db.session.refresh(event)
    login()
    base = f"/organiser/events/{event.slug}/schedule"
    response = client.post(f"{base}/rebuild", data={"held_rounds": 1, "time_limit": 2})
    work_once()
    job = db.session.query(Job).order_by(Job.id.desc()).first()
    assert job.status == "done", job.error
    v2 = db.session.get(ScheduleVersion, job.version_id)
    assert v2.meetings and all(m.round_number <= 3 for m in v2.meetings)
    notes = versions.details_of(v2)["notes"]
    assert len(notes) == len(cut)
    for m in cut:
        assert (f"Not kept: {m.attendee_a.name} and {m.attendee_b.name} in round 4 "
                f"({event.table_label(m.table_number)}). Round 4 does not exist") in " ".join(notes)
    progress_page = client.get(response.headers["Location"]).get_data(as_text=True)
    version_page = client.get(f"{base}/v/{v2.number}").get_data(as_text=True)
    for page in (progress_page, version_page):
        assert "Round 4 does not exist" in page and escape(cut[0].attendee_a.name) in page
    # every kept future meeting is one of v1's, as it was
    v1_keys = {_key(m) for m in v1.meetings}
    assert versions.details_of(v2)["kept"] == sum(
        1 for m in v2.meetings if m.round_number > 1 and _key(m) in v1_keys)


def test_rebuild_drops_a_future_meeting_whose_pair_now_has_nothing_to_gain(app, published, smtp):  # noqa: ARG001
    """A score-0 pair never meets: not in a build, not by hand, and not kept by a rebuild."""
    event, v1 = published()
    m = next(m for m in v1.meetings if m.round_number == 4)
    a, b = m.attendee_a, m.attendee_b
    b.offers, b.needs = [], []
    b.offers_text, b.needs_text = "Sourdough baking", "a sailing crew"
    db.session.commit()
    v2 = engine_io.build_schedule(event, time_limit=2, held_rounds=2, based_on=v1)
    assert frozenset((a.id, b.id)) not in {frozenset((x.attendee_a_id, x.attendee_b_id))
                                           for x in v2.meetings if x.round_number > 2}
    assert any(f"Not kept: {a.name} and {b.name} in round 4" in note and "nothing to offer" in note
               for note in versions.details_of(v2)["notes"])

"""Why someone is short: "add tables" only when the tables really bind; people free at the same
time who want no more meetings are said as such (the adjust page's "wants at most N meetings")."""

from __future__ import annotations

import json

import pytest

from meetmatch.extensions import db
from meetmatch.models import SavedMeeting, ScheduleVersion
from meetmatch.schedules import diagnosis, review


@pytest.fixture
def four(make_event, make_attendee):
    """Ann, Bob, Cat and Dan in three rounds, one meeting a round at table 1: Ann–Bob, Cat–Dan,
    Bob–Cat. Ann (target 2) sits out rounds 2 and 3; in round 3 only Dan is free too."""

    def _make(num_tables: int, dan_max: int | None):
        event = make_event(rounds=3, num_tables=num_tables)
        ann, bob, cat = (make_attendee(event, name=n, organisation=f"{n} AB", offers=("Mentoring",),
                                       needs=("UX design",)) for n in ("Ann Ek", "Bob Berg", "Cat Lund"))
        dan = make_attendee(event, name="Dan Öberg", organisation="Dan AB", offers=("UX design",),
                            needs=("Mentoring",), max_meetings=dan_max)
        meetings = [SavedMeeting(round_number=r, table_number=1, attendee_a_id=a.id, attendee_b_id=b.id,
                                 score=1.0, why="")
                    for r, a, b in ((1, ann, bob), (2, cat, dan), (3, bob, cat))]
        return event, ann, [ann, bob, cat, dan], meetings

    return _make


def _problems(event, ann, active, meetings):
    return diagnosis.short_problems(event, [(ann, 2)], active, {}, meetings)


def test_tables_are_advised_when_they_bind(app, four):  # noqa: ARG001
    event, ann, active, meetings = four(num_tables=1, dan_max=None)
    [row] = _problems(event, ann, active, meetings)
    assert row.who == "Ann Ek"
    assert "More people are free in their rounds than the tables can seat" in row.reason
    assert row.advice == "Add tables under Settings."


@pytest.mark.parametrize("num_tables", [1, 5])
def test_people_at_their_maximum_are_the_reason_not_the_tables(app, four, num_tables):  # noqa: ARG001
    """Dan is free in round 3 but wants one meeting and has it: with one table (full) or five
    (four free), more tables would not give Ann a meeting."""
    event, ann, active, meetings = four(num_tables=num_tables, dan_max=1)
    [row] = _problems(event, ann, active, meetings)
    assert row.reason == ("1 attendee below their target. The people free in the same rounds have "
                          "reached the most meetings they want: Dan Öberg (at most 1).")
    assert "Add tables" not in row.advice and "maximum meetings" in row.advice
    with app.test_request_context("/?lang=sv"):
        from meetmatch.i18n import force_locale
        with force_locale("sv"):
            [row] = _problems(event, ann, active, meetings)
    assert "Dan Öberg (högst 1)" in row.reason and "bord" in row.advice


def test_free_tables_and_free_people_are_not_a_table_problem(app, four):  # noqa: ARG001
    """Five tables and Dan free without a maximum: nothing binds but the pair itself."""
    event, ann, active, meetings = four(num_tables=5, dan_max=None)
    [row] = _problems(event, ann, active, meetings)
    assert "tables can seat" not in row.reason and "Add tables" not in row.advice


def test_the_version_page_gives_the_true_reason(app, client, login, four):
    event, ann, active, meetings = four(num_tables=1, dan_max=1)
    version = ScheduleVersion(event_id=event.id, number=1, status="draft", solver_status="feasible",
                              details=json.dumps({"targets": {str(ann.id): 2}}), meetings=meetings)
    db.session.add(version)
    db.session.commit()
    assert [p.attendee for p in review.summary(event, version)["short"]] == [ann]
    login()
    page = client.get(f"/organiser/events/{event.slug}/schedule/v/1").get_data(as_text=True)
    assert "reached the most meetings they want: Dan Öberg (at most 1)" in page
    assert "Add tables under Settings" not in page

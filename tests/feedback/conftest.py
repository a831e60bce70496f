"""A seeded event for feedback tests: six people, a published schedule of seven meetings
written directly (no solver), so every figure of the report is known."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from meetmatch.extensions import db
from meetmatch.models import SavedMeeting, ScheduleVersion, utcnow

PEOPLE = [("Ada", "Analytical", ("Seed funding",), ("UX design",)),
          ("Ben", "Pixelry", ("UX design",), ("Seed funding",)),
          ("Chloe", "Northwind", ("Mentoring",), ("Recruiting",)),
          ("Dev", "Hireful", ("Recruiting",), ("Mentoring",)),
          ("Eva", "Fundr", ("Seed funding",), ("Recruiting",)),
          ("Femi", "Designco", ("Recruiting",), ("Seed funding",))]
# round, table, first person, second person, predicted score
MEETINGS = [(1, 1, "Ada", "Ben", 0.9), (1, 2, "Chloe", "Dev", 0.8), (1, 3, "Eva", "Femi", 0.7),
            (2, 1, "Ada", "Chloe", 0.3), (2, 2, "Ben", "Eva", 0.4), (2, 3, "Dev", "Femi", 0.5),
            (3, 1, "Ada", "Dev", 0.2)]


@pytest.fixture
def seeded(make_event, make_attendee):
    """(event, {first name: attendee}, {(name, name): meeting}) with a published version."""

    def _make(people=PEOPLE, meetings=MEETINGS, held=False, **overrides):
        """``held``: the rounds lie in the past (all three ended an hour ago), else they keep
        the fixture's date (see ``move_rounds`` for a test that depends on the clock)."""
        event = make_event(rounds=3, **overrides)
        if held:
            move_rounds(event, first_end=now_at(event) - timedelta(hours=1, minutes=40))
        who = {name: make_attendee(event, name=f"{name} Test", organisation=org, offers=offers, needs=needs,
                                   email=f"{name.lower()}@example.com")
               for name, org, offers, needs in people}
        version = ScheduleVersion(event=event, number=1, status="published", published_at=utcnow())
        db.session.add(version)
        rows = {}
        for rnd, table, a, b, score in meetings:
            m = SavedMeeting(version=version, round_number=rnd, table_number=table,
                             attendee_a_id=who[a].id, attendee_b_id=who[b].id, score=score,
                             why=f"{a} and {b} help each other.")
            db.session.add(m)
            rows[(a, b)] = m
        db.session.commit()
        return event, who, rows

    return _make


def answer(client, event, token, data):
    return client.post(f"/e/{event.slug}/manage/{token}/feedback", data=data)


def token_of(attendee) -> str:
    """A fresh private link's token for ``attendee`` (as the feedback mail carries)."""
    from meetmatch.feedback import feedback_link

    url = feedback_link(attendee)
    db.session.commit()
    return url.rstrip("/").split("/")[-2]


def now_at(event) -> datetime:
    """The event's wall-clock time now (how round times are stored)."""
    from meetmatch.wishes import local_now

    return local_now(event)


def move_rounds(event, *, first_end: datetime) -> None:
    """Shift every round of ``event`` by the same amount so that round 1 ends at ``first_end``
    (wall-clock time in the event's zone); commits."""
    rounds = sorted(event.rounds, key=lambda r: r.number)
    shift = first_end - rounds[0].ends_at
    for r in rounds:
        r.starts_at += shift
    db.session.commit()

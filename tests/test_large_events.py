"""Large events (issue 9): the registrations list is paginated and the attendee CSV export
runs a number of SQL statements that does not grow with the number of attendees."""

from __future__ import annotations

import csv
import io
import re
from contextlib import contextmanager

import sqlalchemy as sa

from meetmatch.extensions import db
from meetmatch.models import Attendee, Wish, WishKind


def _add_people(event, start: int, count: int) -> None:
    topics = event.topics
    people = [Attendee(event=event, name=f"Person {n:05d}", email=f"p{n}@example.com",
                       offers=[topics[n % 4]], needs=[topics[(n + 1) % 4], topics[(n + 2) % 4]],
                       offers_text=f"offer {n}", needs_text=f"need {n}")
              for n in range(start, start + count)]
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all(Wish(event_id=event.id, attendee_id=a.id, other_id=b.id, kind=WishKind.MEET)
                       for a, b in zip(people, people[1:], strict=False))
    db.session.commit()


@contextmanager
def counted_statements():
    seen: list[str] = []

    def count(conn, cursor, statement, *args):  # noqa: ARG001
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_export_and_list_run_as_many_statements_for_ten_as_for_three_hundred(client, make_event,
                                                                             login):
    event = make_event()
    login()
    counts = {}
    for size, add in ((10, 10), (300, 290)):
        _add_people(event, size - add, add)
        db.session.expire_all()
        with counted_statements() as csv_statements:
            response = client.get(f"/organiser/events/{event.slug}/attendees.csv")
            rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        with counted_statements() as page_statements:
            page = client.get(f"/organiser/events/{event.slug}").get_data(as_text=True)
        assert len(rows) == size + 1
        assert rows[1][rows[0].index("wishes_meet")] == "p1@example.com"
        assert len(re.findall(rf'href="/organiser/events/{event.slug}/attendees/\d+"', page)) == min(size, 100)
        counts[size] = (len(csv_statements), len(page_statements))
    # 300 attendees are one batch of the export (500), one page of the list: same statements.
    assert counts[10] == counts[300], counts


def test_registrations_are_listed_a_page_at_a_time(client, make_event, login):
    event = make_event()
    _add_people(event, 0, 250)
    login()
    first = client.get(f"/organiser/events/{event.slug}").get_data(as_text=True)
    assert "Person 00000" in first and "Person 00099" in first and "Person 00100" not in first
    assert "Page 1 of 3 (250 people)" in first and 'rel="next"' in first
    last = client.get(f"/organiser/events/{event.slug}?page=3").get_data(as_text=True)
    assert "Person 00200" in last and "Person 00249" in last and 'rel="next"' not in last
    searched = client.get(f"/organiser/events/{event.slug}?q=Person+0024").get_data(as_text=True)
    assert searched.count(">Person 0024") == 10 and "Page 1 of" not in searched
    beyond = client.get(f"/organiser/events/{event.slug}?page=99999999999")
    assert beyond.status_code == 200 and "There is no page" in beyond.get_data(as_text=True)


def test_check_in_and_schedule_by_attendee_are_paginated_too(client, make_event, login):
    from meetmatch.models import ScheduleVersion

    event = make_event()
    _add_people(event, 0, 150)
    db.session.add(ScheduleVersion(event_id=event.id, number=1, details="{}"))
    db.session.commit()
    login()
    for url, marker in ((f"/organiser/events/{event.slug}/checkin", 'class="checkin-row"'),
                        (f"/organiser/events/{event.slug}/schedule/v/1/attendees", 'id="person-')):
        first = client.get(url).get_data(as_text=True)
        second = client.get(url + "?page=2").get_data(as_text=True)
        assert first.count(marker) == 100 and second.count(marker) == 50, url
        assert "Page 1 of 2 (150 people)" in first and "Person 00149" in second
        assert "Person 00149" not in first and 'rel="next"' not in second
        assert "There is no page 7" in client.get(url + "?page=7").get_data(as_text=True)

"""The .ics attachment carries the event's time zone correctly, in summer and in winter."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
import pytest

from meetmatch.models import Attendee, Event
from meetmatch.schedules.ics import schedule_ics
from meetmatch.schedules.review import AgendaItem


def _item(starts_at: datetime, ends_at: datetime) -> AgendaItem:
    return AgendaItem(uid="v1-m1-a1", starts_at=starts_at, ends_at=ends_at, partner="Bruno Lind",
                      organisation="Northstar", title="", table="Table 3", round=1,
                      why="Bruno offers seed funding, which Alice needs.")


@pytest.mark.parametrize(("day", "utc_hour"), [
    (datetime(2026, 1, 15, 13, 0), 12),   # CET, UTC+1
    (datetime(2026, 7, 15, 13, 0), 11),   # CEST, UTC+2
    (datetime(2026, 3, 29, 13, 0), 11),   # the day clocks go forward
    (datetime(2026, 10, 25, 13, 0), 12),  # the day clocks go back
])
def test_meeting_times_are_local_to_the_event(day, utc_hour):
    event = Event(name="Demo", timezone="Europe/Stockholm", venue="Epicenter")
    ics = schedule_ics(event, Attendee(name="Alice"), [_item(day, day.replace(minute=15))])
    cal = icalendar.Calendar.from_ical(ics)
    [vevent] = cal.walk("VEVENT")
    start = vevent.decoded("dtstart")
    assert start.astimezone(UTC) == datetime(day.year, day.month, day.day, utc_hour, 0, tzinfo=UTC)
    assert vevent["dtstart"].params["TZID"] == "Europe/Stockholm"
    assert (vevent.decoded("dtend") - start).total_seconds() == 15 * 60
    assert str(vevent["location"]) == "Epicenter, Table 3"
    assert "Bruno Lind (Northstar)" in str(vevent["summary"])
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Stockholm"]


def test_an_event_elsewhere_uses_its_own_zone():
    event = Event(name="Demo", timezone="America/New_York", venue="")
    day = datetime(2026, 7, 15, 9, 30)
    cal = icalendar.Calendar.from_ical(schedule_ics(event, Attendee(name="A"), [_item(day, day)]))
    [vevent] = cal.walk("VEVENT")
    assert vevent.decoded("dtstart").astimezone(UTC).hour == 13  # EDT, UTC-4
    assert str(vevent["location"]) == "Table 3"

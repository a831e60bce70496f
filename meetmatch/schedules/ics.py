"""A person's schedule as an iCalendar file (attached to the schedule and update mails)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar

from ..models import Attendee, Event
from .review import AgendaItem


def schedule_ics(event: Event, attendee: Attendee, items: list[AgendaItem]) -> bytes:  # noqa: ARG001
    """An iCalendar file: one VEVENT per meeting, times with the event's TZID (+ VTIMEZONE)."""
    tz = ZoneInfo(event.timezone)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//meetmatch//schedule//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", event.name)
    for item in items:
        if item.starts_at is None:
            continue
        vevent = icalendar.Event()
        vevent.add("uid", f"{item.uid}@meetmatch")
        vevent.add("dtstamp", datetime.now(ZoneInfo("UTC")))
        vevent.add("dtstart", item.starts_at.replace(tzinfo=tz))
        vevent.add("dtend", item.ends_at.replace(tzinfo=tz))
        who = item.partner + (f" ({item.organisation})" if item.organisation else "")
        vevent.add("summary", f"Meeting: {who}")
        vevent.add("location", ", ".join(x for x in (event.venue, item.table) if x))
        vevent.add("description", f"Round {item.round}, {item.table}. {item.why}".strip())
        cal.add_component(vevent)
    cal.add_missing_timezones()
    return cal.to_ical()

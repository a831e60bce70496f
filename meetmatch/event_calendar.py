"""The event itself as an iCalendar file: the "add to calendar" part of the confirmation mail.

One VEVENT from the first round's start to the last round's end, in the event's time zone. Its
UID is fixed per event, so a second copy (a resent confirmation) replaces the first.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar

from .mail import Attachment, contact_address
from .models import Event

EVENT_ICS_TYPE = "text/calendar; charset=utf-8; method=PUBLISH"


def event_ics(event: Event, page_url: str = "") -> bytes | None:
    """The event as a calendar entry; None while it has no rounds (no time to put in)."""
    if not event.rounds:
        return None
    tz = ZoneInfo(event.timezone)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//meetmatch//event//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    vevent = icalendar.Event()
    vevent.add("uid", f"meetmatch-event-{event.id}@meetmatch")
    vevent.add("dtstamp", datetime.now(ZoneInfo("UTC")))
    vevent.add("dtstart", event.rounds[0].starts_at.replace(tzinfo=tz))
    vevent.add("dtend", event.rounds[-1].ends_at.replace(tzinfo=tz))
    vevent.add("summary", event.name)
    if event.venue:
        vevent.add("location", event.venue)
    if page_url:
        vevent.add("url", page_url)
        vevent.add("description", page_url)
    contact = contact_address(event)
    if contact:
        organizer = icalendar.vCalAddress(f"mailto:{contact}")
        organizer.params["cn"] = icalendar.vText(event.name)
        vevent.add("organizer", organizer)
    cal.add_component(vevent)
    cal.add_missing_timezones()
    return cal.to_ical()


def event_calendar_attachments(event: Event, page_url: str = "") -> list[Attachment] | None:
    """The confirmation mail's calendar part (event.ics), or None without rounds."""
    data = event_ics(event, page_url)
    return [Attachment("event.ics", EVENT_ICS_TYPE, data)] if data else None

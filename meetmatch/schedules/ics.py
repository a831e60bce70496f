"""A person's schedule as an iCalendar file (attached to the schedule and update mails).

Calendar updates replace, they don't pile up: each meeting's UID is the same in every version
(``review.meeting_uid``), its SEQUENCE counts the published changes, and a meeting that was
dropped goes out in a second file with METHOD:CANCEL and STATUS:CANCELLED so the calendar
removes it. Both files are UTF-8 and say so in their Content-Type.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar

from ..i18n import _
from ..mail import Attachment
from ..models import Attendee, Event
from .review import AgendaItem

ICS_TYPE = "text/calendar; charset=utf-8; method={method}"


def _calendar(event: Event, method: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//meetmatch//schedule//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add("x-wr-calname", event.name)
    return cal


def _attendees(vevent: icalendar.Event, attendee: Attendee, item: AgendaItem) -> None:
    """A table of three lists all three people as ATTENDEEs (the reader first), so the entry
    says who sits there; a meeting of two names the partner in its summary only."""
    names = [attendee.name] + [name for name, _org, _title in item.partners]
    for name, email in zip(names, (attendee.email, *item.emails), strict=False):
        vevent.add("attendee", f"mailto:{email}", parameters={"CN": name, "ROLE": "REQ-PARTICIPANT"})


def _vevent(event: Event, item: AgendaItem, tz: ZoneInfo, stamp: datetime) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", f"{item.uid}@meetmatch")
    vevent.add("sequence", item.sequence)
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", item.starts_at.replace(tzinfo=tz))
    vevent.add("dtend", item.ends_at.replace(tzinfo=tz))
    who = item.partner + (f" ({item.organisation})" if item.organisation else "")
    vevent.add("summary", _("Meeting: %(who)s", who=who))
    vevent.add("location", ", ".join(x for x in (event.venue, item.table) if x))
    vevent.add("description", _("Round %(number)s, %(table)s. %(why)s", number=item.round,
                                table=item.table, why=item.why).strip())
    return vevent


def schedule_ics(event: Event, attendee: Attendee, items: list[AgendaItem],
                 cancelled: list[AgendaItem] = ()) -> bytes:
    """An iCalendar file: one VEVENT per meeting, times with the event's TZID (+ VTIMEZONE).
    With ``cancelled`` items it is a METHOD:CANCEL file of those instead, each STATUS:CANCELLED."""
    tz, stamp = ZoneInfo(event.timezone), datetime.now(ZoneInfo("UTC"))
    cal = _calendar(event, "CANCEL" if cancelled else "PUBLISH")
    for item in (cancelled or items):
        if item.starts_at is None:
            continue
        vevent = _vevent(event, item, tz, stamp)
        if item.partners:
            _attendees(vevent, attendee, item)
        if cancelled:
            vevent.add("status", "CANCELLED")
        cal.add_component(vevent)
    cal.add_missing_timezones()
    return cal.to_ical()


def calendar_attachments(event: Event, attendee: Attendee, items: list[AgendaItem],
                         cancelled: list[AgendaItem] = ()) -> list[Attachment] | None:
    """The mail's calendar parts: schedule.ics with the current meetings, and cancelled.ics
    with the dropped ones (if any); None when there is nothing to put in a calendar."""
    parts = []
    if items:
        parts.append(Attachment("schedule.ics", ICS_TYPE.format(method="PUBLISH"),
                                schedule_ics(event, attendee, items)))
    if cancelled:
        parts.append(Attachment("cancelled.ics", ICS_TYPE.format(method="CANCEL"),
                                schedule_ics(event, attendee, [], cancelled=cancelled)))
    return parts or None

"""Check-in on the day: who is present, who did not come.

Marking someone absent makes them a no-show (``registration.set_status``), which is what the
rebuild of the remaining rounds reads: a no-show is not an active attendee, so the rebuild
frees their partners. Checking a no-show in makes them active again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .extensions import db
from .models import Attendee, Event, utcnow
from .registration import attendee_for_token, set_status

# The private link's path, as printed in the QR code of an agenda card.
_LINK_PATH = re.compile(r"/e/(?P<slug>[^/]+)/manage/(?P<token>[A-Za-z0-9_\-]+)/?$")


@dataclass(frozen=True)
class CheckInCounts:
    present: int
    absent: int
    waiting: int  # registered, not checked in yet

    @property
    def expected(self) -> int:
        return self.present + self.absent + self.waiting


def checkin_people(event: Event, query: str = "") -> list[Attendee]:
    """Everyone who may come (not withdrawn), by name; ``query`` matches name, organisation or
    email, case-insensitively, in any order of words."""
    words = query.casefold().split()
    people = [a for a in event.attendees if a.status != "withdrawn"]
    if words:
        people = [a for a in people
                  if all(w in f"{a.name} {a.organisation} {a.email}".casefold() for w in words)]
    return sorted(people, key=lambda a: (a.name.casefold(), a.id))


def checkin_counts(event: Event) -> CheckInCounts:
    people = [a for a in event.attendees if a.status != "withdrawn"]
    present = sum(1 for a in people if a.checked_in_at is not None)
    absent = sum(1 for a in people if a.status == "no_show")
    return CheckInCounts(present, absent, len(people) - present - absent)


def attendee_from_scan(event: Event, text: str) -> Attendee | None:
    """The attendee whose private link (scanned from their agenda card's QR code, or pasted)
    is ``text``; None when it is not a link of this event that still works."""
    match = _LINK_PATH.search(unquote(urlsplit(text.strip()).path))
    if match is None or match["slug"] != event.slug:
        return None
    return attendee_for_token(event, match["token"])


def check_in(attendee: Attendee) -> None:
    """Mark present (a no-show who turns up after all takes part again)."""
    if attendee.checked_in_at is None:
        attendee.checked_in_at = utcnow()
    if attendee.status == "no_show":
        attendee.status = "registered"
    db.session.commit()


def undo_check_in(attendee: Attendee) -> None:
    attendee.checked_in_at = None
    db.session.commit()


def mark_absent(attendee: Attendee) -> None:
    """Mark as a no-show: the next rebuild of the remaining rounds leaves them out."""
    attendee.checked_in_at = None
    set_status(attendee, "no_show")


def not_checked_in(event: Event) -> list[Attendee]:
    """Everyone registered and not checked in yet, by name (whom ``mark_rest_absent`` marks)."""
    return sorted((a for a in event.attendees if a.status == "registered" and a.checked_in_at is None),
                  key=lambda a: (a.name.casefold(), a.id))


def mark_rest_absent(event: Event) -> int:
    """Everyone registered and not checked in becomes a no-show (after the first round has
    started, say); returns how many. Each can still be checked in with "Arrived"."""
    waiting = not_checked_in(event)
    for a in waiting:
        a.status = "no_show"
    db.session.commit()
    return len(waiting)

"""Actions on several registrations at once (the organiser's registrations list): withdraw or
reactivate them, mail them their private links again, export them. Each change is one
transaction; the link mails go through the outbox in it."""

from __future__ import annotations

from collections.abc import Iterable

from .attendee_csv import export_attendees_csv
from .extensions import db
from .mail import queue_message
from .models import Attendee, Event
from .registration import issue_manage_link

MAX_SELECTED = 5000


def selected_attendees(event: Event, raw_ids: Iterable[str]) -> list[Attendee]:
    """The event's attendees among ``raw_ids`` (form values), by name; anything else (other
    events' ids, garbage) is ignored."""
    ids = {int(v) for v in list(raw_ids)[:MAX_SELECTED] if str(v).isdecimal()}
    if not ids:
        return []
    return list(db.session.execute(
        db.select(Attendee).where(Attendee.event_id == event.id, Attendee.id.in_(ids))
        .order_by(Attendee.name, Attendee.id)).scalars())


def set_statuses(attendees: list[Attendee], status: str) -> int:
    """Withdraw (or reactivate) them all at once; returns how many changed."""
    changed = [a for a in attendees if a.status != status]
    for a in changed:
        a.status = status
    db.session.commit()
    return len(changed)


def resend_links(event: Event, attendees: list[Attendee]) -> int:
    """Mail each active one a new private link (earlier links keep working); returns how many."""
    active = [a for a in attendees if a.is_active]
    for a in active:
        queue_message(kind="manage_link", to_addr=a.email, to_name=a.name, template="manage_link",
                      context={"event": event, "attendee": a,
                               "manage_url": issue_manage_link(a, "manage_link")},
                      event_id=event.id, attendee_id=a.id)
    db.session.commit()
    return len(active)


def export_selected_csv(event: Event, attendees: list[Attendee]) -> str:
    """The attendee CSV (the same columns as the full export) of just these people."""
    return export_attendees_csv(event, {a.id for a in attendees})

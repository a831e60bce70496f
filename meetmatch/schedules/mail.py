"""Personal schedule emails (with an .ics calendar) and update emails, through the outbox.

Each mail has a dedupe key (``schedule:{version}:{attendee}``, ``update:{version}:{attendee}``)
so pressing Send twice, or two organisers at once, queues one mail per attendee per version.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..mail import Attachment, already_queued, queue_message, requeue_message
from ..models import Attendee, Event, OutboxMessage, ScheduleVersion
from ..registration import active_attendees, issue_manage_link, public_url
from .ics import schedule_ics
from .review import agenda, change_items
from .versions import changes_between, meetings_for, previous_published


class SendRefused(Exception):
    pass


def _manage_link(event: Event, attendee: Attendee, personal: bool, purpose: str) -> str:
    """A new manage link for this mail (links in earlier mails keep working); a test copy to the
    organiser gets the page that mails a link instead, so it opens nobody's registration."""
    if not personal:
        return public_url("attendee.resend_link", slug=event.slug)
    return issue_manage_link(attendee, purpose)


def _queue_schedule(event: Event, version: ScheduleVersion, attendee: Attendee, *, dedupe_key: str | None,
                    to_addr: str | None = None, to_name: str | None = None, kind: str = "schedule",
                    template: str = "schedule", extra: dict | None = None) -> OutboxMessage | None:
    if already_queued(dedupe_key):  # before issuing a manage link for a mail never sent
        return None
    items = agenda(event, attendee, meetings_for(version, attendee.id))
    link = _manage_link(event, attendee, personal=to_addr is None, purpose=kind)
    attachments = [Attachment("schedule.ics", "text/calendar", schedule_ics(event, attendee, items))] if items else None
    return queue_message(
        kind=kind, to_addr=to_addr or attendee.email, to_name=to_name or attendee.name,
        template=template, context={"event": event, "attendee": attendee, "items": items, "manage_url": link,
                 "version": version, **(extra or {})},
        event_id=event.id, attendee_id=attendee.id if to_addr is None else None,
        dedupe_key=dedupe_key, attachments=attachments)


def _require_published(version: ScheduleVersion) -> None:
    if version.status != "published":
        raise SendRefused("Publish this version before sending it to attendees.")


def _commit_idempotent(queue_all) -> int:
    """Queue and commit; if another request queued the same keys meanwhile, try once more."""
    for _ in range(3):
        try:
            count = queue_all()  # an autoflush inside may already hit the unique dedupe key
            db.session.commit()
            return count
        except IntegrityError:
            db.session.rollback()
    raise SendRefused("Another send was running at the same time; please press Send again.")


def send_schedules(version: ScheduleVersion) -> int:
    """Queue each active attendee's schedule once per version; returns how many were new."""
    _require_published(version)
    event = version.event

    def queue_all() -> int:
        return sum(1 for a in active_attendees(event)
                   if _queue_schedule(event, version, a, dedupe_key=f"schedule:{version.id}:{a.id}"))

    return _commit_idempotent(queue_all)


def resend_schedule(version: ScheduleVersion, attendee: Attendee) -> None:
    """Send one person's schedule again (a failed message is retried; a sent one is re-sent)."""
    _require_published(version)
    event = version.event
    existing = messages_for(version).get(attendee.id)
    if existing is not None and existing.status == "failed":
        requeue_message(existing)
        db.session.commit()
        return
    if existing is not None and existing.status in ("queued", "sending"):
        return  # already on its way
    n = db.session.execute(db.select(db.func.count(OutboxMessage.id)).where(
        OutboxMessage.dedupe_key.like(f"schedule:{version.id}:{attendee.id}%"))).scalar()
    key = f"schedule:{version.id}:{attendee.id}" + (f":resend{n}" if n else "")
    _queue_schedule(event, version, attendee, dedupe_key=key)
    db.session.commit()


def send_test_copy(version: ScheduleVersion, attendee: Attendee, to_addr: str, to_name: str) -> None:
    """The organiser receives exactly what ``attendee`` would receive (never deduplicated)."""
    event = version.event
    _queue_schedule(event, version, attendee, dedupe_key=None, to_addr=to_addr, to_name=to_name,
                    kind="schedule_test", extra={"test_copy": True})
    db.session.commit()


def messages_for(version: ScheduleVersion, prefix: str = "schedule") -> dict[int, OutboxMessage]:
    """The newest schedule (or update) message per attendee for this version."""
    rows = db.session.execute(
        db.select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"{prefix}:{version.id}:%"))
        .order_by(OutboxMessage.id)
    ).scalars()
    return {m.attendee_id: m for m in rows if m.attendee_id is not None}


def send_updates(version: ScheduleVersion) -> int:
    """Email only the attendees whose meetings changed since the previous published version."""
    _require_published(version)
    event = version.event
    old = previous_published(version)
    if old is None:
        raise SendRefused("There is no earlier published version to compare with; use Send schedules.")
    changes = changes_between(old, version)
    people = {a.id: a for a in event.attendees}

    def queue_all() -> int:
        count = 0
        for attendee_id, change in sorted(changes.items()):
            attendee = people.get(attendee_id)
            if attendee is None or not attendee.is_active:
                continue
            queued = _queue_schedule(
                event, version, attendee, dedupe_key=f"update:{version.id}:{attendee.id}",
                kind="schedule_update", template="update",
                extra={"added": change_items(event, change["added"], people),
                       "removed": change_items(event, change["removed"], people),
                       "old_version": old})
            count += queued is not None
        return count

    return _commit_idempotent(queue_all)

"""Personal schedule emails (with an .ics calendar) and update emails, through the outbox.

Each mail has a dedupe key (``schedule:{version}:{attendee}``, ``update:{version}:{attendee}``)
so pressing Send twice, or two organisers at once, queues one mail per attendee per version.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..i18n import _, force_locale, language_of
from ..mail import already_queued, queue_message, requeue_message
from ..models import Attendee, Event, OutboxMessage, ScheduleVersion
from ..registration import active_attendees, issue_manage_link, public_url
from .free_rounds import free_rounds
from .ics import calendar_attachments
from .review import agenda, change_items
from .versions import changes_between, meeting_sequences, meetings_for, previous_published

# The kinds of mail that carried someone's schedule: after one of these, a new version is an update.
SCHEDULE_KINDS = ("schedule", "schedule_update", "schedule_welcome")


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
                    template: str = "schedule", extra: dict | None = None,
                    sequences: dict | None = None, dropped: list | None = None) -> OutboxMessage | None:
    """``sequences``: the version's calendar SEQUENCEs (computed once per send); ``dropped``:
    meetings of the previous version this person no longer has, sent as calendar cancellations."""
    if already_queued(dedupe_key):  # before issuing a manage link for a mail never sent
        return None
    if sequences is None:
        sequences = meeting_sequences(version)
    language = language_of(attendee)  # a test copy too: the organiser sees what they will get
    with force_locale(language):  # reasons, table names and calendar texts in their language
        items = agenda(event, attendee, meetings_for(version, attendee.id), sequences)
        cancelled = agenda(event, attendee, dropped, sequences) if dropped else []
        attachments = calendar_attachments(event, attendee, items, cancelled)
    link = _manage_link(event, attendee, personal=to_addr is None, purpose=kind)
    return queue_message(
        language=language,
        kind=kind, to_addr=to_addr or attendee.email, to_name=to_name or attendee.name,
        template=template, context={"event": event, "attendee": attendee, "items": items, "manage_url": link,
                 "version": version, **(extra or {}),
                 # the rounds they sit out, with times: they know when they are free
                 "free_rounds": free_rounds(event, version, attendee, {it.round for it in items})
                 if items else []},
        event_id=event.id, attendee_id=attendee.id if to_addr is None else None,
        dedupe_key=dedupe_key, attachments=attachments)


def _require_published(version: ScheduleVersion) -> None:
    if version.status != "published":
        raise SendRefused(_("Publish this version before sending it to attendees."))


def _commit_idempotent(queue_all) -> int:
    """Queue and commit; if another request queued the same keys meanwhile, try once more."""
    for _attempt in range(3):
        try:
            count = queue_all()  # an autoflush inside may already hit the unique dedupe key
            db.session.commit()
            return count
        except IntegrityError:
            db.session.rollback()
    raise SendRefused(_("Another send was running at the same time; please press Send again."))


def send_schedules(version: ScheduleVersion) -> int:
    """Queue each active attendee's schedule once per version; returns how many were new."""
    _require_published(version)
    event = version.event

    sequences = meeting_sequences(version)

    def queue_all() -> int:
        return sum(1 for a in active_attendees(event)
                   if _queue_schedule(event, version, a, dedupe_key=f"schedule:{version.id}:{a.id}",
                                      sequences=sequences))

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


def schedule_recipients(version: ScheduleVersion) -> list[Attendee]:
    """Active attendees who have not had this version's schedule mail yet, by name (what
    "send the full schedule to everyone" would mail now)."""
    had = set(messages_for(version))
    return sorted((a for a in active_attendees(version.event) if a.id not in had),
                  key=lambda a: (a.name.casefold(), a.id))


def update_recipients(version: ScheduleVersion) -> list[Attendee]:
    """Active attendees whose meetings changed since the previous published version and who
    have not had this version's update yet, by name; [] when there is no earlier version."""
    old = previous_published(version)
    if old is None or version.status != "published":
        return []
    changed = changes_between(old, version)
    had = set(messages_for(version, "update"))
    return sorted((a for a in version.event.attendees
                   if a.id in changed and a.is_active and a.id not in had),
                  key=lambda a: (a.name.casefold(), a.id))


def had_earlier_schedule(version: ScheduleVersion) -> set[int]:
    """Attendees who were mailed (or queued) a schedule of an earlier version of the event:
    after a rebuild they have a schedule, only not this version's full one."""
    return set(db.session.execute(
        db.select(OutboxMessage.attendee_id).filter(
            OutboxMessage.event_id == version.event_id, OutboxMessage.kind.in_(SCHEDULE_KINDS),
            OutboxMessage.attendee_id.is_not(None),
            ~OutboxMessage.dedupe_key.like(f"schedule:{version.id}:%"))
    ).scalars())


def had_schedule_mail(attendee: Attendee) -> bool:
    """Whether any schedule of this event was mailed (or queued) to the attendee before."""
    return db.session.execute(
        db.select(OutboxMessage.id).filter(OutboxMessage.attendee_id == attendee.id,
                                           OutboxMessage.event_id == attendee.event_id,
                                           OutboxMessage.kind.in_(SCHEDULE_KINDS)).limit(1)
    ).first() is not None


def send_updates(version: ScheduleVersion) -> int:
    """Email only the attendees whose meetings changed since the previous published version.

    Someone who never had a schedule mail (a walk-in) gets a welcome with their schedule
    instead of "your schedule has changed". Each mail's calendar replaces the earlier one and
    cancels the meetings that were dropped."""
    _require_published(version)
    event = version.event
    old = previous_published(version)
    if old is None:
        raise SendRefused(_("There is no earlier published version to compare with; use Send "
                            "schedules."))
    changes = changes_between(old, version)
    people = {a.id: a for a in event.attendees}
    sequences = meeting_sequences(version)
    # A meeting is dropped when its people (two, or three) no longer meet: a moved one keeps
    # its calendar entry (the same UID), see review.meeting_uid.
    still = {frozenset(m.people_ids) for m in version.meetings}

    def queue_all() -> int:
        count = 0
        for attendee in update_recipients(version):
            change = changes[attendee.id]
            key = f"update:{version.id}:{attendee.id}"
            if not had_schedule_mail(attendee):
                queued = _queue_schedule(event, version, attendee, dedupe_key=key,
                                         kind="schedule_welcome", sequences=sequences,
                                         extra={"welcome": True})
            else:
                dropped = [m for m in meetings_for(old, attendee.id)
                           if frozenset(m.people_ids) not in still]
                with force_locale(language_of(attendee)):  # table names in their language
                    added = change_items(event, change["added"], people)
                    removed = change_items(event, change["removed"], people)
                queued = _queue_schedule(
                    event, version, attendee, dedupe_key=key, kind="schedule_update",
                    template="update", sequences=sequences, dropped=dropped,
                    extra={"added": added, "removed": removed, "old_version": old})
            count += queued is not None
        return count

    return _commit_idempotent(queue_all)

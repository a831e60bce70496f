"""Retention: an event's personal data is erased a set number of days after it.

``run_retention`` (``meetmatch retention``; the worker runs it once a day) does two things:

* warns: an event whose erase date is at most RETENTION_WARNING_DAYS away gets one mail to its
  organiser through the outbox (the event page shows a banner too, see ``retention_notice``);
* erases: an event past its date has every attendee erased (``privacy.erase_attendees``: rows,
  meetings, mail, files) and its remaining outbox rows removed; what stays is the event, its
  rounds and topics, schedule versions with their scores and two-way share, and the aggregate
  figures stored in ``Event.retained_figures``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from .extensions import db
from .mail import queue_message
from .models import Attendee, Event, OutboxMessage, SavedMeeting, ScheduleVersion, utcnow
from .privacy import attendees_of, erase_attendees, retention_days
from .registration import public_url

log = logging.getLogger(__name__)


def event_end(event: Event) -> datetime | None:
    """When the event's last round ends (local wall-clock time), None without rounds."""
    return max((r.ends_at for r in event.rounds), default=None)


def erase_date(event: Event) -> date | None:
    """The day the event's personal data is erased (None: no rounds, so no event date)."""
    end = event_end(event)
    return None if end is None else end.date() + timedelta(days=retention_days(event))


def warning_days() -> int:
    return int(current_app.config.get("RETENTION_WARNING_DAYS") or 14)


@dataclass
class RetentionNotice:
    erase_on: date
    days_left: int


def retention_notice(event: Event, today: date | None = None) -> RetentionNotice | None:
    """The banner for the organiser's event page: the erase date once it is near."""
    when = erase_date(event)
    if when is None or event.personal_data_erased_at is not None:
        return None
    today = today or utcnow().date()
    left = (when - today).days
    return RetentionNotice(when, max(left, 0)) if left <= warning_days() else None


def schedule_versions(event: Event) -> list[ScheduleVersion]:
    return list(db.session.execute(select(ScheduleVersion).filter_by(event_id=event.id)).scalars())


def aggregate_figures(event: Event) -> dict:
    """What stays after erasure: counts, scores and the two-way share (no person in it)."""
    by_status = dict(db.session.execute(
        select(Attendee.status, func.count()).filter_by(event_id=event.id)
        .group_by(Attendee.status)).all())
    versions = db.session.execute(
        select(ScheduleVersion).filter_by(event_id=event.id, status="published")
        .order_by(ScheduleVersion.number.desc())).scalars().first()
    figures: dict = {"attendees": sum(by_status.values()), "by_status": by_status,
                     "walk_ins": db.session.execute(select(func.count()).select_from(Attendee)
                                                    .filter_by(event_id=event.id, walk_in=True)).scalar_one()}
    if versions is not None:
        stats = db.session.execute(
            select(func.count(), func.avg(SavedMeeting.score), func.sum(SavedMeeting.score))
            .where(SavedMeeting.version_id == versions.id)).one()
        figures["published_schedule"] = {
            "version": versions.number, "meetings": stats[0],
            "average_score": round(float(stats[1] or 0), 4),
            "total_score": round(float(stats[2] or 0), 4),
            "two_way_share": versions.two_way_share,
        }
    return figures


@dataclass
class RetentionReport:
    warned: list[str] = field(default_factory=list)
    erased: list[str] = field(default_factory=list)
    attendees: int = 0


def _warn(event: Event, notice: RetentionNotice) -> None:
    organiser = event.organiser
    queue_message(
        kind="retention_warning", to_addr=organiser.email, to_name=organiser.name,
        template="retention_warning",
        context={"event": event, "notice": notice,
                 "settings_url": public_url("organiser.privacy_settings", slug=event.slug)},
        event_id=event.id, dedupe_key=f"retention-warning-{event.id}-{notice.erase_on.isoformat()}")
    event.retention_warned_at = utcnow()
    db.session.commit()


def erase_event_personal_data(event: Event) -> int:
    """Erase every attendee of the event, keep the aggregate figures; returns how many."""
    figures = aggregate_figures(event)
    people = attendees_of(event.id)
    erase_attendees(people, cancel_meetings=False)
    db.session.execute(delete(OutboxMessage).filter_by(event_id=event.id))
    if event.retained_figures is None:  # people added after an earlier pass: first figures stay
        event.retained_figures = figures
    event.personal_data_erased_at = event.personal_data_erased_at or utcnow()
    event.registration_open = False
    db.session.commit()
    return len(people)


def run_retention(today: date | None = None) -> RetentionReport:
    """Warn about and erase events as their retention dates come (safe to run any time)."""
    today = today or utcnow().date()
    report = RetentionReport()
    has_people = select(Attendee.id).where(Attendee.event_id == Event.id).exists()
    events = db.session.execute(
        select(Event).where(Event.personal_data_erased_at.is_(None) | has_people)
        .order_by(Event.id)).scalars().all()
    for event in events:
        when = erase_date(event)
        if when is None:
            continue
        if when <= today:  # also people added (imported) after an earlier pass
            report.attendees += erase_event_personal_data(event)
            report.erased.append(event.slug)
            log.info("retention: erased the personal data of event %s (%s)", event.id, event.slug)
        elif event.retention_warned_at is None:
            notice = retention_notice(event, today)
            if notice is not None:
                _warn(event, notice)
                report.warned.append(event.slug)
    db.session.commit()
    return report


_last_run: date | None = None
_retry_after: datetime | None = None
RETRY_AFTER_FAILURE = timedelta(hours=1)


def run_retention_if_due() -> int:
    """The worker's daily pass: ``run_retention`` once per UTC day per worker process (it is
    idempotent, so several workers may each run it). A failure is logged and tried again an
    hour later; the worker goes on with builds and mail. Returns how many events it erased."""
    global _last_run, _retry_after
    now = utcnow()
    if _last_run == now.date() or (_retry_after is not None and now < _retry_after):
        return 0
    try:
        report = run_retention(now.date())
    except Exception:  # noqa: BLE001 - the worker's other work must go on
        db.session.rollback()
        log.exception("retention: the daily pass failed; trying again in an hour")
        _retry_after = now + RETRY_AFTER_FAILURE
        return 0
    _last_run, _retry_after = now.date(), None
    return len(report.erased)

"""Schedules: turn rows into a matching Problem, a Result back into rows, and read them."""

from __future__ import annotations

from .extensions import db
from .models import Attendee, Meeting, ScheduleVersion


def published_version(event_id: int) -> ScheduleVersion | None:
    """The newest published schedule version of an event."""
    return db.session.execute(
        db.select(ScheduleVersion)
        .filter_by(event_id=event_id, status="published")
        .order_by(ScheduleVersion.number.desc())
        .limit(1)
    ).scalar_one_or_none()


def published_meetings_for(attendee: Attendee) -> list[Meeting] | None:
    """The attendee's meetings in the published schedule, in time order; None if none published."""
    version = published_version(attendee.event_id)
    if version is None:
        return None
    return list(
        db.session.execute(
            db.select(Meeting)
            .filter_by(version_id=version.id)
            .where((Meeting.attendee_a_id == attendee.id) | (Meeting.attendee_b_id == attendee.id))
            .order_by(Meeting.round_number)
        ).scalars()
    )

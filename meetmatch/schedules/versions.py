"""Schedule versions: find them, publish one, copy one to a draft, and compare two.

A version is one saved solver result. Drafts may be adjusted by hand (``adjust``); published
versions never change, so what attendees were told can always be compared with what is new.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..extensions import db
from ..models import Attendee, CancelledMeeting, Event, SavedMeeting, ScheduleVersion, utcnow

# ------------------------------------------------------------------ finding versions


def published_version(event_id: int) -> ScheduleVersion | None:
    """The newest published schedule version of an event."""
    return db.session.execute(
        db.select(ScheduleVersion)
        .filter_by(event_id=event_id, status="published")
        .order_by(ScheduleVersion.number.desc())
        .limit(1)
    ).scalar_one_or_none()


def previous_published(version: ScheduleVersion) -> ScheduleVersion | None:
    """The published version before this one (what attendees were told last)."""
    return db.session.execute(
        db.select(ScheduleVersion)
        .filter(ScheduleVersion.event_id == version.event_id, ScheduleVersion.status == "published",
                ScheduleVersion.number < version.number)
        .order_by(ScheduleVersion.number.desc()).limit(1)
    ).scalar_one_or_none()


def version_by_number(event: Event, number: int) -> ScheduleVersion | None:
    """The event's version with this number (numbers count 1, 2, … per event)."""
    return db.session.execute(
        db.select(ScheduleVersion).filter_by(event_id=event.id, number=number)
    ).scalar_one_or_none()


def versions_of(event: Event) -> list[ScheduleVersion]:
    """Every version of the event, newest first."""
    return list(db.session.execute(
        db.select(ScheduleVersion).filter_by(event_id=event.id).order_by(ScheduleVersion.number.desc())
    ).scalars())


def next_version_number(event: Event) -> int:
    """The number the next schedule version of this event gets."""
    top = db.session.execute(
        db.select(db.func.max(ScheduleVersion.number)).filter_by(event_id=event.id)
    ).scalar()
    return (top or 0) + 1


def details_of(version: ScheduleVersion) -> dict[str, Any]:
    """What the build recorded beside the meetings: problems, short, targets, kept, notes."""
    return json.loads(version.details or "{}")


def built_without(targets: Mapping[str, object], attendee_id: int) -> bool:
    """Whether a version whose details store these ``targets`` was built before the attendee
    registered (or was added): the build gave everyone it considered a target, so someone
    without one was never considered. A version saved before targets were stored (empty
    ``targets``) counts everyone as considered."""
    return bool(targets) and str(attendee_id) not in targets


def registered_after(event: Event, version: ScheduleVersion) -> list[Attendee]:
    """The active attendees ``version`` has no place for: registered (or added) after it was
    built and without a meeting in it (one added by hand counts), in registration order."""
    targets = details_of(version).get("targets", {})
    in_version = {x for m in version.meetings for x in m.people_ids}
    return [a for a in event.attendees
            if a.is_active and a.id not in in_version and built_without(targets, a.id)]


def registered_after_published(attendee: Attendee) -> bool:
    """Whether the attendee is active and registered after the published version was built
    (so it never considered them); False while nothing is published."""
    version = published_version(attendee.event_id)
    return (version is not None and attendee.is_active
            and built_without(details_of(version).get("targets", {}), attendee.id))


def is_rebuild(version: ScheduleVersion) -> bool:
    """Whether the version was rebuilt from a published one, also with no round held (its
    inputs include the meetings it kept, so its fingerprint never equals a fresh build's),
    rather than built fresh or copied to adjust by hand."""
    if version.held_rounds:
        return True
    return version.based_on_id is not None and not (version.solver_message or "").startswith(COPY_MESSAGE)


def meetings_for(version: ScheduleVersion, attendee_id: int) -> list[SavedMeeting]:
    """One attendee's meetings in a version, in time order."""
    return list(
        db.session.execute(
            db.select(SavedMeeting)
            .filter_by(version_id=version.id)
            .where((SavedMeeting.attendee_a_id == attendee_id) | (SavedMeeting.attendee_b_id == attendee_id)
                   | (SavedMeeting.attendee_c_id == attendee_id))
            .order_by(SavedMeeting.round_number)
        ).scalars()
    )


def published_meetings_for(attendee: Attendee) -> list[SavedMeeting] | None:
    """The attendee's meetings in the published schedule, in time order; None if none published."""
    version = published_version(attendee.event_id)
    if version is None:
        return None
    return meetings_for(version, attendee.id)


def published_version_id(event_id: int) -> int | None:
    version = published_version(event_id)
    return None if version is None else version.id


def cancelled_meetings_for(attendee_id: int, version_id: int | None) -> list[CancelledMeeting]:
    """Meetings of ``attendee_id`` in a version whose partner erased their data."""
    if version_id is None:
        return []
    return list(db.session.execute(
        db.select(CancelledMeeting).filter_by(attendee_id=attendee_id, version_id=version_id)
        .order_by(CancelledMeeting.round_number)).scalars())


# ------------------------------------------------------------------ publish and copy

COPY_MESSAGE = "Copy of version"  # a copy's solver message starts with it (``is_rebuild``)


def publish_version(version: ScheduleVersion) -> None:
    """Make a draft the published version; attendees see it from now on."""
    if version.status != "published":
        version.status = "published"
        version.published_at = utcnow()
        db.session.commit()


def copy_meeting(m: SavedMeeting) -> SavedMeeting:
    """An unsaved copy of a meeting, for a new version."""
    return SavedMeeting(round_number=m.round_number, table_number=m.table_number,
                        attendee_a_id=m.attendee_a_id, attendee_b_id=m.attendee_b_id,
                        attendee_c_id=m.attendee_c_id, score=m.score, why=m.why, reason=m.reason, benefit_ab=m.benefit_ab,
                        benefit_ba=m.benefit_ba)


def copy_to_draft(version: ScheduleVersion) -> ScheduleVersion:
    """A new draft with the same meetings, to adjust by hand; commits."""
    draft = ScheduleVersion(
        event_id=version.event_id, number=next_version_number(version.event), status="draft",
        based_on_id=version.id, held_rounds=version.held_rounds,
        inputs_fingerprint=version.inputs_fingerprint, seed=version.seed,
        solver_status=version.solver_status, solver_message=f"{COPY_MESSAGE} {version.number}",
        objective=version.objective, upper_bound=version.upper_bound, gap=version.gap,
        wall_time=0.0, details=version.details, scorer=version.scorer,
        two_way_share=version.two_way_share,
    )
    draft.meetings = [copy_meeting(m) for m in version.meetings]
    db.session.add(draft)
    db.session.commit()
    return draft


# ------------------------------------------------------------------ compare


def _plan(version: ScheduleVersion | None) -> dict[int, set[tuple[int, int, int]]]:
    plan: dict[int, set[tuple[int, int, int]]] = {}
    for m in (version.meetings if version else []):
        for x in m.people_ids:  # a trio: each person has two partners at the table
            plan.setdefault(x, set()).update((m.round_number, m.table_number, y)
                                             for y in m.people_ids if y != x)
    return plan


def changes_between(old: ScheduleVersion | None, new: ScheduleVersion) -> dict[int, dict[str, list]]:
    """Per attendee id whose meetings differ: {"added": [...], "removed": [...]} of
    (round, table, partner id) tuples, sorted by round."""
    before, after = _plan(old), _plan(new)
    changed = {}
    for attendee_id in set(before) | set(after):
        b, a = before.get(attendee_id, set()), after.get(attendee_id, set())
        if a != b:
            changed[attendee_id] = {"added": sorted(a - b), "removed": sorted(b - a)}
    return changed


def meeting_sequences(version: ScheduleVersion) -> dict[frozenset[int], int]:
    """Per pair of attendee ids (the three of a trio): how often their meeting changed (moved, was added back or was
    dropped) across the event's published versions up to ``version`` (and ``version`` itself if
    it is a draft): the iCalendar SEQUENCE that makes a calendar replace its earlier entry."""
    history = list(db.session.execute(
        db.select(ScheduleVersion).filter(
            ScheduleVersion.event_id == version.event_id, ScheduleVersion.status == "published",
            ScheduleVersion.number <= version.number).order_by(ScheduleVersion.number)).scalars())
    if version not in history:
        history.append(version)
    places: dict[frozenset[int], tuple[int, int] | None] = {}
    sequences: dict[frozenset[int], int] = {}
    for v in history:
        now = {frozenset(m.people_ids): (m.round_number, m.table_number) for m in v.meetings}
        for pair in set(places) | set(now):
            if pair in places and places[pair] != now.get(pair):
                sequences[pair] = sequences.get(pair, 0) + 1
            places[pair] = now.get(pair)
    return sequences


def _meeting_key(m: SavedMeeting):
    return (m.round_number, m.table_number, frozenset(m.people_ids))


def count_meeting_changes(old: ScheduleVersion | None, new: ScheduleVersion) -> tuple[int, int]:
    """(meetings of the new version that were not in the old one as they were, meetings of the
    old one that the new one no longer has as they were: moved to another round or table, or
    gone, as a no-show's partners lose theirs)."""
    old_keys = {_meeting_key(m) for m in (old.meetings if old else [])}
    new_keys = {_meeting_key(m) for m in new.meetings}
    return len(new_keys - old_keys), len(old_keys - new_keys)

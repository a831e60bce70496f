"""Hand edits to a draft schedule, each checked against the hard rules before it is saved.

Every function either commits the change or raises AdjustmentRefused with a message that says
which rule and what to do instead. Published versions never change: copy them to a draft first.
"""

from __future__ import annotations

from ..extensions import db
from ..matching import score_event
from ..models import Attendee, Event, PairRule, PairRuleKind, SavedMeeting, ScheduleVersion
from .engine_io import problem_from_event


class AdjustmentRefused(Exception):
    pass


def _editable(version: ScheduleVersion) -> None:
    if version.status != "draft":
        raise AdjustmentRefused("Published versions never change. Copy it to a new draft first.")


def _check_slot(version: ScheduleVersion, a: Attendee, b: Attendee, round_number: int,
                table: int, ignore: SavedMeeting | None = None) -> None:
    """Double booking, availability, table range, table use and host tables."""
    event = version.event
    if round_number not in {r.number for r in event.rounds}:
        raise AdjustmentRefused(f"Round {round_number} does not exist.")
    if table < 1 or (event.num_tables is not None and table > event.num_tables):
        raise AdjustmentRefused(f"Table {table} does not exist (the event has "
                                f"{event.num_tables} tables).")
    for person in (a, b):
        if not person.is_active:
            raise AdjustmentRefused(f"{person.name} is {person.status.replace('_', ' ')}.")
        rounds = person.rounds_list
        if rounds is not None and round_number not in rounds:
            raise AdjustmentRefused(f"{person.name} is not available in round {round_number}.")
    hosts = {p.host_table: p for p in event.attendees if p.is_active and p.host_table is not None}
    for person in (a, b):
        if person.host_table is not None and person.host_table != table:
            raise AdjustmentRefused(f"{person.name} keeps {event.table_label(person.host_table)} "
                                    "all day (host table); use that table.")
    host = hosts.get(table)
    if host is not None and host.id not in (a.id, b.id):
        raise AdjustmentRefused(f"{event.table_label(table)} is {host.name}'s host table.")
    others = [m for m in version.meetings if m is not ignore and m.round_number == round_number]
    for m in others:
        if m.table_number == table:
            raise AdjustmentRefused(f"{event.table_label(table)} is already used in round "
                                    f"{round_number} by {m.attendee_a.name} and {m.attendee_b.name}.")
        for person in (a, b):
            if person.id in (m.attendee_a_id, m.attendee_b_id):
                raise AdjustmentRefused(f"{person.name} already has a meeting in round "
                                        f"{round_number} (double booking).")


def cancel_meeting(version: ScheduleVersion, meeting: SavedMeeting) -> None:
    """Remove one meeting from a draft."""
    _editable(version)
    version.meetings.remove(meeting)
    db.session.delete(meeting)
    db.session.commit()


def move_meeting(version: ScheduleVersion, meeting: SavedMeeting, round_number: int, table: int) -> None:
    """Move a meeting to another free table and/or round."""
    _editable(version)
    _check_slot(version, meeting.attendee_a, meeting.attendee_b, round_number, table, ignore=meeting)
    meeting.round_number = round_number
    meeting.table_number = table
    db.session.commit()


def add_meeting(version: ScheduleVersion, a: Attendee, b: Attendee, round_number: int,
                table: int) -> SavedMeeting:
    """Add a meeting between two people who are free in that round."""
    _editable(version)
    event = version.event
    if a.id == b.id:
        raise AdjustmentRefused("Choose two different people.")
    if a.event_id != event.id or b.event_id != event.id:
        raise AdjustmentRefused("Both people must be attendees of this event.")
    _check_slot(version, a, b, round_number, table)
    pair = {a.id, b.id}
    blocked = db.session.execute(db.select(PairRule).filter_by(
        event_id=event.id, kind=PairRuleKind.MUST_NOT_MEET)).scalars()
    if any({p.attendee_a_id, p.attendee_b_id} == pair for p in blocked):
        raise AdjustmentRefused(f"{a.name} and {b.name} must not meet (a blocked pair).")
    if (event.block_same_organisation and a.organisation.strip()
            and a.organisation.strip().casefold() == b.organisation.strip().casefold()):
        raise AdjustmentRefused(f"{a.name} and {b.name} are both from {a.organisation}; this event "
                                "does not match people of the same organisation.")
    if any({m.attendee_a_id, m.attendee_b_id} == pair for m in version.meetings):
        raise AdjustmentRefused(f"{a.name} and {b.name} already meet in this schedule.")
    for person in (a, b):
        count = sum(1 for m in version.meetings if person.id in (m.attendee_a_id, m.attendee_b_id))
        if person.max_meetings is not None and count >= person.max_meetings:
            raise AdjustmentRefused(f"{person.name} wants at most {person.max_meetings} meetings.")
    score, why = _score(event, a, b)
    meeting = SavedMeeting(round_number=round_number, table_number=table, attendee_a_id=a.id,
                      attendee_b_id=b.id, score=score, why=why)
    version.meetings.append(meeting)
    db.session.commit()
    return meeting


def _score(event: Event, a: Attendee, b: Attendee) -> tuple[float, str]:
    problem = problem_from_event(event).problem
    model = score_event(problem)
    try:
        return round(model.mutual(str(a.id), str(b.id)), 6), model.explain(str(a.id), str(b.id)).text
    except (KeyError, IndexError):  # pragma: no cover - both are active, so both are in the problem
        return 0.0, "Added by the organiser."

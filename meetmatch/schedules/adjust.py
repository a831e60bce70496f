"""Hand edits to a draft schedule, each checked against the rulebook before it is saved.

Every function either commits the change or raises AdjustmentRefused with the organiser's
sentence for the first rule the change would break (``rulebook.violation_sentence``).
Published versions never change: copy them to a draft first. No edit scores the whole event:
a pair's score and reason are the ones the version already stored, or those of the two
profiles alone.
"""

from __future__ import annotations

import logging

from .. import pair_rules
from ..extensions import db
from ..i18n import _
from ..matching import Problem, meeting_violations, score_event
from ..models import Attendee, SavedMeeting, ScheduleVersion
from .engine_io import BuildError, participant, problem_from_event
from .reasons import reason_json
from .rulebook import placements_of, violation_sentence
from .versions import copy_meeting

log = logging.getLogger(__name__)

ADDED_BY_HAND = "Added by the organiser."


class AdjustmentRefused(Exception):
    """The edit would break a rule; the message says which and what to do instead."""


def _editable(version: ScheduleVersion) -> None:
    if version.status != "draft":
        raise AdjustmentRefused(_("Published versions never change. Copy it to a new draft first."))


class _OnePairScore:
    """The score lookup the rulebook asks for the one pair an edit checks. An unknown score
    (scoring failed) is not taken for 0: the organiser decides."""

    def __init__(self, score: float | None):
        self.score = score

    def mutual(self, a: str, b: str) -> float:  # noqa: ARG002 - the rulebook's interface
        return 1.0 if self.score is None else self.score


def _check(version: ScheduleVersion, a: Attendee, b: Attendee, round_number: int, table: int,
           score: float | None, leave_out: SavedMeeting | None = None) -> None:
    """Raise AdjustmentRefused with the first rule that a meeting of a and b in this round at
    this table breaks, against the version's other meetings."""
    event = version.event
    try:
        problem = problem_from_event(event).problem
    except BuildError as error:
        raise AdjustmentRefused(_("The event's settings need fixing first: %(error)s",
                                  error=error)) from error
    broken = meeting_violations(
        problem, placements_of(version.meetings, leave_out), str(a.id), str(b.id), round_number,
        table, scores=_OnePairScore(score), held_rounds=range(1, version.held_rounds + 1))
    if broken:
        raise AdjustmentRefused(violation_sentence(broken[0], event,
                                                   {p.id: p for p in event.attendees}))


def cancel_meeting(version: ScheduleVersion, meeting: SavedMeeting) -> None:
    """Remove one meeting from a draft, and remember it: later rebuilds do not pair the two
    again (a "cancelled" pair rule, shown and removable on both people's pages)."""
    _editable(version)
    pair_rules.remember_cancellation(version.event, meeting.attendee_a_id, meeting.attendee_b_id)
    version.meetings.remove(meeting)
    db.session.delete(meeting)
    db.session.commit()


def move_meeting(version: ScheduleVersion, meeting: SavedMeeting, round_number: int, table: int) -> None:
    """Move a meeting to another free table and/or round."""
    _editable(version)
    _check(version, meeting.attendee_a, meeting.attendee_b, round_number, table, meeting.score,
           leave_out=meeting)
    meeting.round_number = round_number
    meeting.table_number = table
    db.session.commit()


def add_meeting(version: ScheduleVersion, a: Attendee, b: Attendee, round_number: int,
                table: int) -> SavedMeeting:
    """Add a meeting between two people who are free in that round."""
    _editable(version)
    if a.event_id != version.event_id or b.event_id != version.event_id:
        raise AdjustmentRefused(_("Both people must be attendees of this event."))
    meeting, score = scored_pair(version, a, b) if a.id != b.id else (None, None)
    # Putting them together by hand undoes a remembered cancellation of the pair (not a
    # must-not-meet rule): checked without it, kept only if the meeting is added.
    pair_rules.forget_cancellation(version.event, a.id, b.id)
    db.session.flush()
    try:
        _check(version, a, b, round_number, table, score)
    except AdjustmentRefused:
        db.session.rollback()
        raise
    meeting.round_number, meeting.table_number = round_number, table
    version.meetings.append(meeting)
    db.session.commit()
    return meeting


def scored_pair(version: ScheduleVersion, a: Attendee, b: Attendee) -> tuple[SavedMeeting, float | None]:
    """An unsaved meeting of a and b (no round or table yet) with the pair's score and reason,
    without scoring the whole event: as stored for the pair in this version or the one it was
    copied from (a meeting cancelled and added again), else scored from the two profiles alone
    (the lexical scorer: no text model in a web request). Returns the meeting and its score;
    None when scoring failed (the meeting then says who added it): never an error page."""
    pair = {a.id, b.id}
    stored = db.session.execute(
        db.select(SavedMeeting)
        .where(SavedMeeting.version_id.in_([version.id, version.based_on_id or version.id]),
               SavedMeeting.attendee_a_id.in_(pair), SavedMeeting.attendee_b_id.in_(pair))
        .order_by((SavedMeeting.version_id == version.id).desc())
    ).scalars().first()
    if stored is not None:
        return copy_meeting(stored), stored.score
    rounds = len(version.event.rounds)
    try:
        scores = score_event(Problem(rounds=max(1, rounds),
                                     attendees=(participant(a, rounds), participant(b, rounds))))
        score = round(scores.mutual(str(a.id), str(b.id)), 6)
        e = scores.explain(str(a.id), str(b.id))
    except Exception:  # noqa: BLE001 - the edit goes ahead; the reason says who added it
        log.exception("could not score %s and %s", a.id, b.id)
        return SavedMeeting(attendee_a_id=a.id, attendee_b_id=b.id, score=0.0, why=ADDED_BY_HAND), None
    return SavedMeeting(attendee_a_id=a.id, attendee_b_id=b.id, score=score, why=e.text,
                        reason=reason_json(e), benefit_ab=round(e.benefit_ab, 6),
                        benefit_ba=round(e.benefit_ba, 6)), score

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
from ..matching import DEFAULT_MUTUALITY, Problem, meeting_violations, mutual_score, score_event
from ..matching.reasons import Explanation
from ..matching.rules import pairs_at
from ..matching.trios import trio_value
from ..models import Attendee, SavedMeeting, ScheduleVersion
from .engine_io import BuildError, participant, problem_from_event
from .reasons import reason_json, reason_of, trio_reasons_of
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


class _PairScores:
    """The score lookup for the pairs of a trio an edit checks (unknown: not taken for 0)."""

    def __init__(self, scores: dict[frozenset[str], float | None]):
        self.scores = scores

    def mutual(self, a: str, b: str) -> float:
        score = self.scores.get(frozenset((a, b)))
        return 1.0 if score is None else score


def _check(version: ScheduleVersion, a: Attendee, b: Attendee, round_number: int, table: int,
           score: float | None, leave_out: SavedMeeting | None = None,
           c: Attendee | None = None, scores: _PairScores | None = None) -> None:
    """Raise AdjustmentRefused with the first rule that a meeting of a and b (and c, a trio)
    in this round at this table breaks, against the version's other meetings."""
    event = version.event
    try:
        problem = problem_from_event(event).problem
    except BuildError as error:
        raise AdjustmentRefused(_("The event's settings need fixing first: %(error)s",
                                  error=error)) from error
    broken = meeting_violations(
        problem, placements_of(version.meetings, leave_out), str(a.id), str(b.id), round_number,
        table, scores=scores or _OnePairScore(score), held_rounds=range(1, version.held_rounds + 1),
        c=None if c is None else str(c.id))
    if broken:
        raise AdjustmentRefused(violation_sentence(broken[0], event,
                                                   {p.id: p for p in event.attendees}))


def cancel_meeting(version: ScheduleVersion, meeting: SavedMeeting) -> None:
    """Remove one meeting from a draft, and remember it: later rebuilds do not pair the two
    again (a "cancelled" pair rule, shown and removable on both people's pages); a cancelled
    trio is remembered for each of its three pairs."""
    _editable(version)
    for x, y in pairs_at(meeting.attendee_a_id, meeting.attendee_b_id, meeting.attendee_c_id):
        pair_rules.remember_cancellation(version.event, x, y)
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


def add_third_person(version: ScheduleVersion, person: Attendee, round_number: int,
                     table: int) -> SavedMeeting:
    """Seat ``person`` at the meeting at ``table`` in ``round_number`` as its third person
    (the event must allow trios; every rule holds for each of the three pairs)."""
    _editable(version)
    if person.event_id != version.event_id:
        raise AdjustmentRefused(_("Both people must be attendees of this event."))
    meeting = next((m for m in version.meetings if m.round_number == round_number
                    and m.table_number == table), None)
    if meeting is None:
        raise AdjustmentRefused(_("There is no meeting at %(table)s in round %(round)s to join.",
                                  table=version.event.table_label(table), round=round_number))
    if meeting.attendee_c_id is not None:
        raise AdjustmentRefused(_("%(table)s already has three people in round %(round)s.",
                                  table=version.event.table_label(table), round=round_number))
    a, b = meeting.attendee_a, meeting.attendee_b
    with_a, score_a = scored_pair(version, a, person) if person.id != a.id else (None, None)
    with_b, score_b = scored_pair(version, b, person) if person.id != b.id else (None, None)
    pair_score = _pair_score(version, meeting)
    scores = _PairScores({frozenset((str(a.id), str(b.id))): pair_score,
                          frozenset((str(a.id), str(person.id))): score_a,
                          frozenset((str(b.id), str(person.id))): score_b})
    _check(version, a, b, round_number, table, None, leave_out=meeting, c=person, scores=scores)
    explanations = [reason_of(m.reason) if m is not None else None
                    for m in (meeting, with_a, with_b)]
    meeting.attendee_c_id = person.id
    meeting.score = round(trio_value(pair_score or 0.0, score_a or 0.0, score_b or 0.0), 6)
    meeting.why = " ".join(m.why for m in (meeting, with_a, with_b) if m is not None)
    if all(e is not None for e in explanations):
        ab, ac, bc = explanations
        meeting.reason = reason_json(ab, (ac, bc), all(e.two_way for e in explanations))
    else:
        meeting.reason = None  # the words of ``why`` stay
    db.session.commit()
    return meeting


def remove_from_table(version: ScheduleVersion, meeting: SavedMeeting, person_id: int) -> None:
    """Take one person out of a table of three: the other two keep their meeting, with the
    pair's own score and reason; the person is free in that round."""
    _editable(version)
    if meeting.attendee_c_id is None or person_id not in meeting.people_ids:
        raise AdjustmentRefused(_("Only a table of three can lose one person; cancel the "
                                  "meeting instead."))
    stay = [x for x in meeting.people_ids if x != person_id]
    pair = [e for e in [reason_of(meeting.reason), *trio_reasons_of(meeting.reason)]
            if e is not None and {int(e.a), int(e.b)} == set(stay)]
    if pair:
        e = pair[0]
        meeting.attendee_a_id, meeting.attendee_b_id = int(e.a), int(e.b)
        meeting.attendee_c_id = None
        meeting.reason, meeting.why = reason_json(e), e.text
        meeting.benefit_ab, meeting.benefit_ba = e.benefit_ab, e.benefit_ba
        meeting.score = round(_explained_score(version, e), 6)
    else:  # saved without reasons: score the pair that stays
        people = {p.id: p for p in meeting.people}
        fresh, score = scored_pair(version, people[stay[0]], people[stay[1]])
        meeting.attendee_a_id, meeting.attendee_b_id = stay
        meeting.attendee_c_id = None
        meeting.reason, meeting.why, meeting.score = fresh.reason, fresh.why, score or 0.0
        meeting.benefit_ab, meeting.benefit_ba = fresh.benefit_ab, fresh.benefit_ba
    db.session.commit()


def _explained_score(version: ScheduleVersion, e: Explanation) -> float:
    """A pair's mutual score from its stored explanation (the organiser's weight, or both
    benefits at the event's mutuality)."""
    if e.weight is not None:
        return e.weight
    m = version.event.mutuality
    return float(mutual_score(e.benefit_ab, e.benefit_ba,
                              DEFAULT_MUTUALITY if m is None else m))


def _pair_score(version: ScheduleVersion, meeting: SavedMeeting) -> float | None:
    """The mutual score of a meeting of two (its saved score), None when unknown."""
    e = reason_of(meeting.reason)
    if e is not None:
        return _explained_score(version, e)
    return meeting.score if meeting.why != ADDED_BY_HAND else None


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

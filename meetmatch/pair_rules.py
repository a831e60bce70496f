"""Meeting rules an organiser sets between two attendees: "must meet" or "must not meet".

Stored as ``PairRule`` rows with a ``kind`` (``PairRuleKind.MUST_MEET`` or ``MUST_NOT_MEET``, or
``CANCELLED``: a meeting the organiser cancelled by hand, remembered so a rebuild does not pair
the two again), one row per unordered pair, smaller attendee id first. ``schedules.engine_io.problem_from_event``
reads them at the next build or rebuild. Each function that changes rows owns its transaction.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import and_, func, or_
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .i18n import _
from .models import Attendee, Event, PairRule, PairRuleKind


class PairRuleError(ValueError):
    """A rule that cannot exist; the message says why in plain words."""


class AttendeeRule(NamedTuple):
    rule: PairRule
    other: Attendee  # the person at the other end of the rule


def canonical_pair(a_id: int, b_id: int) -> tuple[int, int]:
    """The stored order of a pair: smaller id first, so A–B and B–A are one rule."""
    return (a_id, b_id) if a_id < b_id else (b_id, a_id)


def rows_for_pair(event: Event, a_id: int, b_id: int) -> list[PairRule]:
    """The event's rule rows between a and b, oldest first (normally one at most).

    Both orders: rows written before this module (or by hand) may be in either order."""
    return db.session.execute(
        db.select(PairRule).filter_by(event_id=event.id).where(or_(
            and_(PairRule.attendee_a_id == a_id, PairRule.attendee_b_id == b_id),
            and_(PairRule.attendee_a_id == b_id, PairRule.attendee_b_id == a_id),
        )).order_by(PairRule.id)
    ).scalars().all()


def _check(event: Event, a: Attendee, b: Attendee) -> None:
    if a.event_id != event.id or b.event_id != event.id:
        raise PairRuleError(_("Both people must be attendees of this event."))
    if a.id == b.id:
        raise PairRuleError(_("A person cannot have a rule with themselves."))


def _store(event: Event, first: int, second: int, kind: PairRuleKind) -> PairRule:
    rows = rows_for_pair(event, first, second)
    if not rows:
        rule = PairRule(event_id=event.id, attendee_a_id=first, attendee_b_id=second, kind=kind)
        db.session.add(rule)
        return rule
    # Keep one row (the canonical one if there is one); a pair never has two rules.
    rule = next((r for r in rows if (r.attendee_a_id, r.attendee_b_id) == (first, second)), rows[0])
    for extra in rows:
        if extra is not rule:
            db.session.delete(extra)
    db.session.flush()
    rule.attendee_a_id, rule.attendee_b_id, rule.kind = first, second, kind
    return rule


def add_pair_rule(event: Event, a: Attendee, b: Attendee, kind: PairRuleKind) -> PairRule:
    """Set the rule between a and b: must meet or must not meet (``kind``).

    A pair that already has a rule gets the new kind instead of a second rule.
    Raises PairRuleError if either person is not of this event or a is b.
    """
    _check(event, a, b)
    first, second = canonical_pair(a.id, b.id)
    try:
        rule = _store(event, first, second, PairRuleKind(kind))
        db.session.commit()
    except IntegrityError:
        # Someone added the same pair at the same moment: theirs exists now, so update it.
        db.session.rollback()
        rule = _store(event, first, second, PairRuleKind(kind))
        db.session.commit()
    return rule


def remember_cancellation(event: Event, a_id: int, b_id: int) -> PairRule:
    """Remember that the organiser cancelled the meeting of a and b (in the caller's
    transaction): no build or rebuild of this event pairs them again until it is removed.
    Replaces the pair's rule, if any: the cancellation is the organiser's latest word."""
    first, second = canonical_pair(a_id, b_id)
    return _store(event, first, second, PairRuleKind.CANCELLED)


def forget_cancellation(event: Event, a_id: int, b_id: int) -> None:
    """The organiser put the two together again by hand: drop a remembered cancellation (in the
    caller's transaction)."""
    for rule in rows_for_pair(event, a_id, b_id):
        if rule.kind == PairRuleKind.CANCELLED:
            db.session.delete(rule)


def remove_pair_rule(rule: PairRule) -> None:
    """Delete one rule."""
    db.session.delete(rule)
    db.session.commit()


def pair_rule_of(event: Event, rule_id: int) -> PairRule | None:
    """The event's rule with this id, or None (a rule of another event is None too)."""
    rule = db.session.get(PairRule, rule_id)
    return rule if rule is not None and rule.event_id == event.id else None


def pair_rules_for(attendee: Attendee) -> list[AttendeeRule]:
    """This attendee's rules with the other person, must-meet first, then by the other's name."""
    rows = db.session.execute(
        db.select(PairRule).filter_by(event_id=attendee.event_id).where(or_(
            PairRule.attendee_a_id == attendee.id, PairRule.attendee_b_id == attendee.id))
    ).scalars().all()
    others = {a.id: a for a in db.session.execute(db.select(Attendee).where(Attendee.id.in_(
        {r.attendee_b_id if r.attendee_a_id == attendee.id else r.attendee_a_id for r in rows})
    )).scalars()}
    result = [AttendeeRule(r, others[r.attendee_b_id if r.attendee_a_id == attendee.id
                                    else r.attendee_a_id]) for r in rows]
    must_meet_first = {PairRuleKind.MUST_MEET: 0, PairRuleKind.MUST_NOT_MEET: 1, PairRuleKind.CANCELLED: 2}
    return sorted(result, key=lambda x: (must_meet_first[x.rule.kind], x.other.name.casefold(), x.other.id))


def count_pair_rules(event: Event) -> dict[str, int]:
    """How many rules of each kind (must meet, must not meet, cancelled) the event has."""
    counts = dict(db.session.execute(
        db.select(PairRule.kind, func.count()).filter_by(event_id=event.id)
        .group_by(PairRule.kind)).all())
    return {kind.value: counts.get(kind, 0) for kind in PairRuleKind}


class EventRule(NamedTuple):
    rule: PairRule
    a: Attendee
    b: Attendee


def event_pair_rules(event: Event) -> list[EventRule]:
    """Every rule of the event with both people, must meet first, then must not meet, then
    cancelled meetings; within a kind by the first person's name."""
    rows = db.session.execute(db.select(PairRule).filter_by(event_id=event.id)).scalars().all()
    ids = {r.attendee_a_id for r in rows} | {r.attendee_b_id for r in rows}
    people = {a.id: a for a in db.session.execute(
        db.select(Attendee).where(Attendee.id.in_(ids))).scalars()} if ids else {}
    order = {PairRuleKind.MUST_MEET: 0, PairRuleKind.MUST_NOT_MEET: 1, PairRuleKind.CANCELLED: 2}
    pairs = []
    for r in rows:
        a, b = sorted((people[r.attendee_a_id], people[r.attendee_b_id]),
                      key=lambda p: (p.name.casefold(), p.id))
        pairs.append(EventRule(r, a, b))
    return sorted(pairs, key=lambda x: (order[x.rule.kind], x.a.name.casefold(), x.b.name.casefold()))

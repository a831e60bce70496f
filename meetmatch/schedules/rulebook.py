"""The engine's rulebook (``matching.rules``) as the web layer uses it.

The rules themselves are written once, in the engine, over attendee ids. Here saved meetings
become the rulebook's placements, and a :class:`~meetmatch.matching.Violation` becomes the
organiser's sentence, with names and table labels (which the engine never sees).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .. import pair_rules
from ..i18n import _, status_label
from ..matching import Placement, Rule, Violation
from ..models import Attendee, Event, PairRuleKind, SavedMeeting


def placement_of(m: SavedMeeting) -> Placement:
    """A saved meeting as the rulebook sees it."""
    return Placement(m.round_number, str(m.attendee_a_id), str(m.attendee_b_id), m.table_number,
                     None if m.attendee_c_id is None else str(m.attendee_c_id))


def placements_of(meetings: Iterable[SavedMeeting],
                  leave_out: SavedMeeting | None = None) -> list[Placement]:
    """Saved meetings as placements (without ``leave_out``: the meeting being moved)."""
    return [placement_of(m) for m in meetings if m is not leave_out]


def violation_sentence(v: Violation, event: Event, people: Mapping[int, Attendee]) -> str:
    """What the organiser reads when a meeting breaks a rule: who, where, and what to do.

    ``people``: the event's attendees by id (withdrawn ones too: they have names).
    """

    def name(pid: str) -> str:
        person = people.get(int(pid)) if pid.isdecimal() else None
        return person.name if person is not None else _("Attendee %(id)s", id=pid)

    def both() -> str:
        return _("%(a)s and %(b)s", a=name(v.people[0]), b=name(v.people[1]))

    table = event.table_label(v.table) if v.table is not None else _("that table")
    match v.rule:
        case Rule.UNKNOWN_PERSON:
            person = people.get(int(v.people[0])) if v.people[0].isdecimal() else None
            if person is not None and not person.is_active:
                return _("%(name)s is %(status)s.", name=person.name, status=status_label(person.status))
            return _("Both people must be attendees of this event.")
        case Rule.SAME_PERSON:
            return _("Choose two different people.")
        case Rule.ROUND_OUT_OF_RANGE:
            return _("Round %(round)s does not exist (the event has %(count)s rounds).",
                     round=v.round, count=len(event.rounds))
        case Rule.HELD_ROUND:
            return _("Round %(round)s has already been held; nothing new can happen in it.",
                     round=v.round)
        case Rule.TABLE_OUT_OF_RANGE:
            return _("Table %(table)s does not exist (the event has %(count)s tables).",
                     table=v.table, count=event.num_tables)
        case Rule.NOT_AVAILABLE:
            return _("%(name)s is not available in round %(round)s.", name=name(v.people[0]),
                     round=v.round)
        case Rule.HOST_TABLE:
            host = people.get(int(v.people[0]))
            own = event.table_label(host.host_table) if host is not None else _("their own table")
            return _("%(name)s keeps %(table)s all day (host table); use that table.",
                     name=name(v.people[0]), table=own)
        case Rule.HOSTED_TABLE:
            return _("%(table)s is the host table of %(name)s.", table=table, name=name(v.people[2]))
        case Rule.TABLE_TAKEN:
            return _("%(table)s is already used in round %(round)s by %(a)s and %(b)s.",
                     table=table, round=v.round, a=name(v.people[2]), b=name(v.people[3]))
        case Rule.DOUBLE_BOOKED:
            return _("%(name)s already has a meeting in round %(round)s (double booking).",
                     name=name(v.people[0]), round=v.round)
        case Rule.BLOCKED_PAIR:
            met_before = _history_reason(event, people, v.people[0], v.people[1])
            if met_before:
                return _("%(both)s are not paired again: %(why)s (memory across your events).",
                         both=both(), why=met_before)
            if _cancelled_by_hand(event, v.people[0], v.people[1]):
                return _("%(both)s are not paired again: the organiser cancelled their meeting "
                         "by hand. Remove the remembered cancellation on their page if they "
                         "should meet after all.", both=both())
            return _("%(both)s must not meet (a meeting rule).", both=both())
        case Rule.AVOIDED_PAIR:
            return _("%(both)s must not meet: one of them said \"I'd rather not meet\". Add a "
                     "must-meet rule if they should meet after all.", both=both())
        case Rule.SAME_ORGANISATION:
            organisation = people[int(v.people[0])].organisation
            return _("%(both)s are both from %(organisation)s; this event does not match people of "
                     "the same organisation.", both=both(), organisation=organisation)
        case Rule.REPEAT_PAIR:
            return _("%(both)s already meet in this schedule.", both=both())
        case Rule.MAX_MEETINGS:
            person = people[int(v.people[0])]
            return _("%(name)s wants at most %(count)s meetings.", name=person.name,
                     count=person.max_meetings)
        case Rule.SCORE_ZERO:
            return _("%(both)s have nothing to offer each other (a meeting score of 0); such "
                     "pairs are never planned.", both=both())
        case Rule.TRIOS_OFF:
            return _("This event has no tables of three. Turn on \"Trios instead of sitting "
                     "out\" in the event's settings first.")
        case Rule.FIXED_MISSING:
            return _("The meeting of %(both)s in round %(round)s is missing.", both=both(),
                     round=v.round)
    return str(v)  # a rule added to the engine later: still said, if plainly


def _cancelled_by_hand(event: Event, a: str, b: str) -> bool:
    """Whether the pair's block is a meeting the organiser cancelled by hand (not a rule)."""
    if not (a.isdecimal() and b.isdecimal()):
        return False
    return any(rule.kind == PairRuleKind.CANCELLED
               for rule in pair_rules.rows_for_pair(event, int(a), int(b)))


def _history_reason(event: Event, people: Mapping[int, Attendee], a: str, b: str) -> str | None:
    """Why two people are kept apart by the memory across the organiser's events, if they are."""
    from ..history import blocked_reasons

    pair = [people[int(x)] for x in (a, b) if x.isdecimal() and int(x) in people]
    if len(pair) < 2 or (event.history_rule or "off") == "off":
        return None
    return blocked_reasons(event, pair).get(tuple(sorted(p.id for p in pair)))

"""The engine's rulebook (``matching.rules``) as the web layer uses it.

The rules themselves are written once, in the engine, over attendee ids. Here saved meetings
become the rulebook's placements, and a :class:`~meetmatch.matching.Violation` becomes the
organiser's sentence, with names and table labels (which the engine never sees).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..matching import Placement, Rule, Violation
from ..models import Attendee, Event, SavedMeeting


def placement_of(m: SavedMeeting) -> Placement:
    """A saved meeting as the rulebook sees it."""
    return Placement(m.round_number, str(m.attendee_a_id), str(m.attendee_b_id), m.table_number)


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
        return person.name if person is not None else f"Attendee {pid}"

    def both() -> str:
        return f"{name(v.people[0])} and {name(v.people[1])}"

    table = event.table_label(v.table) if v.table is not None else "that table"
    match v.rule:
        case Rule.UNKNOWN_PERSON:
            person = people.get(int(v.people[0])) if v.people[0].isdecimal() else None
            if person is not None and not person.is_active:
                return f"{person.name} is {person.status.replace('_', ' ')}."
            return "Both people must be attendees of this event."
        case Rule.SAME_PERSON:
            return "Choose two different people."
        case Rule.ROUND_OUT_OF_RANGE:
            return f"Round {v.round} does not exist (the event has {len(event.rounds)} rounds)."
        case Rule.HELD_ROUND:
            return f"Round {v.round} has already been held; nothing new can happen in it."
        case Rule.TABLE_OUT_OF_RANGE:
            return f"Table {v.table} does not exist (the event has {event.num_tables} tables)."
        case Rule.NOT_AVAILABLE:
            return f"{name(v.people[0])} is not available in round {v.round}."
        case Rule.HOST_TABLE:
            host = people.get(int(v.people[0]))
            own = event.table_label(host.host_table) if host is not None else "their own table"
            return f"{name(v.people[0])} keeps {own} all day (host table); use that table."
        case Rule.HOSTED_TABLE:
            return f"{table} is {name(v.people[2])}'s host table."
        case Rule.TABLE_TAKEN:
            return (f"{table} is already used in round {v.round} by {name(v.people[2])} and "
                    f"{name(v.people[3])}.")
        case Rule.DOUBLE_BOOKED:
            return f"{name(v.people[0])} already has a meeting in round {v.round} (double booking)."
        case Rule.BLOCKED_PAIR:
            met_before = _history_reason(event, people, v.people[0], v.people[1])
            if met_before:
                return f"{both()} are not paired again: {met_before} (memory across your events)."
            return f"{both()} must not meet (a meeting rule)."
        case Rule.AVOIDED_PAIR:
            return (f"{both()} must not meet: one of them said \"I'd rather not meet\". "
                    "Add a must-meet rule if they should meet after all.")
        case Rule.SAME_ORGANISATION:
            organisation = people[int(v.people[0])].organisation
            return (f"{both()} are both from {organisation}; this event does not match people of "
                    "the same organisation.")
        case Rule.REPEAT_PAIR:
            return f"{both()} already meet in this schedule."
        case Rule.MAX_MEETINGS:
            person = people[int(v.people[0])]
            return f"{person.name} wants at most {person.max_meetings} meetings."
        case Rule.SCORE_ZERO:
            return (f"{both()} have nothing to offer each other (a meeting score of 0); such "
                    "pairs are never planned.")
        case Rule.FIXED_MISSING:
            return f"The meeting of {both()} in round {v.round} is missing."
    return str(v)  # a rule added to the engine later: still said, if plainly


def _history_reason(event: Event, people: Mapping[int, Attendee], a: str, b: str) -> str | None:
    """Why two people are kept apart by the memory across the organiser's events, if they are."""
    from ..history import blocked_reasons

    pair = [people[int(x)] for x in (a, b) if x.isdecimal() and int(x) in people]
    if len(pair) < 2 or (event.history_rule or "off") == "off":
        return None
    return blocked_reasons(event, pair).get(tuple(sorted(p.id for p in pair)))

"""The rulebook: one schedule per rule that breaks exactly that rule, and the exemptions."""

from __future__ import annotations

import itertools

import pytest

from meetmatch.matching import (
    FixedMeeting,
    Participant,
    Problem,
    Rule,
    Violation,
    meeting_violations,
    schedule_violations,
    solve,
)
from meetmatch.matching.rules import Placement, placements, violations_by_meeting

PEOPLE = ("a", "b", "c", "d", "e", "late", "host")
ZERO = {("a", "e")}  # the one pair with mutual score 0


def event(*, rounds=3, tables=4, people=None, **kw) -> Problem:
    """Seven people, every pair but a-e worth 1; ``late`` comes from round 2; ``host``
    keeps table 4. ``people`` overrides attendees' fields: {"a": {"max_meetings": 1}}."""
    base = {"late": {"available_rounds": (2, 3)}, "host": {"host_table": 4}}
    for pid, fields in (people or {}).items():
        base.setdefault(pid, {}).update(fields)
    attendees = tuple(Participant(pid, pid.capitalize(), **base.get(pid, {})) for pid in PEOPLE)
    weights = tuple((x, y, 1.0) for x, y in itertools.combinations(PEOPLE, 2)
                    if (x, y) not in ZERO)
    return Problem(rounds=rounds, attendees=attendees, tables=tables, weights=weights, **kw)


V = Violation
CASES = {
    Rule.UNKNOWN_PERSON: (event(), [(1, "a", "zz", 1)], V(Rule.UNKNOWN_PERSON, ("zz",), 1, 1)),
    Rule.SAME_PERSON: (event(), [(1, "a", "a", 1)], V(Rule.SAME_PERSON, ("a",), 1, 1)),
    Rule.ROUND_OUT_OF_RANGE: (event(), [(4, "a", "b", 1)],
                              V(Rule.ROUND_OUT_OF_RANGE, ("a", "b"), 4, 1, "rounds 1..3")),
    Rule.HELD_ROUND: (event(), [(1, "a", "b", 1)], V(Rule.HELD_ROUND, ("a", "b"), 1, 1)),
    Rule.TABLE_OUT_OF_RANGE: (event(), [(1, "a", "b", 5)],
                              V(Rule.TABLE_OUT_OF_RANGE, ("a", "b"), 1, 5, "tables 1..4")),
    Rule.NOT_AVAILABLE: (event(), [(1, "a", "late", 1)], V(Rule.NOT_AVAILABLE, ("late",), 1, 1)),
    Rule.HOST_TABLE: (event(), [(1, "host", "a", 2)],
                      V(Rule.HOST_TABLE, ("host",), 1, 2, "hosts 4")),
    Rule.HOSTED_TABLE: (event(), [(1, "a", "b", 4)],
                        V(Rule.HOSTED_TABLE, ("a", "b", "host"), 1, 4)),
    Rule.TABLE_TAKEN: (event(), [(1, "a", "b", 1), (1, "c", "d", 1)],
                       V(Rule.TABLE_TAKEN, ("c", "d", "a", "b"), 1, 1)),
    Rule.DOUBLE_BOOKED: (event(), [(1, "a", "b", 1), (1, "a", "c", 2)],
                         V(Rule.DOUBLE_BOOKED, ("a",), 1, 2)),
    Rule.BLOCKED_PAIR: (event(blocked_pairs=(("b", "a"),)), [(1, "a", "b", 1)],
                        V(Rule.BLOCKED_PAIR, ("a", "b"), 1, 1)),
    Rule.AVOIDED_PAIR: (event(wishes=(("b", "a", "avoid"),)), [(1, "a", "b", 1)],
                        V(Rule.AVOIDED_PAIR, ("a", "b"), 1, 1)),
    Rule.SAME_ORGANISATION: (
        event(people={"a": {"organisation": "Acme"}, "b": {"organisation": " ACME "}}),
        [(1, "a", "b", 1)], V(Rule.SAME_ORGANISATION, ("a", "b"), 1, 1)),
    Rule.REPEAT_PAIR: (event(), [(1, "a", "b", 1), (2, "b", "a", 1)],
                       V(Rule.REPEAT_PAIR, ("b", "a"), 2, 1, "also round 1")),
    Rule.MAX_MEETINGS: (event(people={"a": {"max_meetings": 1}}),
                        [(1, "a", "b", 1), (2, "a", "c", 1)],
                        V(Rule.MAX_MEETINGS, ("a",), 2, 1, "max 1")),
    Rule.SCORE_ZERO: (event(), [(1, "a", "e", 1)], V(Rule.SCORE_ZERO, ("a", "e"), 1, 1)),
    Rule.FIXED_MISSING: (event(fixed_meetings=(FixedMeeting("a", "b", 1, 2),)),
                         [(1, "a", "b", 3)], V(Rule.FIXED_MISSING, ("a", "b"), 1, 2)),
    Rule.TRIOS_OFF: (event(), [(1, "a", "b", 1, "c")], V(Rule.TRIOS_OFF, ("a", "b", "c"), 1, 1)),
}


def test_every_rule_has_a_case():
    assert set(CASES) == set(Rule)


@pytest.mark.parametrize("rule", list(CASES), ids=[r.value for r in CASES])
def test_a_schedule_breaking_one_rule_yields_exactly_that_violation(rule):
    problem, schedule, expected = CASES[rule]
    held = [1] if rule is Rule.HELD_ROUND else []
    assert schedule_violations(problem, schedule, held_rounds=held) == [expected]
    # The same schedule without the offending meeting is valid.
    *rest, last = schedule
    if rule is not Rule.FIXED_MISSING:
        assert schedule_violations(problem, rest, held_rounds=held) == []
        assert meeting_violations(problem, rest, last[1], last[2], last[0], last[3],
                                  held_rounds=held, c=last[4] if len(last) > 4 else None
                                  ) == [expected]


def test_a_valid_schedule_has_no_violations():
    schedule = [(1, "a", "b", 1), (1, "c", "d", 2), (1, "host", "e", 4),
                (2, "a", "late", 3), (2, "b", "c", 1), (3, "a", "c", 1), (3, "host", "late", 4)]
    assert schedule_violations(event(), schedule) == []
    assert schedule_violations(event(), [Placement(*m) for m in schedule]) == []


def test_fixed_meetings_are_exempt_from_the_pair_and_availability_rules():
    fixed = (FixedMeeting("a", "e", 1, 4),)  # score 0, blocked, host's table, same org
    problem = event(fixed_meetings=fixed, blocked_pairs=(("a", "e"),),
                    people={"a": {"organisation": "X", "max_meetings": 0},
                            "e": {"organisation": "x", "available_rounds": (2,)}})
    assert schedule_violations(problem, [(1, "a", "e", 4)], held_rounds=[1]) == []
    # ... but not from the rules of the schedule as a whole.
    assert [v.rule for v in schedule_violations(
        problem, [(1, "a", "e", 4), (1, "host", "b", 4), (3, "e", "a", 1)])] == [
        Rule.TABLE_TAKEN, Rule.NOT_AVAILABLE, Rule.BLOCKED_PAIR, Rule.SAME_ORGANISATION,
        Rule.REPEAT_PAIR, Rule.MAX_MEETINGS, Rule.SCORE_ZERO]


def test_meeting_violations_list_people_round_table_then_pair():
    problem = event(people={"a": {"max_meetings": 1}}, blocked_pairs=(("a", "late"),))
    rest = [(2, "a", "b", 1)]
    rules = [v.rule for v in meeting_violations(problem, rest, "a", "late", 1, 1)]
    assert rules == [Rule.NOT_AVAILABLE, Rule.BLOCKED_PAIR, Rule.MAX_MEETINGS]
    rules = [v.rule for v in meeting_violations(problem, rest, "late", "a", 2, 4)]
    assert rules == [Rule.HOSTED_TABLE, Rule.DOUBLE_BOOKED, Rule.BLOCKED_PAIR,
                     Rule.MAX_MEETINGS]


def test_moving_a_meeting_is_checked_against_the_others_only():
    schedule = [(1, "a", "b", 1), (1, "c", "d", 2)]
    # Moving a-b to table 2 clashes with c-d; moving it to round 2 does not.
    assert [v.rule for v in meeting_violations(event(), schedule[1:], "a", "b", 1, 2)] == [
        Rule.TABLE_TAKEN]
    assert meeting_violations(event(), schedule[1:], "a", "b", 2, 2) == []


def test_positions_point_at_the_breaking_meeting():
    schedule = [(1, "a", "b", 1), (2, "c", "d", 1), (2, "a", "b", 2)]
    assert [(k, v.rule) for k, v in violations_by_meeting(event(), schedule)] == [
        (2, Rule.REPEAT_PAIR)]


def test_a_solver_result_is_read_as_placements():
    result = solve(event(), time_limit=5)
    assert len(placements(result)) == sum(len(rr.meetings) for rr in result.rounds) > 0
    assert schedule_violations(event(), result) == []
    assert "repeat_pair: a-b round 2 table 1" in str(
        V(Rule.REPEAT_PAIR, ("a", "b"), 2, 1))


def test_score_model_is_used_when_given():
    class Everything:
        def mutual(self, a, b):
            return 1.0
    assert schedule_violations(event(), [(1, "a", "e", 1)], scores=Everything()) == []

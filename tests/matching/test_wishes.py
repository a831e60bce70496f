"""Attendees' wishes in the engine: avoid is never broken, mutual wishes are requests (met
before one-sided ones), a one-sided wish is a score bonus that never costs fairness, and the
organiser's rules win."""

from __future__ import annotations

import itertools
import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetmatch.matching import (
    Participant,
    Problem,
    ProblemError,
    problem_from_dict,
    result_to_dict,
    schedule_violations,
    solve,
)
from meetmatch.matching.reasons import second_person, third_person
from meetmatch.matching.rules import Rule, meeting_violations
from meetmatch.matching.scoring import score_event

from .conftest import check_report

FAST = dict(time_limit=5, seed=0)


def pairs_in(result) -> set[frozenset[str]]:
    return {frozenset((m.a, m.b)) for rr in result.rounds for m in rr.meetings}


def test_avoid_from_either_side_is_never_scheduled(pair_weights):
    # a-b is by far the best pair; b would rather not meet a.
    p = pair_weights(2, {("a", "b"): 10, ("a", "c"): 1, ("b", "d"): 1, ("c", "d"): 1},
                     wishes=(("b", "a", "avoid"),))
    r = solve(p, **FAST)
    assert frozenset("ab") not in pairs_in(r)
    assert not schedule_violations(p, r)
    check_report(p, r)
    # The rulebook refuses it too (hand edits, rebuilds), naming the rule.
    broken = meeting_violations(p, [], "a", "b", 1, None)
    assert [v.rule for v in broken] == [Rule.AVOIDED_PAIR]


def test_avoid_beats_a_meet_wish_of_the_other_side(pair_weights):
    p = pair_weights(1, {("a", "b"): 5, ("c", "d"): 1, ("a", "c"): 1},
                     wishes=(("a", "b", "meet"), ("b", "a", "avoid")))
    r = solve(p, **FAST)
    assert frozenset("ab") not in pairs_in(r)
    assert r.unmet_requests == []  # an avoided pair is not a request at all


def test_mutual_wish_is_a_request_and_reported_when_impossible(pair_weights):
    # Scores prefer a-c and b-d; a and b both asked to meet each other.
    p = pair_weights(1, {("a", "c"): 10, ("b", "d"): 10, ("a", "b"): 1, ("c", "d"): 1},
                     wishes=(("a", "b", "meet"), ("b", "a", "meet")))
    r = solve(p, **FAST)
    assert frozenset("ab") in pairs_in(r)
    [m] = [m for rr in r.rounds for m in rr.meetings if {m.a, m.b} == {"a", "b"}]
    assert m.explanation.asked == ("a", "b")
    assert "both asked to meet" in m.why
    assert r.wishes == {"mutual": 1, "mutual_met": 1, "one_sided": 0, "one_sided_met": 0}
    # Impossible: no round in common. Reported like an organiser's request.
    attendees = (Participant("a", "A", available_rounds=(1,)),
                 Participant("b", "B", available_rounds=(2,)), Participant("c", "C"))
    p = pair_weights(2, {("a", "b"): 1, ("a", "c"): 1, ("b", "c"): 1}, attendees=attendees,
                     wishes=(("a", "b", "meet"), ("b", "a", "meet")))
    r = solve(p, **FAST)
    [(a, b, why)] = r.unmet_requests
    assert (a, b) == ("a", "b") and "no free round in common" in why
    assert result_to_dict(r)["wishes"]["mutual_met"] == 0


def test_mutual_wishes_are_met_before_one_sided_ones(pair_weights):
    # One round; a can meet b (mutual wish) or c (a one-sided wish of a, a far better score).
    p = pair_weights(1, {("a", "b"): 1, ("a", "c"): 10},
                     wishes=(("a", "b", "meet"), ("b", "a", "meet"), ("a", "c", "meet")))
    r = solve(p, **FAST)
    assert pairs_in(r) == {frozenset("ab")}
    assert r.wishes == {"mutual": 1, "mutual_met": 1, "one_sided": 1, "one_sided_met": 0}


def test_one_sided_wish_is_a_bonus_that_tips_a_close_choice(pair_weights):
    w = {("a", "b"): 1.0, ("c", "d"): 1.0, ("a", "c"): 1.2, ("b", "d"): 0.5}
    without = solve(pair_weights(1, w), **FAST)
    assert pairs_in(without) == {frozenset("ab"), frozenset("cd")}  # 2.0 beats 1.7
    p = pair_weights(1, w, wishes=(("b", "d", "meet"),))  # 1.2 + 0.5 * 2 = 2.2 > 2.0
    r = solve(p, **FAST)
    assert pairs_in(r) == {frozenset("ac"), frozenset("bd")}
    [m] = [m for rr in r.rounds for m in rr.meetings if {m.a, m.b} == {"b", "d"}]
    assert m.score == pytest.approx(0.5)  # the meeting's own score; the bonus only steered
    assert m.explanation.asked == ("b",) and m.why.startswith("b asked to meet d.")
    # Turned off by the setting, the wish counts for nothing.
    from meetmatch.matching import Settings
    off = solve(pair_weights(1, w, wishes=(("b", "d", "meet"),),
                             settings=Settings(wish_bonus=0)), **FAST)
    assert pairs_in(off) == pairs_in(without)


def test_one_sided_wish_never_costs_fairness(pair_weights):
    # Two rounds; everyone's target is 2. d asks for a (huge bonus): still nobody short.
    w = {(x, y): 1.0 for x, y in itertools.combinations("abcd", 2)}
    w[("a", "d")] = 0.1
    from meetmatch.matching import Settings
    p = pair_weights(2, w, wishes=(("d", "a", "meet"),),
                     settings=Settings(wish_bonus=10, min_meetings=2))
    r = solve(p, **FAST)
    assert r.short == []
    # A wish never makes a score-0 pair meet, one-sided or mutual.
    p = pair_weights(1, {("a", "b"): 1}, people=["c"],
                     wishes=(("a", "c", "meet"), ("c", "a", "meet")))
    r = solve(p, **FAST)
    assert pairs_in(r) == {frozenset("ab")}
    assert "mutual score 0" in r.unmet_requests[0][2]


def test_organiser_rules_win_over_wishes(pair_weights):
    # The organiser blocks a mutual wish: never met, not reported as a request.
    p = pair_weights(1, {("a", "b"): 5, ("c", "d"): 1}, blocked_pairs=(("a", "b"),),
                     wishes=(("a", "b", "meet"), ("b", "a", "meet")))
    r = solve(p, **FAST)
    assert frozenset("ab") not in pairs_in(r) and r.unmet_requests == []
    # The organiser requests a pair one side would rather not meet: the organiser wins.
    p = pair_weights(1, {("a", "b"): 1, ("a", "c"): 5, ("b", "d"): 5}, people=["d"],
                     requested_pairs=(("a", "b"),), wishes=(("a", "b", "avoid"),))
    r = solve(p, **FAST)
    assert frozenset("ab") in pairs_in(r)
    assert not schedule_violations(p, r)
    [m] = [m for rr in r.rounds for m in rr.meetings if {m.a, m.b} == {"a", "b"}]
    assert m.why.startswith("The organiser asked")


def test_reasons_tell_a_wish_only_to_those_who_made_it(pair_weights):
    p = pair_weights(1, {("a", "b"): 1}, wishes=(("a", "b", "meet"),))
    [m] = solve(p, **FAST).rounds[0].meetings
    e = m.explanation
    assert second_person(e, "a").startswith("You asked to meet b.")
    assert "asked" not in second_person(e, "b")  # b is not told who asked for them
    assert third_person(e).startswith("a asked to meet b.")
    p = pair_weights(1, {("a", "b"): 1}, wishes=(("a", "b", "meet"), ("b", "a", "meet")))
    [m] = solve(p, **FAST).rounds[0].meetings
    assert second_person(m.explanation, "b").startswith("You both asked to meet.")
    assert second_person(m.explanation, "a", "sv").startswith("Ni bad båda om att träffas.")


@pytest.mark.parametrize("wishes, field, words", [
    ([["a", "b", "maybe"]], "wishes[0]", "kind must be"),
    ([["a", "zz", "meet"]], "wishes[0]", "unknown attendee id 'zz'"),
    ([["a", "a", "meet"]], "wishes[0]", "with itself"),
    ([["a", "b"]], "wishes[0]", "must be a list of 3 items"),
    ([["a", "b", "meet"], ["a", "b", "avoid"]], "wishes[1]", "two wishes about"),
    ("a b meet", "wishes", "must be a list"),
])
def test_json_wishes_are_validated(wishes, field, words):
    data = {"rounds": 1, "attendees": [{"id": "a"}, {"id": "b"}], "wishes": wishes}
    with pytest.raises(ProblemError) as err:
        problem_from_dict(data)
    assert err.value.field == field and words in err.value.message


def test_json_wishes_and_bonus_setting_are_read():
    p = problem_from_dict({"rounds": 1, "attendees": [{"id": 1}, {"id": 2}],
                           "wishes": [[1, 2, "meet"], [2, 1, "avoid"]],
                           "settings": {"wish_bonus": 0.5}})
    assert p.wishes == (("1", "2", "meet"), ("2", "1", "avoid"))
    assert p.wish_bonus == 0.5 and p.hard_blocked_pairs == (("1", "2"),)
    with pytest.raises(ProblemError, match="settings.wish_bonus"):
        problem_from_dict({"rounds": 1, "attendees": [{"id": 1}],
                           "settings": {"wish_bonus": -1}})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_random_wishes_never_break_an_avoid(seed):
    rng = random.Random(seed)
    ids = [f"p{k}" for k in range(8)]
    weights = tuple((a, b, float(rng.randint(1, 9))) for a, b in itertools.combinations(ids, 2)
                    if rng.random() < 0.7)
    wishes = {}
    for _ in range(10):
        a, b = rng.sample(ids, 2)
        wishes[(a, b)] = rng.choice(["meet", "avoid"])
    p = Problem(rounds=3, attendees=tuple(Participant(x, x) for x in ids), weights=weights,
                wishes=tuple((a, b, k) for (a, b), k in wishes.items()))
    r = solve(p, time_limit=2, seed=0)
    avoided = {frozenset(pair) for pair, k in wishes.items() if k == "avoid"}
    assert not pairs_in(r) & avoided
    assert not schedule_violations(p, r)


@pytest.mark.slow
def test_fairness_not_worse_with_wishes_on_a_benchmark_instance():
    """On a generated 120-person event, 40 one-sided wishes, 10 mutual ones and 10 "rather
    not" leave nobody more short of target than without them, every mutual wish is met (or
    reported), and at a higher rate than one-sided ones."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.pop(0)
    event = generate(120, 5, seed=11)
    rng = random.Random(5)
    ids = [a["id"] for a in event["attendees"]]
    base = problem_from_dict(event)
    without = solve(base, time_limit=15, seed=0)
    wishes: dict[tuple[str, str], str] = {}
    # Wishes for pairs the schedule without wishes did not have (among pairs worth something:
    # a score-0 pair never meets), and "rather not" for some it had.
    scores = score_event(base)
    good = [(m.a, m.b) for rr in without.rounds for m in rr.meetings]
    met = {frozenset(p) for p in good}
    worth = [(a, b) for a, b in itertools.combinations(sorted(ids), 2)
             if scores.mutual(a, b) > 0 and frozenset((a, b)) not in met]
    chosen = rng.sample(worth, 50)
    for a, b in chosen[:40]:
        wishes[(a, b)] = "meet"
    for a, b in chosen[40:]:
        wishes[(a, b)] = wishes[(b, a)] = "meet"
    for a, b in rng.sample(good, 10):
        wishes[(a, b)] = "avoid"
    event["wishes"] = [[a, b, k] for (a, b), k in wishes.items()]
    problem = problem_from_dict(event)
    r = solve(problem, time_limit=15, seed=0)
    assert not schedule_violations(problem, r)
    check_report(problem, r)
    assert len(r.short) <= len(without.short)
    avoided = {frozenset(p) for p, k in wishes.items() if k == "avoid"}
    assert not pairs_in(r) & avoided
    w = r.wishes
    assert w["mutual"] > 0 and w["one_sided"] > 0
    unmet = {frozenset((a, b)) for a, b, _ in r.unmet_requests}
    # Every mutual wish is met or reported with its reason.
    assert w["mutual_met"] + len(unmet & problem.wish_pairs.mutual) == w["mutual"]
    assert w["mutual_met"] / w["mutual"] >= w["one_sided_met"] / w["one_sided"]


def test_solve_command_reads_wishes_and_reports_them(tmp_path):
    import json

    from click.testing import CliRunner

    from meetmatch.solve_cli import solve as solve_command

    event = {"rounds": 1, "attendees": [
        {"id": "a", "offers": ["ux"], "needs": ["seed"]},
        {"id": "b", "offers": ["seed"], "needs": ["ux"]},
        {"id": "c", "offers": ["seed"], "needs": ["ux"]}],
        "wishes": [["a", "c", "meet"], ["c", "a", "meet"], ["b", "a", "avoid"]]}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    out = CliRunner().invoke(solve_command, [str(path), "--scorer", "lexical", "--time-limit", "2"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    [meeting] = result["rounds"][0]["meetings"]
    assert {meeting["a"], meeting["b"]} == {"a", "c"}
    assert meeting["why"].startswith("a and c both asked to meet.")
    assert result["wishes"] == {"mutual": 1, "mutual_met": 1, "one_sided": 0, "one_sided_met": 0}
    event["wishes"] = [["a", "c", "love"]]
    path.write_text(json.dumps(event))
    out = CliRunner().invoke(solve_command, [str(path), "--scorer", "lexical"])
    assert out.exit_code == 2 and "wishes[0]" in out.output

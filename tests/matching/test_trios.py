"""Trios instead of sitting out (``settings.allow_trios``): the solver's post-pass, the
rulebook's checks of a table of three, held trios and the JSON formats."""

from __future__ import annotations

import itertools
import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetmatch.matching import (
    FixedMeeting,
    Participant,
    Problem,
    ProblemError,
    Rule,
    Settings,
    meeting_violations,
    problem_from_dict,
    result_to_dict,
    schedule_violations,
    solve,
)
from meetmatch.matching.trios import TRIO_FACTOR
from meetmatch.solve_cli import solve as solve_command


def people(n: int, **fields) -> tuple[Participant, ...]:
    return tuple(Participant(f"p{k}", f"P{k}", **fields.get(f"p{k}", {})) for k in range(n))


def weights(n: int, score=lambda a, b: 1.0):
    ids = [f"p{k}" for k in range(n)]
    return tuple((a, b, score(a, b)) for a, b in itertools.combinations(ids, 2))


def event(n=5, rounds=2, allow=True, score=lambda a, b: 1.0, people_fields=None, **kw):
    return Problem(rounds=rounds, attendees=people(n, **(people_fields or {})),
                   weights=weights(n, score), settings=Settings(allow_trios=allow), **kw)


def pair_schedule(result):
    return [sorted((m.a, m.b) for m in rr.meetings) for rr in result.rounds]


def trios_of(result):
    return [(rr.round, m) for rr in result.rounds for m in rr.meetings if m.c is not None]


def check_bookkeeping(problem, result):
    """Nobody both meets and sits out; short is who has fewer meetings (trios counted once)."""
    count = {p.id: 0 for p in problem.attendees}
    for rr in result.rounds:
        busy = [x for m in rr.meetings for x in m.people]
        assert len(busy) == len(set(busy))
        assert not set(busy) & set(rr.sitting_out)
        for x in busy:
            count[x] += 1
    assert sorted(result.short) == sorted(p for p, k in count.items() if k < result.targets[p])


def no_trio_left(problem, result):
    """Everybody who sits out a round could not have joined any meeting of that round."""
    rows = [(rr.round, *m.people[:2], m.table, m.c) for rr in result.rounds for m in rr.meetings]
    for rr in result.rounds:
        for x in rr.sitting_out:
            for k, row in enumerate(rows):
                r, a, b, table, c = row
                if r != rr.round or c is not None:
                    continue
                rest = rows[:k] + rows[k + 1:]
                assert meeting_violations(problem, rest, a, b, r, table, c=x), (x, row)


def test_off_by_default_nobody_joins_and_the_output_has_no_third_person():
    problem = event(allow=False)
    assert Problem(rounds=2, attendees=people(5), weights=weights(5)).settings.allow_trios is False
    result = solve(problem, time_limit=5)
    assert trios_of(result) == []
    assert [len(rr.sitting_out) for rr in result.rounds] == [1, 1]
    assert all("c" not in m for rr in result_to_dict(result)["rounds"] for m in rr["meetings"])


def test_an_odd_event_seats_the_person_who_would_sit_out():
    off = solve(event(n=7, allow=False), time_limit=5)
    on = solve(event(n=7), time_limit=5)
    # The pairs are chosen exactly as without trios; only the sitters-out are added.
    assert pair_schedule(on) == pair_schedule(off)
    assert all(rr.sitting_out == [] for rr in on.rounds)
    trios = trios_of(on)
    assert len(trios) == 2
    for _, m in trios:
        assert m.score == pytest.approx(TRIO_FACTOR * 3.0)
        assert len(m.trio) == 2 and m.why.count("The organiser rated") == 3
    assert not schedule_violations(event(n=7), on)
    check_bookkeeping(event(n=7), on)
    # Trios are formed after the pair proof: not "optimal", and their value is counted.
    assert on.status == "feasible"
    assert on.objective == pytest.approx(off.objective + 2 * (TRIO_FACTOR * 3.0 - 1.0))
    assert "(2 of three people)" in on.message
    out = result_to_dict(on)
    assert sum("c" in m for rr in out["rounds"] for m in rr["meetings"]) == 2


def test_a_trio_needs_all_three_pairs_positive():
    # p4 scores 0 with everyone but p0: no table can take them.
    def score(a, b):
        return 0.0 if "p4" in (a, b) and "p0" not in (a, b) else 1.0
    problem = event(score=score)
    result = solve(problem, time_limit=5)
    for _, m in trios_of(result):
        assert "p4" not in m.people
    assert any("p4" in rr.sitting_out for rr in result.rounds)
    assert not schedule_violations(problem, result)


def test_trio_pairs_never_meet_again_and_max_meetings_counts_once():
    problem = event(n=5, rounds=4, people_fields={"p0": {"max_meetings": 2}})
    result = solve(problem, time_limit=5)
    met = [frozenset(p) for rr in result.rounds for m in rr.meetings for p in m.pairs]
    assert len(met) == len(set(met))
    assert sum("p0" in m.people for rr in result.rounds for m in rr.meetings) <= 2
    assert not schedule_violations(problem, result)
    check_bookkeeping(problem, result)


def test_hard_rules_hold_for_the_third_person():
    fields = {"p0": {"organisation": "Acme"}, "p1": {"organisation": "acme"},
              "p2": {"available_rounds": (1,)}}
    problem = event(n=5, rounds=2, people_fields=fields, blocked_pairs=(("p3", "p4"),))
    result = solve(problem, time_limit=5)
    assert not schedule_violations(problem, result)
    for _, m in trios_of(result):
        assert {"p0", "p1"} - set(m.people) and {"p3", "p4"} - set(m.people)


def test_a_host_joins_only_at_their_own_table():
    problem = event(n=3, rounds=1, people_fields={"p2": {"host_table": 2}}, tables=2)
    # p0-p1 sit at table 1 (a host table is nobody else's): the host p2 cannot join them ...
    assert [v.rule for v in meeting_violations(problem, [], "p0", "p1", 1, 1, c="p2")] == [
        Rule.HOST_TABLE]
    # ... but anybody may join the host at the host's table.
    assert meeting_violations(problem, [], "p0", "p2", 1, 2, c="p1") == []
    result = solve(problem, time_limit=5)
    assert not schedule_violations(problem, result)
    for _, m in trios_of(result):
        assert m.table == 2


def test_same_input_and_seed_give_the_same_schedule():
    problem = event(n=9, rounds=3, score=lambda a, b: 1.0 + (int(a[1:]) * int(b[1:])) % 4)
    one, two = (result_to_dict(solve(problem, time_limit=5, seed=3)) for _ in range(2))
    one.pop("wall_time"), two.pop("wall_time")
    assert one == two


@st.composite
def odd_events(draw):
    n = draw(st.integers(1, 5)) * 2 + 1
    rounds = draw(st.integers(1, 4))
    ids = [f"p{k}" for k in range(n)]
    given_scores = {pair: draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]))
                    for pair in itertools.combinations(ids, 2)}
    attendees = tuple(Participant(
        x, x.upper(), organisation=draw(st.sampled_from(["", "", "", "Acme"])),
        available_rounds=draw(st.one_of(st.none(), st.sets(st.integers(1, rounds), min_size=1)
                                        .map(lambda s: tuple(sorted(s))))),
        max_meetings=draw(st.one_of(st.none(), st.none(), st.integers(1, rounds))))
        for x in ids)
    return Problem(rounds=rounds, attendees=attendees,
                   tables=draw(st.one_of(st.none(), st.integers(1, n // 2 + 1))),
                   weights=tuple((a, b, s) for (a, b), s in given_scores.items()),
                   settings=Settings(allow_trios=True,
                                     min_meetings=draw(st.one_of(st.none(), st.integers(0, 3)))))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(odd_events())
def test_property_trios_keep_every_rule_and_leave_nobody_out_who_could_join(problem):
    result = solve(problem, time_limit=2)
    assert schedule_violations(problem, result) == []
    check_bookkeeping(problem, result)
    no_trio_left(problem, result)
    scores = {frozenset((a, b)): s for a, b, s in problem.weights}
    for _, m in trios_of(result):
        assert all(scores[frozenset(p)] > 0 for p in m.pairs)
        assert m.score == pytest.approx(TRIO_FACTOR * sum(scores[frozenset(p)] for p in m.pairs),
                                        abs=1e-5)
    off = solve(Problem(rounds=problem.rounds, attendees=problem.attendees,
                        tables=problem.tables, weights=problem.weights,
                        settings=Settings(min_meetings=problem.settings.min_meetings)),
                time_limit=2)
    assert pair_schedule(off) == pair_schedule(result)


# ------------------------------------------------------------------ held trios


def test_a_held_trio_stays_a_trio_and_its_pairs_do_not_meet_again():
    fixed = (FixedMeeting("p0", "p1", 1, 1, c="p2"),)
    for allow in (False, True):  # a held trio is kept even when new ones are off
        problem = event(n=6, rounds=3, allow=allow, fixed_meetings=fixed)
        result = solve(problem, time_limit=5)
        first = [m for m in result.rounds[0].meetings if m.table == 1][0]
        assert (first.a, first.b, first.c, first.fixed) == ("p0", "p1", "p2", True)
        assert "p2" not in result.rounds[0].sitting_out
        assert not schedule_violations(problem, result)
        met = [frozenset(p) for rr in result.rounds for m in rr.meetings for p in m.pairs]
        assert len(met) == len(set(met))
        check_bookkeeping(problem, result)


def test_a_held_trios_third_person_has_the_target_of_anybody_else():
    # The pair solver sees p2 without round 1 and with one max_meeting less; their target
    # is still that of the event as given: min(min_meetings 3, 3 rounds, max_meetings 2).
    same = {"available_rounds": (1, 2, 3), "max_meetings": 2}
    problem = event(n=6, rounds=4, people_fields={"p2": same, "p3": same},
                    fixed_meetings=(FixedMeeting("p0", "p1", 1, 1, c="p2"),))
    result = solve(problem, time_limit=5)
    assert result.targets["p2"] == result.targets["p3"] == 2
    assert result.targets["p0"] == 3
    check_bookkeeping(problem, result)


def test_fixed_trios_are_validated_like_fixed_meetings():
    with pytest.raises(ProblemError) as err:
        event(n=4, fixed_meetings=(FixedMeeting("p0", "p1", 1, 1, c="p0"),))
    assert err.value.field == "fixed_meetings[0].c"
    with pytest.raises(ProblemError) as err:
        event(n=4, fixed_meetings=(FixedMeeting("p0", "p1", 1, 1, c="p2"),
                                   FixedMeeting("p2", "p3", 1, 2)))
    assert "p2" in err.value.message and "two meetings in round 1" in err.value.message


# ------------------------------------------------------------------ the rulebook


def test_rulebook_checks_every_pair_and_person_of_a_trio():
    def score(a, b):
        return 0.0 if {a, b} == {"p1", "p3"} else 1.0
    problem = event(n=5, rounds=3, score=score, tables=3,
                    people_fields={"p4": {"max_meetings": 1, "host_table": 3}},
                    blocked_pairs=(("p0", "p2"),))
    rest = [(1, "p0", "p1", 1), (2, "p3", "p4", 3)]

    def rules(a, b, r, table, c):
        return [(v.rule, v.people) for v in meeting_violations(problem, rest, a, b, r, table,
                                                                c=c)]
    R = Rule
    assert rules("p1", "p2", 2, 1, "p4") == [(R.HOST_TABLE, ("p4",)), (R.DOUBLE_BOOKED, ("p4",)),
                                             (R.MAX_MEETINGS, ("p4",))]
    assert rules("p0", "p1", 2, 2, "p3") == [(R.DOUBLE_BOOKED, ("p3",)),
                                             (R.REPEAT_PAIR, ("p0", "p1")),
                                             (R.SCORE_ZERO, ("p1", "p3"))]
    assert rules("p2", "p1", 3, 1, "p0") == [(R.BLOCKED_PAIR, ("p2", "p0")),
                                             (R.REPEAT_PAIR, ("p1", "p0"))]
    assert rules("p2", "p3", 3, 3, "p4") == [(R.REPEAT_PAIR, ("p3", "p4")),
                                             (R.MAX_MEETINGS, ("p4",))]
    assert rules("p1", "p2", 3, 1, "p1") == [(R.SAME_PERSON, ("p1",))]
    # A valid trio, and the same one while trios are off.
    on = event(n=5, rounds=3, score=score, tables=3)
    assert meeting_violations(on, rest, "p2", "p3", 3, 2, c="p0") == []
    off = event(n=5, rounds=3, allow=False, score=score, tables=3)
    assert [v.rule for v in meeting_violations(off, rest, "p2", "p3", 3, 2, c="p0")] == [
        Rule.TRIOS_OFF]


def test_rulebook_counts_a_trio_once_per_person_and_keeps_fixed_trios_whole():
    problem = event(n=4, rounds=2, people_fields={"p2": {"max_meetings": 2}})
    assert schedule_violations(problem, [(1, "p0", "p1", 1, "p2"), (2, "p2", "p3", 1)]) == []
    fixed = event(n=4, rounds=2, fixed_meetings=(FixedMeeting("p0", "p1", 1, 1, c="p2"),))
    assert schedule_violations(fixed, [(1, "p0", "p1", 1, "p2")]) == []
    missing = schedule_violations(fixed, [(1, "p0", "p1", 1)])
    assert [(v.rule, v.people) for v in missing] == [(Rule.FIXED_MISSING, ("p0", "p1", "p2"))]


# ------------------------------------------------------------------ JSON in and out


def test_json_input_takes_allow_trios_and_fixed_trios():
    data = {"rounds": 2, "attendees": [{"id": k} for k in "abcde"],
            "settings": {"allow_trios": True},
            "fixed_meetings": [{"a": "a", "b": "b", "c": "c", "round": 1}]}
    problem = problem_from_dict(data)
    assert problem.settings.allow_trios and problem.fixed_meetings[0].c == "c"
    data["settings"]["allow_trios"] = "yes"
    with pytest.raises(ProblemError) as err:
        problem_from_dict(data)
    assert err.value.field == "settings.allow_trios"


def test_meetmatch_solve_prints_the_third_person(tmp_path):
    data = {"rounds": 2, "attendees": [{"id": f"p{k}"} for k in range(7)],
            "settings": {"allow_trios": True},
            "weights": [[a, b, 1.0] for a, b in itertools.combinations(
                [f"p{k}" for k in range(7)], 2)]}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(data))
    out = CliRunner().invoke(solve_command, [str(path), "--time-limit", "5",
                                             "-o", str(tmp_path / "out.json")])
    assert out.exit_code == 0, out.output
    rounds = json.loads((tmp_path / "out.json").read_text())["rounds"]
    assert [rr["sitting_out"] for rr in rounds] == [[], []]
    trios = [m for rr in rounds for m in rr["meetings"] if "c" in m]
    assert len(trios) == 2 and all(m["score"] == 1.5 for m in trios)

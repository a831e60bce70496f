"""Compact days: fewer idle gaps with the same meetings, windows honoured, off by default."""

from __future__ import annotations

import itertools
import json
import sys
import time
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetmatch.matching import (
    FixedMeeting,
    Participant,
    Problem,
    ProblemError,
    Settings,
    problem_from_dict,
    result_to_dict,
    schedule_violations,
    solve,
)
from meetmatch.matching.compact import (
    compact_schedule,
    person_gaps,
    result_gaps,
    schedule_gaps,
)
from meetmatch.matching.instance import build_instance
from meetmatch.matching.scoring import score_event

from .conftest import check_report
from .test_properties import events

FAST = {"time_limit": 5.0}


def meetings_of(result) -> set[tuple[int, frozenset[str]]]:
    return {(rr.round, frozenset((m.a, m.b))) for rr in result.rounds for m in rr.meetings}


def pairs_of(result) -> list[frozenset[str]]:
    return sorted((frozenset((m.a, m.b)) for rr in result.rounds for m in rr.meetings),
                  key=sorted)


def rounds_of(result, person: str) -> list[int]:
    return [rr.round for rr in result.rounds for m in rr.meetings if person in (m.a, m.b)]


def instance_and_schedule(problem: Problem, meetings: dict[tuple[str, str], int]):
    """The solver's instance of ``problem`` and a hand-made schedule of it."""
    inst = build_instance(problem, score_event(problem))
    index = {x: k for k, x in enumerate(inst.ids)}
    assign = {inst.edge_index[tuple(sorted((index[a], index[b])))]: r
              for (a, b), r in meetings.items()}
    return inst, assign


def people(*ids: str, **available) -> tuple[Participant, ...]:
    return tuple(Participant(id=x, name=x, available_rounds=available.get(x)) for x in ids)


# ------------------------------------------------------------------ gap counting


def test_a_gap_is_an_attended_round_between_the_first_and_last_meeting():
    assert person_gaps([1, 4], None) == 2
    assert person_gaps([4, 1, 2], None) == 1
    assert person_gaps([3], None) == 0 and person_gaps([], None) == 0
    # Away in rounds 2 and 3 (e.g. lunch): not idle.
    assert person_gaps([1, 4], (1, 4, 5)) == 0
    assert person_gaps([1, 5], (1, 3, 4, 5)) == 2


# ------------------------------------------------------------------ the pure compaction


def test_compaction_reaches_the_proven_optimum_with_the_same_meetings():
    # x meets a (there only in round 1), b (only in round 4) and c (all day). Rounds 2 and 3
    # lie between x's first and last meeting whatever happens; only c can fill one of them,
    # so the fewest gaps is 1. a and b have one meeting each, c two (with x and d).
    problem = Problem(
        rounds=4, attendees=people("a", "b", "c", "d", "x", a=(1,), b=(4,)),
        weights=(("x", "a", 1.0), ("x", "b", 1.0), ("x", "c", 1.0), ("c", "d", 1.0)),
        settings=Settings(min_meetings=0))
    inst, assign = instance_and_schedule(
        problem, {("x", "a"): 1, ("x", "b"): 4, ("x", "c"): 3, ("c", "d"): 1})
    assert schedule_gaps(inst, assign) == 1 + 1  # x idle in 2, c idle in 2
    out = compact_schedule(inst, assign, deadline=time.monotonic() + 5)
    assert sorted(out) == sorted(assign)  # the same meetings
    assert schedule_gaps(inst, out) == 1
    ids = inst.ids
    by_pair = {frozenset((ids[inst.edges[e][0]], ids[inst.edges[e][1]])): r
               for e, r in out.items()}
    assert by_pair[frozenset("xa")] == 1 and by_pair[frozenset("xb")] == 4
    assert by_pair[frozenset("xc")] in (2, 3)
    assert abs(by_pair[frozenset("cd")] - by_pair[frozenset("xc")]) == 1  # c without a gap


def test_whole_rounds_swap_to_close_the_gaps():
    # Everybody attends everything; x and y meet in round 1 and again... with each other's
    # partners in round 5: swapping rounds closes both gaps (optimum 0).
    problem = Problem(rounds=5, attendees=people("x", "y", "z", "w"),
                      weights=(("x", "y", 1.0), ("z", "w", 1.0), ("x", "z", 1.0),
                               ("y", "w", 1.0)),
                      settings=Settings(min_meetings=0))
    inst, assign = instance_and_schedule(
        problem, {("x", "y"): 1, ("z", "w"): 1, ("x", "z"): 5, ("y", "w"): 5})
    assert schedule_gaps(inst, assign) == 4 * 3
    out = compact_schedule(inst, assign, deadline=time.monotonic() + 5)
    assert sorted(out) == sorted(assign)
    assert schedule_gaps(inst, out) == 0


def test_fixed_meetings_never_move_and_tables_still_suffice():
    # One table in every round; a and b met in round 1 (held, fixed). c and d have a gap.
    problem = Problem(rounds=4, attendees=people("a", "b", "c", "d"), tables=1,
                      weights=tuple((x, y, 1.0) for x, y in itertools.combinations("abcd", 2)),
                      fixed_meetings=(FixedMeeting("a", "b", 1),),
                      settings=Settings(min_meetings=0))
    inst, assign = instance_and_schedule(problem, {("c", "d"): 2, ("a", "c"): 4})
    out = compact_schedule(inst, assign, deadline=time.monotonic() + 5)
    assert sorted(out) == sorted(assign)
    assert len(set(out.values())) == len(out)  # one table: never two meetings in a round
    assert 1 not in out.values()  # round 1 is the fixed meeting's
    assert schedule_gaps(inst, out) == 0  # a: 1, 2 (with c); c: 2, 3 or so


def test_a_shared_host_table_still_holds_one_meeting_per_round():
    # h1 and h2 both host table 1. h1 idles in round 2, where h2 holds the table: closing
    # the gap means moving h2's meeting too.
    attendees = (Participant(id="h1", name="h1", host_table=1),
                 Participant(id="h2", name="h2", host_table=1), *people("a", "b", "c"))
    problem = Problem(rounds=3, attendees=attendees, tables=2,
                      weights=(("h1", "a", 1.0), ("h1", "b", 1.0), ("h2", "c", 1.0)),
                      settings=Settings(min_meetings=0))
    inst, assign = instance_and_schedule(problem, {("h1", "a"): 1, ("h1", "b"): 3,
                                                   ("h2", "c"): 2})
    out = compact_schedule(inst, assign, deadline=time.monotonic() + 5)
    assert sorted(out) == sorted(assign) and schedule_gaps(inst, out) == 0
    assert sorted(out.values()) == [1, 2, 3]  # table 1 once per round


def test_compaction_respects_its_deadline_and_never_adds_gaps():
    problem = generated(300, 8, seed=3)
    result = solve(problem, time_limit=8.0)
    inst = build_instance(problem, score_event(problem), keep=len(problem.attendees))
    index = {x: k for k, x in enumerate(inst.ids)}
    assign = {inst.edge_index[tuple(sorted((index[m.a], index[m.b])))]: rr.round
              for rr in result.rounds for m in rr.meetings if not m.fixed}
    began = time.monotonic()
    out = compact_schedule(inst, assign, deadline=began + 0.5)
    assert time.monotonic() - began < 0.5 + 1.0  # one CP-SAT step may finish its last bit
    assert sorted(out) == sorted(assign)
    assert schedule_gaps(inst, out) <= schedule_gaps(inst, assign)


# ------------------------------------------------------------------ through solve()


def generated(n: int, rounds: int, seed: int) -> Problem:
    """A realistic event of the benchmark's generator (part-day attendees, hosts)."""
    sys.path.insert(0, "bench")
    from generate import generate

    return problem_from_dict(generate(n, rounds, seed=seed))


@pytest.fixture
def spread_event():
    """30 people in 6 rounds; many have fewer good partners than rounds, and the colouring
    spreads their meetings out (14 idle gaps)."""
    return generated(30, 6, seed=1)


def test_compact_keeps_the_priorities_and_lowers_the_gaps(spread_event):
    off = solve(spread_event, **FAST)
    on = solve(replace(spread_event, settings=Settings(compact=True)), **FAST)
    assert on.objective == pytest.approx(off.objective)
    assert (on.short, on.unmet_requests) == (off.short, off.unmet_requests)
    assert pairs_of(on) == pairs_of(off)
    assert off.idle_gaps >= 10
    assert on.idle_gaps <= 2  # 0 on a quiet machine (proven by the exact model)
    assert on.idle_gaps == result_gaps(on.rounds)
    assert not schedule_violations(spread_event, on)
    check_report(spread_event, on)


def test_off_by_default_leaves_the_schedule_untouched(spread_event, monkeypatch):
    assert Settings().compact is False
    default = solve(spread_event, **FAST)
    explicit = solve(replace(spread_event, settings=Settings(compact=False)), **FAST)
    assert meetings_of(default) == meetings_of(explicit)
    # Without the setting the compaction is never called: the colouring's rounds stay.
    solve_module = sys.modules["meetmatch.matching.solve"]

    def refuse(*_args, **_kwargs):  # pragma: no cover - failing is the point
        raise AssertionError("compacted without the setting")

    monkeypatch.setattr(solve_module, "compact_schedule", refuse)
    assert meetings_of(solve(spread_event, **FAST)) == meetings_of(default)
    # The gaps are reported either way.
    assert default.idle_gaps == result_gaps(default.rounds) > 0
    assert f"{default.idle_gaps} idle gaps" in default.message


def test_same_input_and_seed_give_the_same_compact_schedule(spread_event):
    problem = replace(spread_event, settings=Settings(compact=True))
    first, second = solve(problem, **FAST, seed=4), solve(problem, **FAST, seed=4)
    assert meetings_of(first) == meetings_of(second)


def test_a_compaction_that_uses_its_whole_budget_is_reproducible():
    # 100 x 8 with people who want few meetings: the exact steps do not finish before their
    # budget, which is counted in CP-SAT's deterministic time, not the wall clock.
    problem = generated(100, 8, seed=1)
    problem = replace(problem, settings=replace(problem.settings, compact=True), attendees=tuple(
        replace(p, max_meetings=3) if k % 3 == 0 else p for k, p in enumerate(problem.attendees)))
    first, second = solve(problem, time_limit=10.0), solve(problem, time_limit=10.0)
    assert meetings_of(first) == meetings_of(second)
    assert first.idle_gaps == second.idle_gaps


def test_arrive_late_and_leave_early_windows_are_honoured_and_contiguous():
    # 8 rounds. Late arrives for round 4, Early leaves after round 5; each has three people
    # to meet who are there all day and busy with each other otherwise.
    raw = {
        "rounds": 8,
        "settings": {"compact": True, "min_meetings": 0},
        "attendees": [{"id": "late", "first_round": 4}, {"id": "early", "last_round": 5},
                      *({"id": x} for x in "abcdef")],
        "weights": [["late", x, 3] for x in "abc"] + [["early", x, 3] for x in "def"]
        + [[x, y, 1] for x, y in itertools.combinations("abcdef", 2)],
    }
    problem = problem_from_dict(raw)
    window = {p.id: p.available_rounds for p in problem.attendees}
    assert window["late"] == (4, 5, 6, 7, 8) and window["early"] == (1, 2, 3, 4, 5)
    result = solve(problem, **FAST)
    assert not schedule_violations(problem, result)
    for person, (lo, hi) in (("late", (4, 8)), ("early", (1, 5))):
        rounds = sorted(rounds_of(result, person))
        assert len(rounds) == 3
        assert lo <= rounds[0] and rounds[-1] <= hi
        assert rounds == list(range(rounds[0], rounds[0] + 3))  # side by side
    out = json.loads(json.dumps(result_to_dict(result)))
    assert out["idle_gaps"] == result.idle_gaps == result_gaps(result.rounds)


def test_spread_meetings_inside_a_window_are_drawn_together():
    problem = problem_from_dict({
        "rounds": 8, "settings": {"min_meetings": 0},
        "attendees": [{"id": "late", "first_round": 4}, {"id": "early", "last_round": 5},
                      *({"id": x} for x in "abcdef")],
        "weights": [["late", x, 3] for x in "abc"] + [["early", x, 3] for x in "def"]})
    inst, assign = instance_and_schedule(problem, {
        ("late", "a"): 4, ("late", "b"): 6, ("late", "c"): 8,
        ("early", "d"): 1, ("early", "e"): 3, ("early", "f"): 5})
    assert schedule_gaps(inst, assign) == 4
    out = compact_schedule(inst, assign, deadline=time.monotonic() + 5)
    assert sorted(out) == sorted(assign) and schedule_gaps(inst, out) == 0
    for person, window in (("late", range(4, 9)), ("early", range(1, 6))):
        k = inst.ids.index(person)
        rounds = sorted(r for e, r in out.items() if k in inst.edges[e])
        assert set(rounds) <= set(window)
        assert rounds == list(range(rounds[0], rounds[0] + 3))


def test_the_window_and_the_setting_are_validated():
    base = {"rounds": 4, "attendees": [{"id": "a"}, {"id": "b"}]}
    with pytest.raises(ProblemError, match=r"^settings.compact: must be true or false"):
        problem_from_dict({**base, "settings": {"compact": "yes"}})
    for attendee, message in (
            ({"id": "a", "first_round": 5}, r"attendees\[0\].first_round: must be a round in 1..4"),
            ({"id": "a", "last_round": 0}, r"attendees\[0\].last_round: must be a round in 1..4"),
            ({"id": "a", "first_round": 3, "last_round": 2},
             r"attendees\[0\].last_round: is before first_round \(3\)"),
            ({"id": "a", "first_round": "2"}, r"attendees\[0\].first_round: must be a round")):
        with pytest.raises(ProblemError, match=message):
            problem_from_dict({**base, "attendees": [attendee, {"id": "b"}]})
    # The window narrows the rounds they ticked.
    p = problem_from_dict({**base, "attendees": [
        {"id": "a", "available_rounds": [1, 2, 4], "first_round": 2}, {"id": "b"}]})
    assert p.attendees[0].available_rounds == (2, 4)
    assert problem_from_dict({**base, "settings": {"compact": True}}).settings.compact is True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events(), st.integers(0, 3))
def test_compact_never_changes_the_pairs_or_score_nor_adds_gaps(problem, seed):
    off = solve(problem, time_limit=2.0, seed=seed)
    on = solve(replace(problem, settings=replace(problem.settings, compact=True)),
               time_limit=2.0, seed=seed)
    if off.status == "infeasible":
        assert on.status == "infeasible"
        return
    assert on.objective == pytest.approx(off.objective)
    assert len(on.short) == len(off.short) and on.unmet_requests == off.unmet_requests
    assert on.idle_gaps <= off.idle_gaps
    assert not schedule_violations(problem, on)
    check_report(problem, on)
    # The fixed meetings stay where they were.
    fixed = {(f.round, frozenset((f.a, f.b))) for f in problem.fixed_meetings}
    assert fixed <= meetings_of(on)


def test_meetmatch_solve_reports_the_gaps_with_and_without_the_setting(tmp_path):
    from click.testing import CliRunner

    from meetmatch.solve_cli import solve as solve_command

    event = {
        "rounds": 5, "settings": {"min_meetings": 0},
        "attendees": [{"id": x} for x in "xabc"] + [{"id": "a2", "available_rounds": [1]},
                                                     {"id": "b2", "available_rounds": [5]}],
        # x must meet a2 in round 1 and b2 in round 5: three rounds lie between, c fills one.
        "weights": [["x", "a2", 2], ["x", "b2", 2], ["x", "c", 1]],
    }
    gaps = {}
    for compact in (False, True):
        event["settings"]["compact"] = compact
        path = tmp_path / f"event-{compact}.json"
        path.write_text(json.dumps(event), encoding="utf-8")
        run = CliRunner().invoke(solve_command, [str(path), "--time-limit", "5",
                                                 "--scorer", "lexical"])
        assert run.exit_code == 0, run.stderr
        out = json.loads(run.stdout)
        gaps[compact] = out["idle_gaps"]
        assert f"{out['idle_gaps']} idle gaps" in run.stderr
    assert gaps[True] == 2 <= gaps[False]  # x idles in two of rounds 2-4 at best

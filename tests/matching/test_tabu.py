"""The tabu search places chosen pairs that greedy placement and Kempe swaps leave over."""

from __future__ import annotations

import itertools
import random
import sys
from pathlib import Path

import pytest

from meetmatch.matching import Participant, Problem, Settings, problem_from_dict, score_event
from meetmatch.matching.bounds import lp_bound
from meetmatch.matching.colouring import RoundState, _greedy
from meetmatch.matching.instance import Instance, build_instance
from meetmatch.matching.tabu import tabu_place

from .test_colouring import regular_bipartite


def instance(people, weights, rounds: int) -> Instance:
    problem = Problem(rounds=rounds, attendees=tuple(people), weights=tuple(weights),
                      settings=Settings(min_meetings=0))
    return build_instance(problem, score_event(problem))


def assert_proper(inst: Instance, state: RoundState) -> None:
    """One meeting a person a round, only in rounds both attend, tables within limits."""
    seen = set()
    free_used = dict.fromkeys(range(1, inst.rounds + 1), 0)
    host_used = set()
    for e, r in state.assign.items():
        assert r in inst.edge_rounds[e]
        for person in inst.edges[e]:
            assert (person, r) not in seen
            seen.add((person, r))
        t = inst.edge_table[e]
        if t is None:
            free_used[r] += 1
        else:
            assert (t, r) not in host_used
            host_used.add((t, r))
    assert all(free_used[r] <= inst.free_cap[r] for r in free_used)


@pytest.mark.parametrize("n", [12, 20, 28, 40, 60])
def test_round_robins_that_kempe_swaps_leave_incomplete_come_out_complete(n):
    """Greedy placement plus Kempe swaps leave 1-7 of a complete round robin's pairs over
    (a chain that closes on itself); the tabu search places every one of them."""
    ids = [f"q{k:02d}" for k in range(n)]
    inst = instance((Participant(i, i) for i in ids),
                    ((a, b, 1.0) for a, b in itertools.combinations(ids, 2)), n - 1)
    state = RoundState(inst, {})
    pairs = list(range(len(inst.edges)))
    _greedy(inst, state, pairs)
    left = [e for e in pairs if e not in state.assign and not state.place(e)]
    assert left  # the heuristics before it really leave pairs here
    assert tabu_place(inst, state, left, seed=0) == []
    assert len(state.assign) == n * (n - 1) // 2
    assert_proper(inst, state)


@pytest.mark.parametrize(("m", "d", "seed"), [(40, 6, 1), (60, 8, 3), (80, 8, 5)])
def test_tabu_alone_colours_a_regular_bipartite_event(m, d, seed):
    """A d-regular bipartite graph has a d-colouring (König); what first-fit leaves over,
    the tabu search places without any Kempe swap."""
    edges = regular_bipartite(m, d, random.Random(seed))
    people = [Participant(f"{side}{k:02d}", f"{side}{k}") for side in "lr" for k in range(m)]
    inst = instance(people, ((f"l{i:02d}", f"r{j:02d}", 1.0 + (i * j) % 3)
                             for i, j in sorted(edges)), d)
    state = RoundState(inst, {})
    _greedy(inst, state, list(range(len(inst.edges))))
    left = [e for e in range(len(inst.edges)) if e not in state.assign]
    assert left
    assert tabu_place(inst, state, left, seed=seed) == []
    assert len(state.assign) == m * d
    assert_proper(inst, state)


def generated(n: int, rounds: int) -> Instance:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.pop(0)
    event = generate(n, rounds, seed=2, tables=True, topics_only=True)
    event["tables"] = n // 3  # fewer tables than meetings a round: the table rule binds
    problem = problem_from_dict(event)
    return build_instance(problem, score_event(problem))


def test_on_a_real_event_it_keeps_every_rule_never_loses_and_repeats_itself():
    """Part-day attendees, host tables and too few free tables: the colouring stays proper,
    places at least as much as it started with, and the same seed gives the same rounds."""
    inst = generated(400, 6)
    lp = lp_bound(inst)
    pairs = [e for e in range(len(inst.edges)) if lp.x[e] > 0.5]

    def run(seed: int) -> tuple[dict[int, int], list[int], list[int]]:
        state = RoundState(inst, {})
        _greedy(inst, state, pairs)
        left = [e for e in pairs if e not in state.assign]
        return state.assign, left, tabu_place(inst, state, left, seed=seed)

    first_state = RoundState(inst, {})
    _greedy(inst, first_state, pairs)
    before = len(first_state.assign)
    assign, left, still = run(7)
    assert left and len(still) < len(left)
    assert len(assign) == before + len(left) - len(still)
    assert_proper(inst, RoundState(inst, assign))
    again, _, still_again = run(7)
    assert again == assign and still_again == still

"""Colouring chosen pairs into rounds loses none when a colouring exists."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetmatch.matching import Participant, Problem, schedule_violations, solve

from .conftest import check_report


def round_robin(n: int, rounds: int) -> Problem:
    ids = [f"q{k:02d}" for k in range(n)]
    return Problem(rounds=rounds, attendees=tuple(Participant(i, i) for i in ids),
                   weights=tuple((a, b, 1.0) for a, b in itertools.combinations(ids, 2)))


def sizes(numbers, fast_up_to: int = 30):
    return [pytest.param(n, marks=[pytest.mark.slow] if n > fast_up_to else []) for n in numbers]


@pytest.mark.parametrize("n", sizes(range(4, 65, 2)))
def test_even_complete_round_robin_meets_everyone(n):
    """n - 1 rounds hold every pair exactly (40 once came out 778 of 780)."""
    problem = round_robin(n, n - 1)
    result = solve(problem, time_limit=30)
    assert sum(len(rr.meetings) for rr in result.rounds) == n * (n - 1) // 2
    assert all(rr.sitting_out == [] for rr in result.rounds)
    assert result.status == "optimal"
    assert not schedule_violations(problem, result)


@pytest.mark.parametrize("n", sizes(range(5, 64, 2)))
def test_odd_complete_round_robin_everybody_sits_out_once(n):
    problem = round_robin(n, n)
    result = solve(problem, time_limit=30)
    assert sum(len(rr.meetings) for rr in result.rounds) == n * (n - 1) // 2
    assert sorted(x for rr in result.rounds for x in rr.sitting_out) == sorted(
        p.id for p in problem.attendees)
    assert result.status == "optimal"
    assert not schedule_violations(problem, result)


def regular_bipartite(m: int, d: int, rng: random.Random) -> set[tuple[int, int]]:
    """A random simple d-regular bipartite graph on m + m vertices (a circulant, shuffled
    by degree-preserving swaps)."""
    edges = {(i, (i + k) % m) for i in range(m) for k in range(d)}
    for _ in range(4 * m * d):
        (a, b), (c, e) = rng.sample(sorted(edges), 2)
        if a != c and b != e and (a, e) not in edges and (c, b) not in edges:
            edges -= {(a, b), (c, e)}
            edges |= {(a, e), (c, b)}
    return edges


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(m=st.integers(2, 14), d=st.integers(1, 7), rng=st.randoms(use_true_random=False),
       weight=st.sampled_from([1.0, 2.5]))
def test_a_colourable_regular_bipartite_event_schedules_every_pair(m, d, rng, weight):
    """A d-regular bipartite graph always has a d-edge-colouring (König), so with d rounds
    every one of its pairs must meet."""
    d = min(d, m)
    edges = regular_bipartite(m, d, rng)
    people = tuple(Participant(f"{side}{k:02d}", f"{side}{k}") for side in "lr"
                   for k in range(m))
    weights = tuple((f"l{i:02d}", f"r{j:02d}", weight + (i * j) % 3) for i, j in sorted(edges))
    problem = Problem(rounds=d, attendees=people, weights=weights)
    result = solve(problem, time_limit=20)
    met = {frozenset((mt.a, mt.b)) for rr in result.rounds for mt in rr.meetings}
    assert met == {frozenset(w[:2]) for w in weights}
    assert not schedule_violations(problem, result)
    check_report(problem, result)

"""The LP upper bound: honest over every allowed pair and free of side effects."""

from __future__ import annotations

import itertools

from meetmatch.matching import Participant, Problem, Settings, score_event, solve
from meetmatch.matching.bounds import lp_bound
from meetmatch.matching.instance import add_candidates, build_instance


def uniform(n: int, rounds: int) -> Problem:
    ids = [f"p{k:02d}" for k in range(n)]
    weights = tuple((a, b, 1.0 + (int(a[1:]) * int(b[1:])) % 7 / 10)
                    for a, b in itertools.combinations(ids, 2))
    return Problem(rounds=rounds, attendees=tuple(Participant(i, i) for i in ids),
                   weights=weights, settings=Settings(min_meetings=0))


def test_lp_bound_reads_the_instance_and_leaves_adding_pairs_to_the_caller():
    problem = uniform(12, 3)
    inst = build_instance(problem, score_event(problem), keep=2)  # prune hard
    assert inst.pruned
    edges = list(inst.edges)
    lp = lp_bound(inst)
    assert inst.edges == edges  # no hidden change of the candidates
    assert lp.underpriced and not {(i, j) for i, j, _ in lp.underpriced} & set(edges)
    add_candidates(inst, lp.underpriced)
    assert len(inst.edges) == len(edges) + len(lp.underpriced)
    tighter = lp_bound(inst)
    assert tighter.bound <= lp.bound + 1e-9
    assert tighter.bound >= solve(problem, time_limit=5).objective - 1e-6

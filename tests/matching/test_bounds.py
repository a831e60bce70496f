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


def test_fitted_bound_covers_every_pair_and_beats_paying_for_each_pruned_pair():
    """Raising the prices of people with many underpriced pruned pairs gives a valid bound
    (at least the LP over every allowed pair) that is tighter than paying for each pair."""
    import numpy as np

    from meetmatch.matching.bounds import fitted_bound, round_capacity

    problem = uniform(40, 4)
    scores = score_event(problem)
    full = lp_bound(build_instance(problem, scores, keep=39))  # no pruning: the exact LP
    inst = build_instance(problem, scores, keep=3)
    assert inst.pruned
    lp = lp_bound(inst)
    assert lp.underpriced
    ends = np.array(inst.edges)
    z = np.maximum(0.0, inst.edge_score - lp.y[ends[:, 0]] - lp.y[ends[:, 1]] - lp.w)
    per_pair = float(inst.cap @ lp.y + lp.w * round_capacity(inst) + z.sum()
                     + sum(s - lp.y[i] - lp.y[j] - lp.w for i, j, s in lp.underpriced))
    fitted = fitted_bound(inst, lp.y, lp.w, lp.underpriced)
    assert full.bound - 1e-6 <= fitted < per_pair - 1.0
    assert full.bound - 1e-6 <= lp.bound <= fitted + 1e-6


def test_most_underpriced_keeps_each_persons_worst_priced_pairs():
    problem = uniform(30, 3)
    inst = build_instance(problem, score_event(problem), keep=2)
    lp = lp_bound(inst)
    chosen = lp.most_underpriced(2)
    assert 0 < len(chosen) < len(lp.underpriced)

    def excess(p):
        i, j, s = p
        return s - lp.y[i] - lp.y[j] - lp.w

    for person in range(inst.n):
        mine = sorted((p for p in lp.underpriced if person in p[:2]), key=excess, reverse=True)
        # Each person's two most underpriced pairs are in (ties aside).
        for p in mine[:2]:
            assert p in chosen or any(abs(excess(q) - excess(p)) < 1e-12 for q in chosen
                                      if person in q[:2])
    # Nothing is chosen that is not among the top two of one of its people.
    for p in chosen:
        ranks = []
        for person in p[:2]:
            mine = sorted((excess(q) for q in lp.underpriced if person in q[:2]), reverse=True)
            ranks.append(sum(1 for v in mine if v > excess(p) + 1e-12))
        assert min(ranks) < 2


def test_a_pruned_events_bound_is_the_lp_over_every_pair():
    """Column generation and the fitted prices: the bound a pruned event reports covers every
    allowed pair (never below the exact LP) and is no looser than 0.1% above it."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.pop(0)
    from meetmatch.matching import problem_from_dict

    problem = problem_from_dict(generate(300, 6, seed=4, topics_only=True))
    scores = score_event(problem)
    assert build_instance(problem, scores).pruned
    exact = lp_bound(build_instance(problem, scores, keep=299)).bound  # every pair a candidate
    result = solve(problem, time_limit=20, scores=scores)
    assert exact - 1e-6 <= result.upper_bound <= exact * 1.001
    assert result.objective <= result.upper_bound

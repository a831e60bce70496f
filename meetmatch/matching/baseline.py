"""Round-by-round schedules: maximum-weight matching per round (blossom, rustworkx), the
warm start and the benchmark's baseline, and the naive random pairing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable

import numpy as np
import rustworkx as rx

from .instance import Instance
from .schedule import Schedule


class _State:
    """Who is busy when, and what is used, while a schedule is built round by round."""

    def __init__(self, inst: Instance, start: Schedule | None = None):
        self.inst = inst
        self.deg = np.zeros(inst.n, dtype=int)
        self.busy = [set() for _ in range(inst.n)]
        self.host_used: set[tuple[int, int]] = set(inst.host_busy)
        self.free_used = {r: 0 for r in range(1, inst.rounds + 1)}
        self.assign: Schedule = {}
        for e, r in sorted((start or {}).items()):
            self.add(e, r)

    def can(self, e: int, r: int) -> bool:
        inst = self.inst
        i, j = inst.edges[e]
        t = inst.edge_table[e]
        return (e not in self.assign and r in inst.edge_rounds[e]
                and r not in self.busy[i] and r not in self.busy[j]
                and self.deg[i] < inst.cap[i] and self.deg[j] < inst.cap[j]
                and (t is None and self.free_used[r] < inst.free_cap[r]
                     or t is not None and (t, r) not in self.host_used))

    def add(self, e: int, r: int) -> None:
        i, j = self.inst.edges[e]
        t = self.inst.edge_table[e]
        self.assign[e] = r
        self.deg[i] += 1
        self.deg[j] += 1
        self.busy[i].add(r)
        self.busy[j].add(r)
        if t is None:
            self.free_used[r] += 1
        else:
            self.host_used.add((t, r))

    def open_after(self, i: int, r: int) -> int:
        """Free rounds of i from round r on that are not yet taken."""
        return sum(1 for q in self.inst.free_rounds[i] if q >= r and q not in self.busy[i])


def round_by_round(inst: Instance, edges: Iterable[int] | None = None, *, fairness: bool = True,
                   max_cardinality: bool = False, start: Schedule | None = None,
                   critical_degree: bool = False, deadline: float | None = None) -> Schedule:
    """Fill rounds 1..R in order with a maximum-weight matching each.

    ``fairness`` adds a bonus for attendees who must meet now to reach their target, and
    requested pairs get a bonus larger than any score. ``critical_degree`` (used to colour a
    chosen set of pairs into rounds) favours attendees with many pairs still to place.
    ``start`` is kept as is and extended. With a ``deadline`` (time.monotonic()), rounds
    whose matching would likely finish after it are left for the caller to fill.
    """
    state = _State(inst, start)
    pool = sorted(set(range(len(inst.edges)) if edges is None else edges) - set(state.assign))
    if not pool:
        return state.assign
    weigh = _Weights(inst, pool, fairness=fairness, critical_degree=critical_degree)
    last = 0.0
    for r in range(1, inst.rounds + 1):
        began = time.monotonic()
        if deadline is not None and began + last > deadline:
            break
        weights = weigh.of_round(state, pool, r)
        if not weights:
            continue
        graph = rx.PyGraph(multigraph=False)
        graph.add_nodes_from(range(inst.n))
        graph.add_edges_from([(*inst.edges[e], w) for e, w in weights.items()])
        matching = rx.max_weight_matching(graph, max_cardinality=max_cardinality,
                                          weight_fn=int)
        chosen = sorted((weights[inst.edge_index[(min(a, b), max(a, b))]],
                         inst.edge_index[(min(a, b), max(a, b))]) for a, b in matching)
        for _, e in reversed(chosen):  # best first, so table limits drop the weakest
            if state.can(e, r):
                state.add(e, r)
                weigh.placed(e)
        last = time.monotonic() - began
    return state.assign


class _Weights:
    """Matching weights of one round: score + 1, a bonus for attendees who must meet now
    (to reach their target, or with ``critical_degree`` to place all their pairs), and a
    bonus above everything for requested pairs."""

    def __init__(self, inst: Instance, pool: list[int], *, fairness: bool,
                 critical_degree: bool):
        self.inst, self.fairness, self.critical_degree = inst, fairness, critical_degree
        self.bonus = 2 * (max(inst.iscore(e) for e in pool) + 1)
        self.requested = set(inst.requested)
        self.need = inst.need
        self.remaining_deg = np.zeros(inst.n, dtype=int)  # pairs still to place, per attendee
        if critical_degree:
            for e in pool:
                i, j = inst.edges[e]
                self.remaining_deg[[i, j]] += 1

    def placed(self, e: int) -> None:
        if self.critical_degree:
            i, j = self.inst.edges[e]
            self.remaining_deg[[i, j]] -= 1

    def _urgency(self, state: _State, r: int) -> np.ndarray:
        """0..4 per attendee: 4 when round r is needed to meet the goal, 1 when short."""
        inst = self.inst
        urgency = np.zeros(inst.n, dtype=int)
        for i in range(inst.n):
            if r not in inst.free_rounds[i] or r in state.busy[i]:
                continue
            left = state.open_after(i, r)
            if self.critical_degree:
                urgency[i] = 4 if self.remaining_deg[i] >= left else 0
            elif self.fairness:
                short = self.need[i] - state.deg[i]
                urgency[i] = (4 if short >= left else 1) if short > 0 else 0
        return urgency

    def of_round(self, state: _State, pool: list[int], r: int) -> dict[int, int]:
        """Weight per pair of ``pool`` that may still meet in round r (in pool order)."""
        inst, bonus = self.inst, self.bonus
        urgency = self._urgency(state, r)
        weights: dict[int, int] = {}
        for e in pool:
            if e in state.assign or not state.can(e, r):
                continue
            i, j = inst.edges[e]
            w = inst.iscore(e) + 1 + bonus * int(urgency[i] + urgency[j]) // 4
            if e in self.requested:
                w += 8 * bonus
            weights[e] = w
        return weights


def random_pairing(inst: Instance, seed: int = 0) -> Schedule:
    """The naive baseline: each round, shuffle who is free and pair neighbours that may meet."""
    rng = random.Random(seed)  # seeded for reproducible schedules, not for secrets  # nosec B311
    state = _State(inst)
    for r in range(1, inst.rounds + 1):
        free = [i for i in range(inst.n) if r in inst.free_rounds[i] and state.deg[i] < inst.cap[i]]
        rng.shuffle(free)
        for a, b in zip(free[::2], free[1::2], strict=False):
            e = inst.edge_index.get((min(a, b), max(a, b)))
            if e is not None and inst.edge_score[e] > 0 and state.can(e, r):
                state.add(e, r)
    return state.assign

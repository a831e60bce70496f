"""An honest upper bound on the total mutual score: the LP relaxation and its dual.

Relaxation: maximise sum s_e x_e with 0 <= x_e <= 1, at most ``cap_i`` meetings per
attendee and at most as many meetings as the rounds can hold. Solved with HiGHS (scipy),
built from sparse matrices. Its dual (y_i per attendee, w for the round capacity, z_e per
pair) bounds every schedule over the candidate pairs. Pairs pruned from the candidate list
are covered too: a dropped pair (i, j) scores at most ``min(threshold_i, threshold_j)``, so
raising each ``y_i`` to ``(threshold_i - w) / 2`` keeps the dual feasible for all of them.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from .instance import Instance, pruned_violations


def round_capacity(inst: Instance) -> int:
    """How many new meetings the rounds can hold at most (people and tables)."""
    total = 0
    hosts = {t for t in inst.host if t is not None}
    for r in range(1, inst.rounds + 1):
        people = sum(1 for i in range(inst.n) if r in inst.free_rounds[i] and inst.cap[i] > 0)
        tables = inst.free_cap[r] + sum(1 for t in hosts if (t, r) not in inst.host_busy)
        total += int(min(people // 2, tables))
    return total


def _solve_lp(inst: Instance, time_limit: float | None):
    m = len(inst.edges)
    ends = np.array(inst.edges, dtype=np.int64)
    s = inst.edge_score.astype(float)
    rows = np.concatenate([ends[:, 0], ends[:, 1], np.full(m, inst.n)])
    cols = np.concatenate([np.arange(m)] * 3)
    A = sp.csr_matrix((np.ones(3 * m), (rows, cols)), shape=(inst.n + 1, m))
    b = np.concatenate([inst.cap.astype(float), [float(round_capacity(inst))]])
    options = {} if time_limit is None else {"time_limit": max(0.01, time_limit)}
    res = linprog(-s, A_ub=A, b_ub=b, bounds=(0.0, 1.0), method="highs-ipm", options=options)
    if res.status != 0:
        return None
    # Duals (HiGHS marginals are <= 0 for a minimisation with <= rows).
    dual = np.maximum(0.0, -np.asarray(res.ineqlin.marginals))
    y, w = dual[: inst.n], float(dual[inst.n])
    z = np.maximum(0.0, s - y[ends[:, 0]] - y[ends[:, 1]] - w)
    value = float(inst.cap @ y + w * b[-1] + z.sum())
    return value, y, w, np.asarray(res.x)


@dataclass
class LPBound:
    """The bound, the LP solution x per candidate pair, and the duals (y per attendee, w).

    ``underpriced``: allowed pairs outside the candidates whose score exceeds their dual
    price (i, j, score); their excess is already in ``bound``. Adding them to the candidates
    (:func:`~meetmatch.matching.instance.add_candidates`) and bounding again tightens it.
    """

    bound: float
    x: np.ndarray
    y: np.ndarray
    w: float
    underpriced: list[tuple[int, int, float]] = field(default_factory=list)
    solved: bool = True  # False: the LP did not finish; bound is the trivial one, x is 0

    def most_underpriced(self, per_person: int) -> list[tuple[int, int, float]]:
        """The ``underpriced`` pairs that are among the ``per_person`` most underpriced of
        either of their people (columns to add to the LP next; all of them can be many
        times the candidates: 371,000 at 10,000 x 8)."""
        if not self.underpriced:
            return []
        ends = np.array([(i, j) for i, j, _ in self.underpriced], dtype=np.int64)
        s = np.array([v for _, _, v in self.underpriced])
        excess = s - self.y[ends[:, 0]] - self.y[ends[:, 1]] - self.w
        pair = np.tile(np.arange(len(s)), 2)
        person = np.concatenate([ends[:, 0], ends[:, 1]])
        order = np.lexsort((pair, -np.tile(excess, 2), person))
        person = person[order]
        rank = np.arange(len(order)) - np.searchsorted(person, person, side="left")
        keep = np.zeros(len(s), dtype=bool)
        keep[pair[order[rank < per_person]]] = True
        return [self.underpriced[k] for k in np.flatnonzero(keep).tolist()]

    def reduced_cost(self, inst: Instance) -> np.ndarray:
        """s_e - y_i - y_j - w per candidate pair (about 0 for pairs the LP uses)."""
        if not len(inst.edges):
            return np.zeros(0)
        ends = np.array(inst.edges)
        return inst.edge_score - self.y[ends[:, 0]] - self.y[ends[:, 1]] - self.w


def lp_bound(inst: Instance, *, deadline: float | None = None) -> LPBound:
    """Upper bound on the score of new meetings, with the LP solution and duals.

    Reads ``inst`` only. When candidates were pruned, the scores are streamed again to find
    dropped pairs the LP prices too low (``underpriced``); their excess over the dual price
    is added to the bound, so it holds for every allowed pair, not only the candidates.
    With a ``deadline`` (time.monotonic()) the LP stops there (then the looser
    :func:`trivial_bound` is returned), and a stream that would pass it is replaced by
    raising the duals to the pruning thresholds: valid, only looser.
    """
    if not inst.edges:
        return LPBound(0.0, np.zeros(0), np.zeros(inst.n), 0.0)
    solved = _solve_lp(inst, None if deadline is None else deadline - time.monotonic())
    if solved is None:
        return LPBound(trivial_bound(inst), np.zeros(len(inst.edges)), np.zeros(inst.n), 0.0,
                       solved=False)
    value, y, w, x = solved
    missing: list[tuple[int, int, float]] = []
    if inst.pruned:
        streamed = pruned_violations(inst, y, w, deadline=deadline)
        if streamed is None:
            value = _threshold_bound(inst, y, w)
        else:
            missing = streamed
            value = min(value + sum(s - y[i] - y[j] - w for i, j, s in missing),
                        fitted_bound(inst, y, w, missing))
    value = value * (1 + 1e-9) + 1e-9  # LP tolerance
    return LPBound(min(value, trivial_bound(inst)), x, y, w, missing)


def fitted_bound(inst: Instance, y: np.ndarray, w: float,
                 missing: list[tuple[int, int, float]], sweeps: int = 3) -> float:
    """The dual bound with the prices y raised where that is cheaper than paying for the
    pruned pairs ``missing`` one by one.

    Any y >= 0 with z_e = max(0, s_e - y_i - y_j - w) for every allowed pair is a feasible
    dual, so cap @ y + w * capacity + sum(z) bounds every schedule. Raising y_i (never
    lowering it, so pruned pairs outside ``missing`` stay covered) by t costs cap_i * t and
    saves t on every pair of i still above its price: coordinate descent sets each y_i to
    the (cap_i + 1)-th largest s_e - y_j - w over its candidate and missing pairs. At
    10,000 x 8 this took the bound from 35,637 to 35,148 (the LP over the candidates was
    35,107) in a quarter of a second.
    """
    n = inst.n
    ends = np.array(inst.edges, dtype=np.int64).reshape(-1, 2)
    s = np.asarray(inst.edge_score, dtype=float)
    if missing:
        ends = np.vstack([ends, np.array([(i, j) for i, j, _ in missing], dtype=np.int64)])
        s = np.concatenate([s, np.array([v for _, _, v in missing])])
    who = np.concatenate([ends[:, 0], ends[:, 1]])
    order = np.argsort(who, kind="stable")
    other = np.concatenate([ends[:, 1], ends[:, 0]])[order]
    score = np.concatenate([s, s])[order]
    starts = np.searchsorted(who[order], np.arange(n + 1))
    floor = np.maximum(0.0, y)
    y = floor.copy()
    cap = inst.cap.astype(int)
    for _ in range(sweeps):
        for i in range(n):
            a, b = starts[i], starts[i + 1]
            c = int(cap[i])
            if b - a <= c:
                continue  # room for every pair at the floor price
            excess = score[a:b] - y[other[a:b]] - w
            k = (b - a) - c - 1  # the (c + 1)-th largest
            y[i] = max(floor[i], float(np.partition(excess, k)[k]))
    z = np.maximum(0.0, s - y[ends[:, 0]] - y[ends[:, 1]] - w)
    return float(inst.cap @ y + w * round_capacity(inst) + z.sum())


def _threshold_bound(inst: Instance, y: np.ndarray, w: float) -> float:
    """The dual bound with each y_i raised to (threshold_i - w) / 2: then y_i + y_j + w is at
    least min(threshold_i, threshold_j), the most a pruned pair (i, j) can score."""
    y = np.maximum(y, (inst.threshold - w) / 2.0)
    ends = np.array(inst.edges, dtype=np.int64)
    z = np.maximum(0.0, inst.edge_score - y[ends[:, 0]] - y[ends[:, 1]] - w)
    return float(inst.cap @ y + w * round_capacity(inst) + z.sum())


def trivial_bound(inst: Instance) -> float:
    """Half of each attendee's best ``cap`` partners, summed (always valid, looser)."""
    best: list[list[float]] = [[] for _ in range(inst.n)]
    for e, (i, j) in enumerate(inst.edges):
        best[i].append(float(inst.edge_score[e]))
        best[j].append(float(inst.edge_score[e]))
    total = 0.0
    for i in range(inst.n):
        top = sorted(best[i], reverse=True)[: int(inst.cap[i])]
        # A pruned partner scores at most threshold_i: pad the list with it.
        top += [float(inst.threshold[i])] * (int(inst.cap[i]) - len(top))
        total += sum(top) / 2.0
    return total if math.isfinite(total) else 0.0

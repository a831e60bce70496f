"""Trios instead of sitting out: seat a person who would sit out a round at one table as its
third person (only with ``settings.allow_trios``).

A post-pass over the chosen and coloured pair schedule, round by round in order: the people
free in the round (available, not in a meeting, below ``max_meetings``) are matched to the
round's new meetings by a maximum-weight assignment, each table taking at most one extra
person. A person may join meeting (a, b) only when both new pairs have a positive mutual
score and every hard rule holds for them as for any meeting (blocks and "rather not" wishes,
same organisation, never meeting twice -- held rounds and earlier trios included -- host
tables: a host joins only a meeting at their own table). The assignment seats first the
people below their target (fairness comes before the score), then as many people as
possible, then the greatest value.

**Value.** A trio is worth ``TRIO_FACTOR`` (0.5) times the sum of its three pairs' mutual
scores: three people share one table's time, so each pair gets about half as long as a
meeting of two. The pair schedule is chosen exactly as without trios; forming a trio changes
the total by ``TRIO_FACTOR * (s_ac + s_bc) - (1 - TRIO_FACTOR) * s_ab``, so the pair score lost
is at most ``(1 - TRIO_FACTOR)`` of the trio tables' own pair scores.

A held (fixed) trio is passed to the pair solver as the fixed meeting of its first two
people (:func:`split_fixed_trios`); its third person's round is taken and they never meet
the other two again (:func:`seat_fixed_trios` counts the meeting towards their target).

Indices are the solver's (``Instance.ids``); :data:`Thirds` maps ``(round, i, j)`` with
``i < j`` to the third person ``k``.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from scipy.optimize import linear_sum_assignment

from .cpsat import make_solver
from .instance import (
    SCALE,
    Instance,
    blocked_partners,
    meeting_target,
    organisation_codes,
)
from .problem import FixedMeeting, Problem
from .rules import ZERO_SCORE
from .schedule import Schedule
from .scoring import mutual_score

TRIO_FACTOR = 0.5  # a trio is worth this share of the sum of its three pairs' scores
BLOCK_ROWS = 256  # sitters whose score rows are computed at once (memory stays bounded)
EXACT_TRIO_CANDIDATES = 20_000  # (person, round, table) choices: above this, round by round
EXACT_SECONDS = 5.0  # the most the all-rounds step searches
MIN_EXACT = 0.05  # seconds: below this the all-rounds step is not started

Thirds = dict[tuple[int, int, int], int]


def trio_reserve(inst: Instance) -> float:
    """Seconds kept at the end of a solve for :func:`add_trios`: its score rows cost about
    n x n per round (measured 1,000 x 8: well under a second)."""
    return 0.3 + 2e-8 * inst.n * inst.n * inst.rounds


def trio_value(s_ab: float, s_ac: float, s_bc: float) -> float:
    """What a table of three is worth: TRIO_FACTOR x the sum of its pairs' mutual scores."""
    return TRIO_FACTOR * (s_ab + s_ac + s_bc)


def split_fixed_trios(problem: Problem) -> tuple[Problem, list[FixedMeeting]]:
    """The problem the pair solver sees, and the fixed trios taken out of it.

    Each fixed trio stays as the fixed meeting of ``a`` and ``b``; its third person ``c``
    loses that round and one of their ``max_meetings``, and never meets ``a`` or ``b`` again
    (a blocked pair). Returns ``problem`` itself when it has no fixed trio.
    """
    trios = [f for f in problem.fixed_meetings if f.c is not None]
    if not trios:
        return problem, []
    people = {p.id: p for p in problem.attendees}
    everything = tuple(range(1, problem.rounds + 1))
    for f in trios:
        p = people[f.c]
        rounds = p.available_rounds if p.available_rounds is not None else everything
        people[f.c] = replace(p, available_rounds=tuple(r for r in rounds if r != f.round),
                              max_meetings=None if p.max_meetings is None
                              else max(0, p.max_meetings - 1))
    blocked = tuple((x, f.c) for f in trios for x in (f.a, f.b))
    pairs = replace(problem, attendees=tuple(people[p.id] for p in problem.attendees),
                    blocked_pairs=problem.blocked_pairs + blocked,
                    fixed_meetings=tuple(replace(f, c=None) for f in problem.fixed_meetings))
    return pairs, trios


def seat_fixed_trios(inst: Instance, problem: Problem, trios: list[FixedMeeting]) -> Thirds:
    """Count each fixed trio's meeting for its third person (with the target of ``problem``,
    the event as given) and return the fixed trios as :data:`Thirds`."""
    index = inst.scores.index
    thirds: Thirds = {}
    given = {p.id: p for p in problem.attendees}
    for f in trios:
        i, j = sorted((index[f.a], index[f.b]))
        k = index[f.c]
        thirds[(f.round, i, j)] = k
        inst.fixed_count[k] += 1
        inst.target[k] = meeting_target(problem, given[f.c])
    return thirds


def fixed_trio_gain(inst: Instance, thirds: Thirds) -> float:
    """How much the fixed trios add to their pairs' scores (the fixed meetings count the
    pair of a and b in full)."""
    mutual, ids = inst.scores.mutual, inst.ids
    gain = 0.0
    for (_, i, j), k in thirds.items():
        s_ab = mutual(ids[i], ids[j])
        gain += trio_value(s_ab, mutual(ids[i], ids[k]), mutual(ids[j], ids[k])) - s_ab
    return gain


def add_trios(inst: Instance, assign: Schedule, thirds: Thirds, *,
              deadline: float | None = None) -> tuple[Thirds, float | None]:
    """Seat people who would sit out a round as third persons of its new meetings.

    ``thirds``: the fixed trios (kept). Returns all trios and the change of the schedule's
    score that the new ones make (None when none was formed: trios are off, nobody could
    join, or the ``deadline`` (time.monotonic()) passed first; rounds not reached keep their
    pairs).
    """
    if not inst.problem.settings.allow_trios or not assign:
        return dict(thirds), None
    state = _State(inst, assign, thirds)
    seated: list[tuple[int, int, int, float]] = []  # (round, edge, third person, change)
    for r in range(1, inst.rounds + 1):
        if deadline is not None and time.monotonic() > deadline:
            break
        seated += [(r, e, k, change) for e, k, change in state.seat_round(r)]
    exact = _exact(inst, assign, thirds, seated, deadline)
    if exact is not None:
        seated = exact
    out = dict(thirds)
    for r, e, k, _ in seated:
        i, j = inst.edges[e]
        out[(r, i, j)] = k
    return out, (sum(change for *_, change in seated) if seated else None)


def _exact(inst: Instance, assign: Schedule, thirds: Thirds,
           greedy: list[tuple[int, int, int, float]], deadline: float | None
           ) -> list[tuple[int, int, int, float]] | None:
    """All rounds at once (CP-SAT) when the candidates are few: a person seated early may
    block a table they alone could join later, which round by round cannot see. Returns the
    seating if it beats ``greedy`` by the same priorities, else None."""
    from ortools.sat.python import cp_model

    if deadline is not None and deadline - time.monotonic() < MIN_EXACT:
        return None
    state = _State(inst, assign, thirds)
    cand: list[tuple[int, int, int, float]] = []
    for r in range(1, inst.rounds + 1):
        if deadline is not None and time.monotonic() > deadline:
            return None
        found = state.candidates(r)
        if found is None:
            continue
        meetings, rows, ok, gain = found
        for x, y in zip(*np.nonzero(ok), strict=True):
            cand.append((r, meetings[y], int(rows[x]), float(gain[x, y])))
            if len(cand) > EXACT_TRIO_CANDIDATES:
                return None
    left = None if deadline is None else deadline - time.monotonic()
    if not cand or (left is not None and left < MIN_EXACT):
        return None
    model = cp_model.CpModel()
    x = [model.NewBoolVar(f"t{n}") for n in range(len(cand))]
    by_seat: dict[tuple[int, int], list] = {}
    by_table: dict[int, list] = {}
    by_pair: dict[tuple[int, int], list] = {}
    by_person: dict[int, list] = {}
    for var, (r, e, k, _) in zip(x, cand, strict=True):
        by_seat.setdefault((r, k), []).append(var)
        by_table.setdefault(e, []).append(var)
        by_person.setdefault(k, []).append(var)
        for other in inst.edges[e]:  # either may be the third person in another round
            by_pair.setdefault((min(k, other), max(k, other)), []).append(var)
    for group in (*by_seat.values(), *by_table.values(), *by_pair.values()):
        if len(group) > 1:
            model.AddAtMostOne(group)
    for k, group in by_person.items():
        model.Add(sum(group) <= int(inst.cap[k] - state.new[k]))
    # The priorities as weights: people brought up to their target, then seats, then value.
    gains = [int(round(g * SCALE)) for *_, g in cand]
    per_seat = sum(abs(g) for g in gains) + 1
    per_short = per_seat * (len(cand) + 1)
    reached = []
    for k, group in by_person.items():
        need = int(max(0, inst.target[k] - state.deg[k]))
        if need:
            y = model.NewIntVar(0, need, f"r{k}")
            model.Add(y <= sum(group))
            reached.append(y)
    model.Maximize(per_short * sum(reached) + sum((per_seat + g) * v
                                                  for g, v in zip(gains, x, strict=True)))
    index = {(r, e, k): n for n, (r, e, k, _) in enumerate(cand)}
    for r, e, k, _ in greedy:
        if (r, e, k) in index:
            model.AddHint(x[index[r, e, k]], 1)
    budget = max(MIN_EXACT, min(EXACT_SECONDS, left if left is not None else EXACT_SECONDS))
    solver = make_solver(budget, seed=0)  # reproducible, like the other models
    if solver.Solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = [c for c, v in zip(cand, x, strict=True) if solver.Value(v)]

    def value(seating) -> tuple[int, int, float]:
        seats: dict[int, int] = {}
        for _, _, k, _ in seating:
            seats[k] = seats.get(k, 0) + 1
        up = sum(min(n, max(0, int(inst.target[k] - state.deg[k]))) for k, n in seats.items())
        return up, len(seating), round(sum(g for *_, g in seating), 9)
    return chosen if value(chosen) > value(greedy) else None


class _State:
    """Who is busy in which round, which pairs have met, and each person's meetings."""

    def __init__(self, inst: Instance, assign: Schedule, thirds: Thirds):
        self.inst = inst
        n = inst.n
        self.thirds = dict(thirds)
        self.busy: dict[int, set[int]] = {r: set() for r in range(1, inst.rounds + 1)}
        self.met: list[set[int]] = [set() for _ in range(n)]
        self.new = np.zeros(n, dtype=int)  # new meetings (compared with inst.cap)
        self.deg = inst.fixed_count.copy()  # all meetings (compared with inst.target)
        self.meetings: dict[int, list[int]] = {r: [] for r in range(1, inst.rounds + 1)}
        for i, j, r, _ in inst.fixed:
            self.busy[r] |= {i, j}
        for (r, i, j), k in thirds.items():
            self.busy[r].add(k)
            self._meet(i, k)
            self._meet(j, k)
        for e, r in sorted(assign.items()):
            i, j = inst.edges[e]
            self.busy[r] |= {i, j}
            self._meet(i, j)
            self.new[[i, j]] += 1
            self.deg[[i, j]] += 1
            self.meetings[r].append(e)
        # Blocked pairs and fixed meetings' pairs are never together again, like pairs that met.
        for i, partners in blocked_partners(inst).items():
            self.met[i].update(partners)
        self.free = [set(rs) for rs in inst.free_rounds]
        self.org = organisation_codes(inst)

    def _meet(self, i: int, j: int) -> None:
        self.met[i].add(j)
        self.met[j].add(i)

    def candidates(self, r: int):
        """Who may join which new meeting of round ``r``: (meetings, sitters, ok[sitter,
        meeting], score change of each), or None when nobody can."""
        inst = self.inst
        meetings = self.meetings[r]
        sitters = [k for k in range(inst.n) if r in self.free[k] and k not in self.busy[r]
                   and self.new[k] < inst.cap[k]]
        if not sitters or not meetings:
            return None
        ends = np.array([inst.edges[e] for e in meetings])
        a, b = ends[:, 0], ends[:, 1]
        ids = inst.ids
        s_ab = np.array([inst.scores.mutual(ids[i], ids[j]) for i, j in ends])
        cost_ab = np.array([float(inst.edge_score[e]) for e in meetings])  # as evaluated
        table = np.array([-1 if inst.edge_table[e] is None else inst.edge_table[e]
                          for e in meetings])
        where = {int(x): m for m, pair in enumerate(ends) for x in pair}
        rows = np.array(sitters)
        ok = np.zeros((len(rows), len(meetings)), dtype=bool)
        gain = np.zeros(ok.shape)
        for start in range(0, len(rows), BLOCK_ROWS):
            block = rows[start:start + BLOCK_ROWS]
            give, get = inst.scores.benefit_rows(block)
            scores = mutual_score(np.asarray(give, dtype=np.float64),
                                  np.asarray(get, dtype=np.float64), inst.scores.mutuality)
            sa, sb = scores[:, a], scores[:, b]
            good = (sa > ZERO_SCORE) & (sb > ZERO_SCORE)
            if self.org is not None:
                mine = self.org[block][:, None]
                good &= (mine != self.org[a][None, :]) & (mine != self.org[b][None, :])
            for k_row, k in enumerate(block.tolist()):
                host = inst.host[k]
                if host is not None:  # a host sits only at their own table
                    good[k_row] &= table == host
                for other in self.met[k]:
                    m = where.get(other)
                    if m is not None:
                        good[k_row, m] = False
            ok[start:start + len(block)] = good
            gain[start:start + len(block)] = (TRIO_FACTOR * (sa + sb + s_ab[None, :])
                                              - cost_ab[None, :])
        if not ok.any():
            return None
        return meetings, rows, ok, gain

    def seat_round(self, r: int) -> list[tuple[int, int, float]]:
        """(edge, third person, score change) of the trios formed in round ``r``."""
        inst = self.inst
        found = self.candidates(r)
        if found is None:
            return []
        meetings, rows, ok, gain = found
        ends = np.array([inst.edges[e] for e in meetings])
        a, b = ends[:, 0], ends[:, 1]
        keep_rows = np.flatnonzero(ok.any(axis=1))
        keep_cols = np.flatnonzero(ok.any(axis=0))
        ok = ok[np.ix_(keep_rows, keep_cols)]
        gain = gain[np.ix_(keep_rows, keep_cols)]
        short = (self.deg[rows[keep_rows]] < inst.target[rows[keep_rows]]).astype(float)
        # Lexicographic weights: people below target first, then how many, then the value.
        most = min(ok.shape)
        spread = float(np.abs(np.where(ok, gain, 0.0)).max()) + 1.0
        per_seat = 2.0 * most * spread + 1.0
        per_short = most * (per_seat + spread) + 1.0
        weight = np.where(ok, per_short * short[:, None] + per_seat + gain, 0.0)
        seat, table_of = linear_sum_assignment(weight, maximize=True)
        out = []
        for x, y in zip(seat.tolist(), table_of.tolist(), strict=True):
            if not ok[x, y]:
                continue
            k, m = int(rows[keep_rows[x]]), int(keep_cols[y])
            e = meetings[m]
            out.append((e, k, float(gain[x, y])))
            self.busy[r].add(k)
            self._meet(int(a[m]), k)
            self._meet(int(b[m]), k)
            self.new[k] += 1
            self.deg[k] += 1
        return out

"""Compact days, the exact step: a CP-SAT model over the rounds of given meetings.

:func:`exact_rounds` re-rounds some meetings of a schedule (or all) so that the idle gaps
(see matching/compact.py) are fewest, the other meetings staying where they are. Each
person's gaps are counted with two chains of booleans, "a meeting at or before this round"
and "at or after it" (:func:`_span_terms`); the current schedule is a complete hint, so the
search starts from it and a step never returns anything worse.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from .cpsat import make_solver
from .instance import Instance
from .schedule import Schedule

EXACT_VARS = 20_000  # (meeting, round) booleans: up to this many an exact step runs


class Work:
    """What is left of the deterministic budget (None: no limit but the deadline)."""

    def __init__(self, left: float | None):
        self.left = left

    def allows(self, wanted: float) -> float | None:
        """The deterministic seconds a step may use now (None: the budget is spent)."""
        if self.left is None:
            return wanted
        return min(wanted, self.left) if self.left > 0.005 else None


def exact_rounds(inst: Instance, assign: Schedule, *, deadline: float, seed: int, workers: int,
           deterministic: bool, free: set[int] | None = None,
           det_time: float | None = None, work: Work | None = None
           ) -> tuple[Schedule | None, bool]:
    """``assign`` with its ``free`` meetings (None: all) in the rounds that leave the fewest
    gaps, by CP-SAT from ``assign``; the other meetings stay. Returns (schedule or None when
    the model is too large or nothing was found in time, proven optimal)."""
    free = set(assign) if free is None else free
    edges = sorted(free)
    if sum(len(inst.edge_rounds[e]) for e in edges) > EXACT_VARS:
        return None, False
    fixed_at: dict[int, set[int]] = {}  # person -> rounds of meetings that stay
    tables_left = dict(inst.free_cap)
    hosted = set()  # (host table, round) taken by a meeting that stays
    for i, j, r, _t in inst.fixed:
        fixed_at.setdefault(i, set()).add(r)
        fixed_at.setdefault(j, set()).add(r)
    for e, r in assign.items():
        if e not in free:
            for p in inst.edges[e]:
                fixed_at.setdefault(p, set()).add(r)
            if inst.edge_table[e] is None:
                tables_left[r] -= 1
            else:
                hosted.add((inst.edge_table[e], r))
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    at: dict[tuple[int, int], list] = {}  # (person, round) -> free meetings that may be there
    tableless: dict[int, list] = {}
    host_tables: dict[tuple[int, int], list] = {}
    for e in edges:
        i, j = inst.edges[e]
        t = inst.edge_table[e]
        options = []
        for r in inst.edge_rounds[e]:
            if r in fixed_at.get(i, ()) or r in fixed_at.get(j, ()) or (t, r) in hosted:
                continue
            v = model.NewBoolVar(f"x_{e}_{r}")
            x[e, r] = v
            options.append(v)
            at.setdefault((i, r), []).append(v)
            at.setdefault((j, r), []).append(v)
            if t is None:
                tableless.setdefault(r, []).append(v)
            else:
                host_tables.setdefault((t, r), []).append(v)
            model.AddHint(v, assign[e] == r)
        model.AddExactlyOne(options)
    for vs in [*at.values(), *host_tables.values()]:
        if len(vs) > 1:
            model.AddAtMostOne(vs)
    for r, vs in tableless.items():
        if len(vs) > tables_left[r]:
            model.Add(sum(vs) <= int(tables_left[r]))
    meetings: dict[int, int] = {}  # person -> their free meetings
    for e in edges:
        for q in inst.edges[e]:
            meetings[q] = meetings.get(q, 0) + 1
    busy: dict[int, set[int]] = {}  # person -> rounds of their meetings in ``assign``
    for e in edges:
        for q in inst.edges[e]:
            busy.setdefault(q, set(fixed_at.get(q, ()))).add(assign[e])
    terms, floor = _span_terms(inst, model, at, fixed_at, meetings, busy)
    gaps = sum(terms) - floor
    model.Add(gaps >= 0)  # tells CP-SAT the bound, so a schedule without gaps is proven at once
    model.Minimize(gaps)
    budget = max(0.05, deadline - time.monotonic())
    if work is not None and det_time is not None:
        det_time = work.allows(det_time) or 0.005
    solver = make_solver(budget, seed=seed, deterministic=deterministic, workers=workers,
                         deterministic_time=det_time)
    status = solver.Solve(model)
    if work is not None and work.left is not None:
        work.left -= solver.deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, False
    out = dict(assign)
    out.update({e: r for (e, r), v in x.items() if solver.BooleanValue(v)})
    return out, status == cp_model.OPTIMAL


def _span_terms(inst: Instance, model: cp_model.CpModel, at: dict,
                fixed_at: dict[int, set[int]], meetings: dict[int, int],
                busy: dict[int, set[int]]) -> tuple[list, int]:
    """Per person with free ``meetings`` and per attended round between their earliest and latest
    possible meeting: "a meeting at or before" and "a meeting at or after" it.

    Minimised, each is the OR of the meetings on its side; as one of the two holds in every
    round, their sum minus one is 1 exactly inside the person's span, so the sum of all
    these booleans is these people's gaps plus the returned constant (per person: the
    rounds listed and the meetings). Each is hinted with its value for the rounds in
    ``busy``, so the hint is a complete solution and CP-SAT starts from it.
    """
    possible: dict[int, set[int]] = {}
    for i, r in at:
        possible.setdefault(i, set()).add(r)
    terms, floor = [], 0
    for i in sorted(meetings):
        fixed = fixed_at.get(i, set())
        rounds_i = possible.get(i, set()) | fixed
        if meetings[i] + len(fixed) < 2:
            continue  # one meeting never leaves a gap
        attends = inst.people[i].available_rounds
        rounds = [r for r in range(min(rounds_i), max(rounds_i) + 1)
                  if attends is None or r in attends or r in fixed]
        floor += len(rounds) + meetings[i] + len(fixed)
        lo, hi = min(busy[i]), max(busy[i])
        for order, name in ((rounds, "before"), (rounds[::-1], "after")):
            previous = None
            for r in order:
                flag = model.NewBoolVar(f"{name}_{i}_{r}")
                model.AddHint(flag, r >= lo if name == "before" else r <= hi)
                if r in fixed:
                    model.Add(flag == 1)
                else:
                    if previous is not None:
                        model.AddImplication(previous, flag)
                    if at.get((i, r)):
                        model.Add(flag >= sum(at[i, r]))
                previous = flag
                terms.append(flag)
    return terms, floor

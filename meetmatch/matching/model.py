"""CP-SAT models, one ``add_<rule>`` per constraint family.

* :class:`RoundModel`: one boolean per (candidate pair, free common round). Exact for the
  pairs it is given; used on small events to prove the schedule optimal.
* :class:`PairModel`: one boolean per candidate pair (a b-matching: each attendee in at most
  ``cap`` meetings), small enough for large events; its pairs are coloured afterwards.

Both rank schedules by the priorities with one weighted objective: the penalty
``(n + 1) * unmet requests + attendees short`` weighs more than any total score can.
Scores are integers (thousandths) so CP-SAT works on exact integers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from ortools.sat.python import cp_model

from .cpsat import make_solver
from .instance import SCALE, Instance
from .schedule import Schedule

Progress = Callable[[dict], None]


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, phase: str, report: Progress | None, start: float, score_expr):
        super().__init__()
        self.phase, self.report, self.start, self.score_expr = phase, report, start, score_expr

    def on_solution_callback(self) -> None:
        if self.report is not None:
            self.report({"phase": self.phase, "elapsed": time.monotonic() - self.start,
                         "objective": self.Value(self.score_expr) / SCALE,
                         "upper_bound": None})


class _Lexicographic:
    """Shared driver: requests, then fairness, then score, as one weighted objective.

    The penalty (``(n + 1)`` per unmet request plus one per attendee short of target) is
    weighted by more than any total score can reach, so the single objective ranks
    schedules exactly in the priority order; CP-SAT solves that much faster than two
    lexicographic phases.
    """

    model: cp_model.CpModel
    inst: Instance

    def _setup_fairness(self, degree_terms: dict[int, list]) -> None:
        inst, m = self.inst, self.model
        self.penalty_terms = []
        self.short: dict[int, cp_model.IntVar] = {}  # attendee -> "short of target"
        for e in inst.requested:
            if e in self.selected:
                self.penalty_terms.append((inst.n + 1, self.selected[e]))
        need = inst.need
        for i in range(inst.n):
            if need[i] <= 0:
                continue
            short = m.NewBoolVar(f"short_{i}")
            terms = degree_terms.get(i, [])
            m.Add(sum(terms) + int(need[i]) * short >= int(need[i]))
            self.penalty_terms.append((1, short))
            self.short[i] = short
        # Requested pairs count as "met" when selected: penalty = (n+1) * (1 - selected).
        self.penalty_const = (inst.n + 1) * len([e for e in inst.requested if e in self.selected])

    def _penalty_expr(self):
        expr = self.penalty_const
        for coef, var in self.penalty_terms:
            if coef == self.inst.n + 1:
                expr -= coef * var
            else:
                expr += coef * var
        return expr

    def run(self, *, time_limit: float, seed: int, workers: int, hint: Schedule | None,
            report: Progress | None, start: float, deterministic: bool = True,
            gap_limit: float = 0.0) -> tuple[Schedule | None, bool]:
        """Solve within ``time_limit`` seconds; return (schedule or None, proven optimal).

        With ``gap_limit`` (in score units) the search stops once its schedule is within
        that much of its own bound (proving the last fraction of a percent can take most
        of the time on large events); it still stops only at a deterministic point.
        """
        if hint:
            self._hint(hint)
        score = self._score_expr()
        # Any two schedules differ in score by less than the total of all pair scores.
        weight = sum(self.inst.iscore(e) for e in self.edges) + 1
        self.model.Maximize(score - weight * self._penalty_expr() if self.penalty_terms
                            else score)
        solver = make_solver(max(0.05, time_limit), seed=seed, deterministic=deterministic,
                             workers=workers,
                             absolute_gap=gap_limit * SCALE if gap_limit > 0 else None)
        # Presolve and hint repair cost seconds on these models and gain nothing: the LP
        # relaxation of a b-matching is nearly integral, so the search finds the optimum
        # from the LP directly.
        solver.parameters.cp_model_presolve = False
        status = solver.Solve(self.model, _Callback("search", report, start, score))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, False
        return self._decode(solver), status == cp_model.OPTIMAL


class RoundModel(_Lexicographic):
    """x[e, r] = pair e meets in round r."""

    def __init__(self, inst: Instance, edges: Sequence[int]):
        self.inst, self.model = inst, cp_model.CpModel()
        self.edges = sorted(edges)
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        for e in self.edges:
            for r in inst.edge_rounds[e]:
                self.x[e, r] = self.model.NewBoolVar(f"x_{e}_{r}")
        self.selected: dict[int, cp_model.LinearExpr] = {}
        self.add_no_repeat_pairs()
        self.add_one_meeting_per_round()
        self.add_max_meetings()
        self.add_tables()
        degree: dict[int, list] = {}
        for (e, _r), v in self.x.items():
            i, j = inst.edges[e]
            degree.setdefault(i, []).append(v)
            degree.setdefault(j, []).append(v)
        self._setup_fairness(degree)

    def _by(self, key) -> dict:
        out: dict = {}
        for (e, r), v in self.x.items():
            for k in key(e, r):
                out.setdefault(k, []).append(v)
        return out

    def add_no_repeat_pairs(self) -> None:
        for e, vs in self._by(lambda e, r: [e]).items():
            if len(vs) > 1:
                self.model.AddAtMostOne(vs)
            self.selected[e] = sum(vs)

    def add_one_meeting_per_round(self) -> None:
        edges = self.inst.edges
        for _, vs in sorted(self._by(lambda e, r: [(edges[e][0], r), (edges[e][1], r)]).items()):
            if len(vs) > 1:
                self.model.AddAtMostOne(vs)

    def add_max_meetings(self) -> None:
        edges, inst = self.inst.edges, self.inst
        for i, vs in sorted(self._by(lambda e, r: list(edges[e])).items()):
            if len(vs) > inst.cap[i]:
                self.model.Add(sum(vs) <= int(inst.cap[i]))

    def add_tables(self) -> None:
        inst = self.inst
        tab = inst.edge_table
        for _key, vs in sorted(self._by(
                lambda e, r: [(tab[e], r)] if tab[e] is not None else []).items()):
            if len(vs) > 1:
                self.model.AddAtMostOne(vs)
        for r, vs in sorted(self._by(lambda e, r: [r] if tab[e] is None else []).items()):
            if inst.free_cap[r] < len(vs):
                self.model.Add(sum(vs) <= int(inst.free_cap[r]))

    def _score_expr(self):
        return sum(self.inst.iscore(e) * v for (e, _r), v in self.x.items())

    def _hint(self, hint: Schedule) -> None:
        for (e, r), v in self.x.items():
            self.model.AddHint(v, 1 if hint.get(e) == r else 0)

    def _decode(self, solver) -> Schedule:
        return {e: r for (e, r), v in sorted(self.x.items()) if solver.Value(v)}


class PairModel(_Lexicographic):
    """x[e] = pair e meets in some round (a b-matching); rounds are assigned later."""

    def __init__(self, inst: Instance, edges: Sequence[int], round_capacity: int):
        self.inst, self.model = inst, cp_model.CpModel()
        self.edges = sorted(edges)
        self.x = {e: self.model.NewBoolVar(f"x_{e}") for e in self.edges}
        self.selected = dict(self.x)
        degree: dict[int, list] = {}
        for e, v in self.x.items():
            i, j = inst.edges[e]
            degree.setdefault(i, []).append(v)
            degree.setdefault(j, []).append(v)
        self.degree = degree
        self.add_max_meetings()
        self.add_host_tables()
        if round_capacity < len(self.x):
            self.model.Add(sum(self.x.values()) <= round_capacity)
        self._setup_fairness(degree)

    def add_max_meetings(self) -> None:
        for i, vs in sorted(self.degree.items()):
            if len(vs) > self.inst.cap[i]:
                self.model.Add(sum(vs) <= int(self.inst.cap[i]))

    def add_host_tables(self) -> None:
        """Attendees sharing a host table share its free rounds."""
        inst = self.inst
        groups: dict[int, list[int]] = {}
        for i, t in enumerate(inst.host):
            if t is not None:
                groups.setdefault(t, []).append(i)
        for t, members in sorted(groups.items()):
            if len(members) < 2:
                continue
            rounds = {r for i in members for r in inst.free_rounds[i]}
            vs = [v for e, v in self.x.items() if inst.edge_table[e] == t]
            if len(vs) > len(rounds):
                self.model.Add(sum(vs) <= len(rounds))

    def _score_expr(self):
        return sum(self.inst.iscore(e) * v for e, v in self.x.items())

    def _hint(self, hint: Schedule) -> None:
        """Hint every variable (a complete hint is taken as the first solution at once)."""
        deg = [0] * self.inst.n
        for e, v in self.x.items():
            self.model.AddHint(v, 1 if e in hint else 0)
            if e in hint:
                for i in self.inst.edges[e]:
                    deg[i] += 1
        for i, short in self.short.items():
            self.model.AddHint(short, 1 if deg[i] < self.inst.need[i] else 0)

    def _decode(self, solver) -> Schedule:
        # Round 0 = chosen, round not yet assigned.
        return {e: 0 for e, v in sorted(self.x.items()) if solver.Value(v)}

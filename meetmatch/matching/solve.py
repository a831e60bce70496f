"""solve(problem) -> Result: score, bound, warm start, CP-SAT, rounds and tables.

Priorities, in order: (1) hard rules, (2) requested pairs, (3) fewest attendees short of
their target, (4) greatest total mutual score.

Pipeline: score the event once (sparse) and prune to each attendee's best partners;
build a fair round-by-round maximum-weight matching (the warm start); bound the score with
the LP dual (GLOP); then improve with CP-SAT -- the exact round model when it is small, or
else the pair model (a b-matching, far fewer booleans) whose pairs are coloured into rounds
and topped up by matching. The best schedule found (by the priorities) is returned.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from .baseline import Schedule, better, evaluate, round_by_round
from .bounds import lp_bound, round_capacity
from .colouring import colour_pairs
from .instance import SCALE, Instance, add_candidates, build_instance
from .model import PairModel, RoundModel
from .problem import Problem
from .scoring import ScoreModel, score_event

EXACT_ROUND_VARS = 3_000  # booleans: small events are also solved exactly by the round model
BLOSSOM_ATTENDEES = 1_500  # above this, topping up is greedy (blossom is O(n^3))
PAIR_MODEL_EDGES = 40_000  # candidate pairs: above this the pair model gets an LP-pruned set
BLOSSOM_EDGES = 8_000  # candidate pairs: above this the warm start colours the LP solution


class SolveStatus(StrEnum):
    """How a run ended. A str, so ``status == "optimal"`` and JSON output keep working."""

    OPTIMAL = "optimal"  # proven: no schedule is better by the priorities
    FEASIBLE = "feasible"  # the best schedule found within the time limit; see the gap
    INFEASIBLE = "infeasible"  # the fixed meetings alone break a hard rule (see message)


@dataclass(frozen=True)
class Meeting:
    a: str
    b: str
    table: int
    score: float
    why: str
    fixed: bool = False


@dataclass
class RoundResult:
    round: int
    meetings: list[Meeting]
    sitting_out: list[str]


@dataclass
class Result:
    """A schedule with its status and how good it is.

    ``objective`` is the total mutual score of all meetings (fixed ones included);
    ``upper_bound`` no schedule can beat; ``gap = (upper_bound - objective) / upper_bound``.
    """

    status: SolveStatus
    message: str
    objective: float
    upper_bound: float
    gap: float
    rounds: list[RoundResult]
    unmet_requests: list[tuple[str, str, str]] = field(default_factory=list)
    short: list[str] = field(default_factory=list)
    targets: dict[str, int] = field(default_factory=dict)
    wall_time: float = 0.0


class _Clock:
    def __init__(self, time_limit: float, progress: Callable[[dict], None] | None):
        self.start = time.monotonic()
        self.limit = time_limit
        self.progress = progress

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def left(self) -> float:
        return self.limit - self.elapsed()

    def phase(self, name: str, objective: float | None = None, bound: float | None = None):
        if self.progress is not None:
            self.progress({"phase": name, "elapsed": self.elapsed(), "objective": objective,
                           "upper_bound": bound})


def solve(problem: Problem, *, time_limit: float = 30.0, seed: int = 0, workers: int = 2,
          progress: Callable[[dict], None] | None = None, deterministic: bool = True,
          scores: ScoreModel | None = None) -> Result:
    """Schedule rounds of one-to-one meetings for ``problem``.

    Never raises on a valid Problem: impossible requests are reported in
    ``unmet_requests``; a run that finds nothing better keeps the warm start.
    With ``deterministic`` (the default) CP-SAT searches with one worker and a
    deterministic-time budget, so the same problem and seed give the same schedule;
    ``deterministic=False`` uses ``workers`` parallel workers and wall-clock limits.
    ``progress`` receives {"phase", "elapsed", "objective", "upper_bound"} now and then.
    ``scores``: the event's score model when the caller already has it (else computed).
    """
    clock = _Clock(time_limit, progress)
    clock.phase("scoring")
    if scores is None:
        scores = score_event(problem)
    inst = build_instance(problem, scores)
    if inst.infeasible:
        clock.phase("done")
        return Result(status=SolveStatus.INFEASIBLE, message=inst.infeasible, objective=0.0,
                      upper_bound=0.0, gap=0.0,
                      rounds=[RoundResult(r, [], []) for r in range(1, problem.rounds + 1)],
                      unmet_requests=list(inst.unmet_requests), short=[],
                      targets={inst.ids[i]: int(inst.target[i]) for i in range(inst.n)},
                      wall_time=clock.elapsed())
    fixed_score = float(sum(scores.mutual(inst.ids[i], inst.ids[j]) for i, j, _, _ in inst.fixed))
    clock.phase("bound")
    lp = lp_bound(inst)
    if lp.underpriced:  # pruning dropped pairs the LP wants: make them candidates, bound again
        add_candidates(inst, lp.underpriced)
        lp = lp_bound(inst)
    bound, x_lp = lp.bound, lp.x
    clock.phase("warm start", None, bound + fixed_score)
    lp_pairs = {e: 0 for e in np.flatnonzero(x_lp > 0.5).tolist()}
    if len(inst.edges) <= BLOSSOM_EDGES:
        best = round_by_round(inst, fairness=True)
        if inst.n <= 1500:
            best = better(inst, best, round_by_round(inst, fairness=True, max_cardinality=True))
    else:
        best = _colour(inst, lp_pairs, fast=True)
    proven = False
    n_round_vars = sum(len(r) for r in inst.edge_rounds)
    clock.phase("warm start", evaluate(inst, best)[2] + fixed_score, bound + fixed_score)

    def report(info: dict) -> None:
        if progress is not None:
            info = dict(info)
            if info.get("objective") is not None:
                info["objective"] += fixed_score
            info["upper_bound"] = bound + fixed_score
            info["elapsed"] = clock.elapsed()
            progress(info)

    run = dict(seed=seed, workers=workers, report=report, start=clock.start,
               deterministic=deterministic)
    if inst.edges and clock.left() > 0.3:
        pair_model = PairModel(inst, _pair_model_edges(inst, lp), round_capacity(inst))
        chosen, pair_proven, _ = pair_model.run(time_limit=clock.left() * 0.7, hint=None, **run)
        if chosen is not None:
            clock.phase("colouring")
            # Leave time to write the reasons (about 0.15 ms per meeting).
            reserve = 0.5 + 2e-4 * inst.n * inst.rounds
            coloured = _colour(inst, chosen, deadline=clock.start + clock.limit - reserve)
            complete = all(e in coloured for e in chosen)
            proven = pair_proven and complete
            best = better(inst, coloured, best)
        if not proven and n_round_vars <= EXACT_ROUND_VARS and clock.left() > 0.3:
            # Small event: the exact round model can prove the schedule optimal.
            rm = RoundModel(inst, range(len(inst.edges)))
            found, proven, _ = rm.run(time_limit=clock.left() * 0.9, hint=best, **run)
            if found is not None:
                best = better(inst, found, best)
    unmet_count, short_count, score = evaluate(inst, best)
    objective = score + fixed_score
    optimal = proven and not inst.pruned
    if not optimal and score >= bound - 1e-6 and short_count == 0 and unmet_count == 0:
        optimal = True
    upper = max(bound + fixed_score, objective)
    clock.phase("explaining", objective, upper)
    result = _result(inst, best, objective, upper, optimal, clock)
    clock.phase("done", result.objective, result.upper_bound)
    return result


def _pair_model_edges(inst: Instance, lp) -> list[int]:
    """All candidate pairs, or on large events the ones the LP says are worth a look.

    Keeps the pairs the LP uses, those with the best reduced costs (s_e - y_i - y_j - w,
    what a pair would cost against the LP's prices), and every pair of anybody the LP
    leaves short of target, so the fairness rule keeps its options.
    """
    m = len(inst.edges)
    if m <= PAIR_MODEL_EDGES:
        return list(range(m))
    rc = lp.reduced_cost(inst)
    keep = lp.x > 1e-6
    order = np.lexsort((np.arange(m), -rc))
    keep[order[: PAIR_MODEL_EDGES // 2]] = True
    deg = np.zeros(inst.n)
    ends = np.array(inst.edges)
    np.add.at(deg, ends[:, 0], lp.x)
    np.add.at(deg, ends[:, 1], lp.x)
    short = deg < inst.need - 1e-6
    keep |= short[ends[:, 0]] | short[ends[:, 1]]
    keep[inst.requested] = True
    return np.flatnonzero(keep).tolist()


def _colour(inst: Instance, pairs, *, fast: bool = False, deadline: float | None = None
            ) -> Schedule:
    """Colour chosen pairs into rounds; ``fast`` (a warm start on a large event) is greedy."""
    small = inst.n <= BLOSSOM_ATTENDEES
    return colour_pairs(inst, pairs, blossom=not fast, blossom_top_up=small and not fast,
                        deadline=deadline)


def _result(inst: Instance, assign: Schedule, objective: float, upper: float, optimal: bool,
            clock: _Clock) -> Result:
    scores = inst.scores
    ids = inst.ids
    meetings_by_round: dict[int, list[tuple[int, int, int | None, bool]]] = {
        r: [] for r in range(1, inst.rounds + 1)}
    score_of: dict[tuple[int, int], float] = {}
    for i, j, r, t in inst.fixed:
        meetings_by_round[r].append((i, j, t, True))
        score_of[i, j] = scores.mutual(ids[i], ids[j])
    for e, r in assign.items():
        i, j = inst.edges[e]
        meetings_by_round[r].append((i, j, inst.edge_table[e], False))
        score_of[i, j] = float(inst.edge_score[e])
    hosts = {t for t in inst.host if t is not None}
    rounds = []
    deg = np.zeros(inst.n, dtype=int)
    for r in range(1, inst.rounds + 1):
        items = sorted(meetings_by_round[r])
        taken = {t for _, _, t, _ in items if t is not None}
        for i, j, t, fixed in items:
            if fixed and t is None and inst.host[i] is not None:
                taken.add(inst.host[i])
            elif fixed and t is None and inst.host[j] is not None:
                taken.add(inst.host[j])
        next_table = 1
        out = []
        busy = set()
        for i, j, t, fixed in items:
            if t is None and fixed:
                t = inst.host[i] if inst.host[i] is not None else inst.host[j]
            if t is None:
                while next_table in taken or next_table in hosts:
                    next_table += 1
                t = next_table
                taken.add(t)
            a, b = ids[i], ids[j]
            why = _why(inst, i, j)
            out.append(Meeting(a, b, int(t), round(score_of[i, j], 6), why, fixed))
            busy |= {i, j}
            deg[[i, j]] += 1
        out.sort(key=lambda m: (m.table, m.a, m.b))
        sitting = [ids[i] for i in range(inst.n) if i not in busy and r in _attends(inst, i)]
        rounds.append(RoundResult(r, out, sitting))
    short = [ids[i] for i in range(inst.n) if deg[i] < inst.target[i]]
    targets = {ids[i]: int(inst.target[i]) for i in range(inst.n)}
    unmet = list(inst.unmet_requests)
    for e in inst.requested:
        if e not in assign:
            i, j = inst.edges[e]
            unmet.append((ids[i], ids[j], "no round left for it once the other rules and "
                                          "requests were met"))
    unmet.sort()
    gap = 0.0 if upper <= 0 else max(0.0, (upper - objective) / upper)
    if optimal:
        status, gap, upper = SolveStatus.OPTIMAL, 0.0, objective
    else:
        status = SolveStatus.FEASIBLE
    meetings = sum(len(rr.meetings) for rr in rounds)
    parts = [f"{meetings} meetings in {inst.rounds} rounds", f"score {objective:.2f}",
             f"bound {upper:.2f} (gap {gap:.2%})", f"{len(short)} short of target"]
    if unmet:
        parts.append(f"{len(unmet)} request(s) not met: " + "; ".join(
            f"{a}-{b}: {why}" for a, b, why in unmet))
    return Result(status=status, message=", ".join(parts), objective=round(objective, 6),
                  upper_bound=round(upper, 6), gap=gap, rounds=rounds, unmet_requests=unmet,
                  short=short, targets=targets, wall_time=clock.elapsed())


def _why(inst: Instance, i: int, j: int) -> str:
    scores = inst.scores
    a, b = inst.ids[i], inst.ids[j]
    explanation = scores.explain(a, b)
    if (i, j) not in inst.requested_pairs:
        return explanation.text
    names = [p.name.split()[0] if p.name.split() else p.id
             for p in (scores.people[i], scores.people[j])]
    text = f"The organiser asked {names[0]} and {names[1]} to meet."
    if explanation.a_gives or explanation.b_gives or (
            scores.from_weights and scores.mutual(a, b) > 0):
        text += " " + explanation.text
    return text


def _attends(inst: Instance, i: int) -> tuple[int, ...]:
    p = inst.scores.people[i]
    return p.available_rounds if p.available_rounds is not None else tuple(
        range(1, inst.rounds + 1))


def result_to_dict(result: Result) -> dict:
    """The JSON output format (see the README), plus gap, unmet requests, short and timing."""
    return {
        "status": str(result.status),
        "message": result.message,
        "objective": result.objective,
        "upper_bound": result.upper_bound,
        "gap": round(result.gap, 6),
        "rounds": [{"round": rr.round,
                    "meetings": [{"a": m.a, "b": m.b, "table": m.table, "score": m.score,
                                  "why": m.why, **({"fixed": True} if m.fixed else {})}
                                 for m in rr.meetings],
                    "sitting_out": rr.sitting_out} for rr in result.rounds],
        "unmet_requests": [{"a": a, "b": b, "reason": why} for a, b, why in
                           result.unmet_requests],
        "short": result.short,
        "targets": result.targets,
        "wall_time": round(result.wall_time, 3),
    }


__all__ = ["Meeting", "Result", "RoundResult", "SCALE", "SolveStatus", "result_to_dict",
           "solve"]

"""solve(problem) -> Result: score, bound, warm start, CP-SAT, rounds and tables.

Priorities, in order: (1) hard rules, (2) requested pairs, (3) fewest attendees short of
their target, (4) greatest total mutual score.

Phases: score the event once (sparse) and prune to each attendee's best partners
(:func:`_prepare`); bound the score with the LP relaxation and its dual, solved by HiGHS
(:func:`_bound`); build a fair round-by-round maximum-weight matching, or colour the LP's
pairs on large events (:func:`_warm_start`); choose pairs with the CP-SAT pair model (a
b-matching, far fewer booleans than one per pair and round) and colour them into rounds
(:func:`_choose_and_colour`); on small events let the exact round model prove or improve
the schedule (:func:`_prove_small`); then write tables and reasons (:func:`_finish`). The
best schedule found by the priorities is returned.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .baseline import round_by_round
from .bounds import LPBound, lp_bound, round_capacity
from .colouring import colour_pairs
from .compact import compact_schedule, compact_work, result_gaps
from .instance import SCALE, Instance, add_candidates, build_instance
from .model import PairModel, RoundModel
from .problem import Problem
from .result import (
    Meeting,
    Result,
    RoundResult,
    ScheduledMeeting,
    SolveStatus,
    build_result,
    infeasible_result,
    result_to_dict,
)
from .schedule import Schedule, better, evaluate
from .scoring import ScoreModel, score_event
from .trios import (
    Thirds,
    add_trios,
    fixed_trio_gain,
    seat_fixed_trios,
    split_fixed_trios,
    trio_reserve,
)

EXACT_ROUND_VARS = 3_000  # booleans: small events are also solved exactly by the round model
BLOSSOM_ATTENDEES = 1_500  # above this, topping up is greedy (blossom is O(n^3))
PAIR_MODEL_EDGES = 40_000  # candidate pairs: above this the pair model gets an LP-pruned set
BLOSSOM_EDGES = 8_000  # candidate pairs: above this the warm start colours the LP solution
MIN_SEARCH = 0.3  # seconds: below this a CP-SAT phase is not started
BOUND_SHARE = 0.9  # of the search time: the most the LP bound may take (it stops early)
EXPLAIN_SAMPLE = 20  # pairs explained to measure what writing the reasons will cost
EXPLAIN_MARGIN = 1.5  # times that measured cost kept in reserve
COLOUR_SHARE = 0.5  # of the pair choice's time: the most colouring takes on a pruned event
MIN_COLOUR = 2.0  # seconds: the least it gets there (see _choose_and_colour)
PAIR_GAP = 0.001  # of the LP bound: a pruned event's pair search stops this close to its bound
BOUND_ROUNDS = 3  # LP solves after the first, adding underpriced pruned pairs each time
BOUND_ADD = 25  # pairs added per person and round: its most underpriced ones
BOUND_CLOSE = 0.001  # of the bound: stop adding pairs once the LP's value is this close
WARM_SHARE = 0.25  # of the search time: the most the warm start's colouring may take


class _Clock:
    """Elapsed and remaining time, and progress reports with the fixed meetings' score."""

    def __init__(self, time_limit: float, progress: Callable[[dict], None] | None):
        self.start = time.monotonic()
        self.limit = time_limit
        self.progress = progress
        self.fixed_score = 0.0  # added to the new meetings' score in every report
        self.bound = 0.0  # the bound on the new meetings' score, once known
        self.reserve = 0.5  # seconds kept at the end to write tables and reasons

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def left(self) -> float:
        return self.limit - self.elapsed()

    def search_left(self) -> float:
        """Seconds a search may still use, keeping the reserve for writing the result."""
        return self.left() - self.reserve

    def deadline(self, share: float = 1.0) -> float:
        """time.monotonic() by which ``share`` of the search time left is used up."""
        return time.monotonic() + max(0.0, self.search_left()) * share

    def phase(self, name: str, objective: float | None = None, bound: float | None = None):
        if self.progress is not None:
            self.progress({"phase": name, "elapsed": self.elapsed(), "objective": objective,
                           "upper_bound": bound})

    def report(self, info: dict) -> None:
        """Pass on a CP-SAT progress report, scored like the final result."""
        if self.progress is not None:
            info = dict(info)
            if info.get("objective") is not None:
                info["objective"] += self.fixed_score
            info["upper_bound"] = self.bound + self.fixed_score
            info["elapsed"] = self.elapsed()
            self.progress(info)


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
    pairs_only, held_trios = split_fixed_trios(problem)  # a fixed trio: see matching/trios.py
    inst = _prepare(pairs_only, scores)
    thirds = seat_fixed_trios(inst, problem, held_trios)
    if inst.infeasible:
        clock.phase("done")
        return infeasible_result(inst, clock.elapsed())
    clock.fixed_score = float(sum(inst.scores.mutual(inst.ids[i], inst.ids[j])
                                  for i, j, _, _ in inst.fixed)) + fixed_trio_gain(inst, thirds)
    clock.reserve = _explain_reserve(inst)
    trio_time = trio_reserve(inst) if problem.settings.allow_trios else 0.0
    clock.reserve += trio_time  # kept for seating the people who would sit out (trios.py)
    clock.phase("bound")
    lp = _bound(inst, clock)
    clock.bound = lp.bound
    clock.phase("warm start", None, lp.bound + clock.fixed_score)
    best = _warm_start(inst, lp, clock)
    clock.phase("warm start", evaluate(inst, best)[2] + clock.fixed_score,
                lp.bound + clock.fixed_score)
    run = dict(seed=seed, workers=workers, report=clock.report, start=clock.start,
               deterministic=deterministic)
    best, proven = _choose_and_colour(inst, lp, best, clock, run)
    if not proven:
        best, proven = _prove_small(inst, best, clock, run)
    if problem.settings.compact:  # the same meetings, fewer idle gaps: a tie-break, so it
        # only gets the time the priorities above it left over (never takes theirs)
        clock.phase("compacting")
        best = compact_schedule(inst, best, deadline=clock.deadline(),
                                work=compact_work(time_limit), seed=seed, workers=workers,
                                deterministic=deterministic)
    return _finish(inst, best, proven, lp.bound, clock, thirds, trio_time)


def _prepare(problem: Problem, scores: ScoreModel | None) -> Instance:
    """Scores, availability, capacities and candidate pairs in solver indices."""
    return build_instance(problem, score_event(problem) if scores is None else scores)


def _explain_reserve(inst: Instance) -> float:
    """Seconds to keep for writing the result: reasons for as many meetings as the rounds
    can hold, at the cost measured on a few candidate pairs (the median of three batches,
    as a busy machine makes single timings noisy)."""
    sample = inst.edges[:: max(1, len(inst.edges) // EXPLAIN_SAMPLE)][:EXPLAIN_SAMPLE]
    if not sample:
        return 0.5
    pairs = [(inst.ids[i], inst.ids[j]) for i, j in sample]
    costs = []
    for _ in range(3):
        began = time.monotonic()
        inst.scores.explain_many(pairs)
        costs.append((time.monotonic() - began) / len(sample))
    # + tables and rows; x EXPLAIN_MARGIN, as a busy machine slows the real pass more than
    # the sample (a 280 s run at load 8 finished at 282 s with the bare estimate)
    per_meeting = EXPLAIN_MARGIN * (sorted(costs)[1] + 5e-5)
    meetings = min(round_capacity(inst), int(inst.cap.sum()) // 2) + len(inst.fixed)
    return 0.5 + per_meeting * meetings


def _bound(inst: Instance, clock: _Clock) -> LPBound:
    """The LP bound by column generation: pruned pairs the LP prices too low become
    candidates (the most underpriced few of each person, BOUND_ADD) and the LP is solved
    again, while that gains and time allows; each bound covers every allowed pair.

    Uses at most BOUND_SHARE of the search time; a bound cut short is looser, never wrong.
    Adding every underpriced pair at once (before) made 10,000 x 8 an LP of 640,000 pairs
    (126 s); 25 per person (129,000 pairs) reach 35,091 in one round, the full LP 35,118.
    """
    deadline = clock.deadline(BOUND_SHARE)
    began = time.monotonic()
    lp = lp_bound(inst, deadline=deadline)
    for _ in range(BOUND_ROUNDS):
        took, primal = time.monotonic() - began, float(inst.edge_score @ lp.x)
        if (not lp.underpriced or lp.bound - primal <= BOUND_CLOSE * lp.bound
                or time.monotonic() + 1.0 * took > deadline):
            break
        old_edges = list(inst.edges)
        add_candidates(inst, lp.most_underpriced(BOUND_ADD))
        began = time.monotonic()
        again = lp_bound(inst, deadline=deadline)
        if not again.solved:
            # Out of time: keep the last bound (it covers every pair) and its solution.
            x = np.zeros(len(inst.edges))
            x[[inst.edge_index[e] for e in old_edges]] = lp.x
            return LPBound(lp.bound, x, lp.y, lp.w, solved=True)
        again.bound = min(again.bound, lp.bound)  # both are valid bounds
        lp = again
    return lp


def _warm_start(inst: Instance, lp: LPBound, clock: _Clock) -> Schedule:
    """A fair schedule to start from: round-by-round matching, or on many candidate pairs
    the LP's chosen pairs coloured greedily into rounds (then Kempe swaps and the tabu
    search, within WARM_SHARE of the search time)."""
    if len(inst.edges) > BLOSSOM_EDGES:
        lp_pairs = {e: 0 for e in np.flatnonzero(lp.x > 0.5).tolist()}
        return colour_pairs(inst, lp_pairs, blossom=False, blossom_top_up=False,
                            deadline=clock.deadline(WARM_SHARE))
    best = round_by_round(inst, fairness=True)
    if inst.n <= BLOSSOM_ATTENDEES:
        best = better(inst, best, round_by_round(inst, fairness=True, max_cardinality=True))
    return best


def _choose_and_colour(inst: Instance, lp: LPBound, best: Schedule, clock: _Clock,
                       run: dict) -> tuple[Schedule, bool]:
    """CP-SAT chooses the pairs (requests, fairness, score); colouring gives them rounds.

    Returns the better of that and ``best``, and whether it is proven optimal (the pair
    choice proven and every chosen pair coloured).
    """
    if not inst.edges or clock.search_left() <= MIN_SEARCH:
        return best, False
    # On large events (a pruned pair model) the search may not find a first solution in
    # time: start from the warm start's pairs there. Below that the hint only costs time:
    # CP-SAT first searches around a complete hint, which at 1,000 x 8 (27,000 pairs) took
    # 14 s of a 20 s run that proves the same optimum in 5 s without it.
    hint = best if len(inst.edges) > PAIR_MODEL_EDGES else None
    pair_model = PairModel(inst, _pair_model_edges(inst, lp, hint or {}), round_capacity(inst))
    began = time.monotonic()
    # A pruned event's pair choice proves nothing (only meeting the LP bound does), so its
    # search stops within PAIR_GAP of its own bound instead of proving the last fraction.
    gap_limit = PAIR_GAP * lp.bound if inst.pruned else 0.0
    chosen, proven = pair_model.run(time_limit=clock.search_left() * 0.7, hint=hint,
                                    gap_limit=gap_limit, **run)
    if chosen is None:
        return best, False
    clock.phase("colouring")
    deadline = clock.deadline()
    if inst.pruned:
        # On a pruned event the pair choice proves nothing (only meeting the LP bound does),
        # and the exact repair's later, larger steps rarely place a pair (1000 x 8: 2 pairs
        # in its first 0.1 s, none in the next 10 s): colouring gets half as long as
        # choosing the pairs took.
        spent = time.monotonic() - began
        deadline = min(deadline, time.monotonic() + max(MIN_COLOUR, COLOUR_SHARE * spent))
    # Blossom per round is O(n^3): large events colour greedily, then swap and repair.
    small = inst.n <= BLOSSOM_ATTENDEES
    # The tabu search is bounded by its own budget of moves (about 25 s of CPU at 10,000 x 8,
    # where it places 400 of 517 left-over pairs): it may use the search time left.
    coloured = colour_pairs(inst, chosen, blossom=small, exact=True, blossom_top_up=small,
                            deadline=deadline, seed=run["seed"],
                            tabu_deadline=clock.deadline())
    proven = proven and all(e in coloured for e in chosen)
    return better(inst, coloured, best), proven


def _prove_small(inst: Instance, best: Schedule, clock: _Clock, run: dict
                 ) -> tuple[Schedule, bool]:
    """On a small event the exact round model can prove the schedule optimal (or beat it)."""
    n_round_vars = sum(len(r) for r in inst.edge_rounds)
    if not inst.edges or n_round_vars > EXACT_ROUND_VARS or clock.search_left() <= MIN_SEARCH:
        return best, False
    found, proven = RoundModel(inst, range(len(inst.edges))).run(
        time_limit=clock.search_left() * 0.9, hint=best, **run)
    return (best, proven) if found is None else (better(inst, found, best), proven)


def _finish(inst: Instance, best: Schedule, proven: bool, bound: float, clock: _Clock,
            thirds: Thirds | None = None, trio_time: float = 0.0) -> Result:
    """Status, objective and bound of the best schedule, then its tables and reasons."""
    unmet_count, short_count, score = evaluate(inst, best)
    objective = score + clock.fixed_score
    optimal = proven and not inst.pruned
    if not optimal and score >= bound - 1e-6 and short_count == 0 and unmet_count == 0:
        optimal = True
    upper = max(bound + clock.fixed_score, objective)
    # Trios (allow_trios) seat people who would sit out; the bound and proof cover the pairs.
    clock.reserve -= trio_time
    thirds, trio_gain = add_trios(inst, best, thirds or {}, deadline=clock.deadline())
    if trio_gain is not None:
        optimal, objective, upper = False, objective + trio_gain, upper + trio_gain
    clock.phase("explaining", objective, upper)
    result = build_result(inst, best, objective, upper, optimal, 0.0, thirds)
    result.wall_time = clock.elapsed()
    result.idle_gaps = result_gaps(result.rounds)
    result.message += f", {result.idle_gaps} idle gaps"
    clock.phase("done", result.objective, result.upper_bound)
    return result


def _pair_model_edges(inst: Instance, lp: LPBound, start: Schedule) -> list[int]:
    """All candidate pairs, or on large events the ones the LP says are worth a look.

    Keeps the pairs the LP uses, those with the best reduced costs (s_e - y_i - y_j - w,
    what a pair would cost against the LP's prices), every pair of anybody the LP leaves
    short of target, so the fairness rule keeps its options, and the pairs of ``start``.
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
    keep[list(start)] = True
    return np.flatnonzero(keep).tolist()


__all__ = ["Meeting", "Result", "RoundResult", "SCALE", "ScheduledMeeting", "SolveStatus",
           "result_to_dict", "solve"]

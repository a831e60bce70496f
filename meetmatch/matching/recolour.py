"""Exact repair of a colouring: chosen pairs the heuristics could not give a round.

A pair is left over when every Kempe swap of two rounds fails (the alternating chain closes
an odd cycle). The repair takes a few rounds -- one free at each end of the pair plus some
more -- and lets CP-SAT recolour the meetings of those rounds near the pair (within a few
steps of it) together with the left-over pairs that fit there: meetings already placed keep
a round among them, left-over pairs are placed where possible. Everything else stays as it
is, so each step is small, also on large events.
When steps place nothing, the next ones take twice as many rounds; a step over all rounds
is exact, so a pair is given up only when no colouring of the chosen pairs has room for it
(or the deadline comes first). Deterministic for a seed.
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from .cpsat import make_solver
from .instance import Instance

if TYPE_CHECKING:
    from .colouring import RoundState

FIRST_ROUNDS = 3  # rounds in a first repair step (2 is a Kempe swap)
TRIES_PER_SIZE = 4  # failed steps before a step takes twice as many rounds
STEP_SECONDS = 2.0  # cap on one CP-SAT step (deterministic time, a quarter of it)
NEAR_DEPTH = 8  # a first step moves meetings within this many steps of the pair


def repair(inst: Instance, state: RoundState, left: list[int], *, deadline: float | None,
           seed: int = 0) -> list[int]:
    """Place left-over pairs ``left`` by recolouring a few rounds at a time.

    Changes ``state`` in place; returns the pairs still without a round, in ``left``'s
    order of priority.
    """
    rng = random.Random(seed)  # seeded for reproducible schedules, not for secrets  # nosec B311
    left = list(left)
    given_up: list[int] = []
    size, failures = FIRST_ROUNDS, 0
    while left:
        budget = STEP_SECONDS if deadline is None else min(STEP_SECONDS,
                                                           deadline - time.monotonic())
        if budget <= 0.05:
            break
        rounds = _pick_rounds(inst, state, left[0], size, rng)
        depth = None if size >= inst.rounds else NEAR_DEPTH * size // FIRST_ROUNDS
        placed, exact = _recolour(inst, state, rounds, left, seed, budget, depth)
        if placed:
            left = [f for f in left if f not in placed]
            size, failures = FIRST_ROUNDS, 0
            continue
        failures += 1
        if len(rounds) == inst.rounds and (exact or failures >= TRIES_PER_SIZE):
            # Every round was free to change: proven (or, out of tries, taken) as no room.
            given_up.append(left.pop(0))
            size, failures = FIRST_ROUNDS, 0
        elif failures >= TRIES_PER_SIZE:
            size, failures = size * 2, 0
    return given_up + left


def _pick_rounds(inst: Instance, state: RoundState, e: int, size: int,
                 rng: random.Random) -> list[int]:
    """Rounds for one step on pair e: one free for each end (when any), then random rounds
    the pair could use, then any others (moving a meeting out can make room too)."""
    if size >= inst.rounds:
        return list(range(1, inst.rounds + 1))
    u, v = inst.edges[e]
    allowed = list(inst.edge_rounds[e])
    chosen: list[int] = []
    for x in (u, v):
        free = [r for r in allowed if state.free(x, r) and r not in chosen]
        if free:
            chosen.append(rng.choice(free))
    usable = [r for r in allowed if r not in chosen]
    others = [r for r in range(1, inst.rounds + 1) if r not in allowed]
    rng.shuffle(usable)
    rng.shuffle(others)
    return sorted((chosen + usable + others)[:size])


def _recolour(inst: Instance, state: RoundState, rounds: list[int], left: list[int],
              seed: int, budget: float, depth: int | None) -> tuple[set[int], bool]:
    """One CP-SAT step over ``rounds``; returns (left-over pairs placed, solved exactly).

    With a ``depth``, only meetings of those rounds within ``depth`` steps of the first
    left-over pair move (the rest of each round stays as it is), which keeps steps small
    on large events; None moves every meeting of the rounds.
    """
    in_rounds = set(rounds)
    if depth is None:
        moving = sorted(f for r in rounds for f in state.in_round[r])
        waiting = [f for f in left if in_rounds.intersection(inst.edge_rounds[f])]
    else:
        moving, waiting = _neighbourhood(inst, state, left, in_rounds, depth)
    model, x = _model(inst, state, rounds, moving, waiting)
    requested = set(inst.requested)
    top = max((inst.iscore(f) for f in waiting), default=0) + 1
    model.Maximize(sum((inst.iscore(f) + top * (1 + 8 * (f in requested))) * var
                       for (f, r), var in x.items() if f not in state.assign))
    solver = make_solver(budget, seed=seed)
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return set(), False
    placed = {f for (f, r), var in x.items() if f not in state.assign and solver.Value(var)}
    if placed:
        for f in moving:
            state._take(f)
        for (f, r), var in sorted(x.items()):
            if solver.Value(var):
                state._put(f, r)
    return placed, status == cp_model.OPTIMAL and depth is None


def _model(inst: Instance, state: RoundState, rounds: list[int], moving: list[int],
           waiting: list[int]):
    """The step's CP-SAT model: x[pair, round] with the rules of one round (one meeting a
    person, tables) and the meetings outside ``moving`` fixed; hinted with the present."""
    in_rounds, moving_set = set(rounds), set(moving)
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for f in moving + waiting:
        for r in inst.edge_rounds[f]:
            if r in in_rounds and _open(inst, state, f, r, moving_set):
                x[f, r] = model.NewBoolVar("")
    by_edge: dict[int, list] = {}
    by_person_round: dict[tuple[int, int], list] = {}
    by_table_round: dict[tuple[int | None, int], list] = {}
    for (f, r), var in x.items():
        by_edge.setdefault(f, []).append(var)
        for person in inst.edges[f]:
            by_person_round.setdefault((person, r), []).append(var)
        by_table_round.setdefault((inst.edge_table[f], r), []).append(var)
    for f in moving:
        model.AddExactlyOne(by_edge[f])  # a placed meeting keeps a round (its own is allowed)
    for f in waiting:
        if f in by_edge:
            model.AddAtMostOne(by_edge[f])
    for vs in by_person_round.values():
        model.AddAtMostOne(vs)
    for (t, r), vs in by_table_round.items():
        if t is None:
            staying = state.free_used[r] - sum(
                1 for f in state.in_round[r] if f in moving_set and inst.edge_table[f] is None)
            room = inst.free_cap[r] - staying
        else:
            room = 1
        if room < len(vs):
            model.Add(sum(vs) <= int(room))
    for (f, r), var in x.items():
        model.AddHint(var, 1 if state.assign.get(f) == r else 0)
    return model, x


def _neighbourhood(inst: Instance, state: RoundState, left: list[int], rounds: set[int],
                   depth: int) -> tuple[list[int], list[int]]:
    """Meetings in ``rounds`` within ``depth`` steps of the first left-over pair, and the
    left-over pairs among the people reached."""
    seen = set(inst.edges[left[0]])
    frontier = sorted(seen)
    moving: set[int] = set()
    for _ in range(depth):
        nxt = []
        for person in frontier:
            for r in rounds:
                f = state.at[person].get(r)
                if f is None or f in moving:
                    continue
                moving.add(f)
                for other in inst.edges[f]:
                    if other not in seen:
                        seen.add(other)
                        nxt.append(other)
        frontier = nxt
    waiting = [f for f in left if seen.issuperset(inst.edges[f])
               and rounds.intersection(inst.edge_rounds[f])]
    return sorted(moving), waiting


def _open(inst: Instance, state: RoundState, f: int, r: int, moving: set[int]) -> bool:
    """Whether pair f may take round r with the meetings outside ``moving`` staying put:
    both people free of them, and its host table (if any) too."""
    for person in inst.edges[f]:
        other = state.at[person].get(r)
        if other is not None and other not in moving:
            return False
    t = inst.edge_table[f]
    if t is None:
        return True
    holder = state.host_used.get((t, r))
    return holder is None or holder in moving

"""Tabu search on a partial colouring: place left-over pairs by moving meetings aside.

Greedy placement and Kempe swaps leave about 1.4% of a large event's chosen pairs without
a round (10,000 x 8: 517 of 36,232; the exact repair of :mod:`.recolour` places a handful
of them a minute there). This search works like PartialCol for graph colouring: a move
gives a left-over pair a round it may use and takes out the (at most two) meetings of its
people in that round, which become left over themselves; a meeting taken out of a round
may not return to it for a while (the tabu tenure), so the search walks out of the local
traps where every Kempe chain closes on itself. Moves are ranked by what they gain (a
placed pair first, then its score; requested pairs above all), the best colouring seen is
kept, and the number of moves is fixed in advance, so a seed gives the same schedule.
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING

from .instance import Instance

if TYPE_CHECKING:
    from .colouring import RoundState

TENURE = 30  # moves before a meeting may go back to the round it was taken out of
MOVES_PER_PAIR = 1_000  # moves per left-over pair at the start
MAX_MOVES = 600_000  # about 25 s of CPU on this machine
CHECK_EVERY = 2_000  # moves between looks at the clock


def tabu_place(inst: Instance, state: RoundState, left: list[int], *,
               deadline: float | None = None, seed: int = 0,
               moves: int | None = None) -> list[int]:
    """Give rounds to left-over pairs ``left`` by tabu search; change ``state`` in place.

    Returns the pairs without a round in the best colouring found (sorted). ``moves``
    (default: MOVES_PER_PAIR per left-over pair, at most MAX_MOVES) fixes the work, so the
    result depends only on the input and ``seed``; ``deadline`` (time.monotonic()) is a
    safety net that stops the search early on a machine too slow for the budget.
    """
    if not left:
        return []
    if moves is None:
        moves = min(MAX_MOVES, MOVES_PER_PAIR * len(left))
    rng = random.Random(seed)  # seeded for reproducible schedules, not for secrets  # nosec B311
    edges, rounds_of, table_of = inst.edges, inst.edge_rounds, inst.edge_table
    top = max(inst.iscore(e) for e in left) + 1
    for f in state.assign:
        top = max(top, inst.iscore(f) + 1)
    requested = set(inst.requested)

    def weight(f: int) -> int:
        return inst.iscore(f) + top * (1 + 8 * (f in requested))

    pool = sorted(set(left))  # left-over pairs; position map for O(1) pick and removal
    where = {f: k for k, f in enumerate(pool)}

    def drop(f: int) -> None:
        k = where.pop(f)
        last = pool.pop()
        if last != f:
            pool[k] = last
            where[last] = k

    def add(f: int) -> None:
        where[f] = len(pool)
        pool.append(f)

    lost = sum(weight(f) for f in pool)
    best_lost = lost
    undo: list[tuple[int, int | None]] = []  # (pair, round before) since the best colouring
    tabu_until: dict[tuple[int, int], int] = {}
    for it in range(moves):
        if not pool:
            break
        if deadline is not None and it % CHECK_EVERY == 0 and time.monotonic() > deadline:
            break
        e = pool[rng.randrange(len(pool))]
        u, v = edges[e]
        t = table_of[e]
        we = weight(e)
        move = None
        for r in rounds_of[e]:
            out: list[int] = []
            for x in (u, v):
                f = state.at[x].get(r)
                if f is not None and f not in out:
                    out.append(f)
            if t is not None:
                holder = state.host_used.get((t, r))
                if holder == -1:
                    continue  # a fixed meeting holds the table
                if holder is not None and holder not in out:
                    out.append(holder)
            elif state.free_used[r] - sum(1 for f in out if table_of[f] is None) \
                    >= inst.free_cap[r]:
                continue  # every free table of the round is taken
            gain = we - sum(weight(f) for f in out)
            if tabu_until.get((e, r), -1) > it and lost - gain >= best_lost:
                continue  # tabu, unless it beats the best colouring (aspiration)
            key = (gain, rng.random())
            if move is None or key > move[0]:
                move = (key, r, out)
        if move is None:
            continue
        (gain, _), r, out = move
        for f in out:
            old = state._take(f)
            undo.append((f, old))
            add(f)
            tabu_until[f, old] = it + TENURE + rng.randrange(TENURE)
        state._put(e, r)
        undo.append((e, None))
        drop(e)
        lost -= gain
        if lost < best_lost:
            best_lost = lost
            undo.clear()
    for f, old in reversed(undo):  # back to the best colouring seen
        if old is None:
            state._take(f)
            add(f)
        else:
            drop(f)
            state._put(f, old)
    return sorted(pool)

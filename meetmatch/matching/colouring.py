"""Put chosen pairs into rounds: matchings, Kempe-chain swaps, tabu search, exact repair.

Colouring the pairs of a b-matching into rounds is list edge colouring (each pair may only
use the rounds both people attend). Round-by-round matchings that favour attendees with many
pairs left place almost everything; a pair left over is placed by swapping two rounds along
an alternating chain (the classic Kempe/Vizing step), checked against availability and tables;
then a tabu search moves meetings aside for the pairs still left (:mod:`.tabu`), and what is
left after that is placed by recolouring a few rounds at a time (:mod:`.recolour`).
"""

from __future__ import annotations

import time

import numpy as np

from .baseline import round_by_round
from .instance import Instance
from .recolour import repair
from .schedule import Schedule
from .tabu import tabu_place


class RoundState:
    """A partial colouring: each placed pair's round, and what every round uses."""

    def __init__(self, inst: Instance, assign: Schedule):
        self.inst = inst
        self.assign = dict(assign)
        self.in_round: dict[int, set[int]] = {r: set() for r in range(1, inst.rounds + 1)}
        self.at: list[dict[int, int]] = [{} for _ in range(inst.n)]  # vertex -> round -> edge
        self.free_used = {r: 0 for r in range(1, inst.rounds + 1)}
        self.host_used: dict[tuple[int, int], int] = {}
        for tr in inst.host_busy:
            self.host_used[tr] = -1
        for e, r in assign.items():
            self._put(e, r)

    def _put(self, e: int, r: int) -> None:
        i, j = self.inst.edges[e]
        self.at[i][r] = e
        self.at[j][r] = e
        self.assign[e] = r
        self.in_round[r].add(e)
        t = self.inst.edge_table[e]
        if t is None:
            self.free_used[r] += 1
        else:
            self.host_used[t, r] = e

    def _take(self, e: int) -> int:
        r = self.assign.pop(e)
        self.in_round[r].discard(e)
        i, j = self.inst.edges[e]
        del self.at[i][r]
        del self.at[j][r]
        t = self.inst.edge_table[e]
        if t is None:
            self.free_used[r] -= 1
        else:
            del self.host_used[t, r]
        return r

    def table_ok(self, e: int, r: int) -> bool:
        t = self.inst.edge_table[e]
        if t is None:
            return self.free_used[r] < self.inst.free_cap[r]
        return (t, r) not in self.host_used

    def free(self, i: int, r: int) -> bool:
        return r in self.inst.free_rounds[i] and r not in self.at[i]

    def place(self, e: int) -> bool:
        inst = self.inst
        u, v = inst.edges[e]
        rounds = inst.edge_rounds[e]
        for r in rounds:
            if self.free(u, r) and self.free(v, r) and self.table_ok(e, r):
                self._put(e, r)
                return True
        for a, b in ((u, v), (v, u)):
            for r1 in rounds:
                if not self.free(a, r1) or r1 not in inst.free_rounds[b]:
                    continue
                for r2 in rounds:
                    if r2 != r1 and self.free(b, r2) and self._swap_chain(b, r1, r2, avoid=a):
                        if self.free(a, r1) and self.free(b, r1) and self.table_ok(e, r1):
                            self._put(e, r1)
                            return True
        return False

    def _swap_chain(self, start: int, r1: int, r2: int, avoid: int) -> bool:
        """Swap rounds r1 and r2 on the alternating chain from ``start``; undo if invalid."""
        inst = self.inst
        chain = []
        x, want, other = start, r1, r2
        seen = set()
        while want in self.at[x]:
            e = self.at[x][want]
            if e in seen:
                return False
            seen.add(e)
            chain.append((e, want, other))
            i, j = inst.edges[e]
            x = j if i == x else i
            if x == avoid:
                return False
            want, other = other, want
        if not chain:
            return True
        for e, _old, new in chain:
            if new not in inst.edge_rounds[e]:
                return False
        taken = [(e, self._take(e)) for e, _, _ in chain]
        ok = True
        placed = []
        for e, _old, new in chain:
            if not self.table_ok(e, new):
                ok = False
                break
            self._put(e, new)
            placed.append(e)
        if not ok:
            for e in placed:
                self._take(e)
            for e, old in taken:
                self._put(e, old)
        return ok


def colour_pairs(inst: Instance, pairs, *, blossom: bool = True,
                 blossom_top_up: bool = True, exact: bool = False,
                 deadline: float | None = None, seed: int = 0,
                 tabu_deadline: float | None = None) -> Schedule:
    """Rounds for the chosen pairs (as many as fit), then top up with the best other pairs.

    ``blossom`` colours with one maximum matching per round (best on small and mid-size
    events); without it, pairs are placed greedily, most constrained first, which is
    linear-time and what large events use. Either way Kempe swaps and fairness trades
    follow. ``blossom_top_up`` fills the free places with matchings too (else greedily).
    Rounds the matchings cannot reach before ``deadline`` are filled greedily. With
    ``exact``, pairs the swaps cannot place are placed by recolouring a few rounds at a time
    with CP-SAT (see :mod:`.recolour`) until none is left or the deadline comes. The tabu
    search before it stops at its own budget of moves or at ``tabu_deadline`` (by default
    ``deadline``).
    """
    pairs = sorted(pairs)
    state = RoundState(inst, {})
    if blossom:
        state = RoundState(inst, round_by_round(inst, pairs, fairness=True,
                                                max_cardinality=True, critical_degree=True,
                                                deadline=deadline))
    _greedy(inst, state, [e for e in pairs if e not in state.assign])
    left = [e for e in pairs if e not in state.assign]
    requested = set(inst.requested)
    left.sort(key=lambda e: (e not in requested, -inst.edge_score[e], e))
    left = [e for e in left if not state.place(e)]
    if left:
        left = tabu_place(inst, state, left, seed=seed,
                          deadline=deadline if tabu_deadline is None else tabu_deadline)
        left.sort(key=lambda e: (e not in requested, -inst.edge_score[e], e))
    if left and exact:
        left = repair(inst, state, left, deadline=deadline, seed=seed)
    if left:
        _trade(inst, state, left)
    if blossom_top_up and (deadline is None or time.monotonic() < deadline):
        state = RoundState(inst, round_by_round(inst, None, fairness=True,
                                                start=state.assign, deadline=deadline))
    top_up(inst, state)
    fix_short(inst, state)
    return state.assign


def _greedy(inst: Instance, state: RoundState, pairs: list[int]) -> None:
    """Place pairs one by one: requested first, then those whose people have the least
    room (pairs left versus free rounds), then by score."""
    load = np.zeros(inst.n, dtype=int)
    for e in pairs:
        load[list(inst.edges[e])] += 1
    room = np.array([len(r) for r in inst.free_rounds]) - load
    requested = set(inst.requested)

    def key(e: int):
        i, j = inst.edges[e]
        return (e not in requested, int(min(room[i], room[j])), len(inst.edge_rounds[e]),
                -inst.edge_score[e], e)

    for e in sorted(pairs, key=key):
        u, v = inst.edges[e]
        for r in inst.edge_rounds[e]:
            if state.free(u, r) and state.free(v, r) and state.table_ok(e, r):
                state._put(e, r)
                break


def top_up(inst: Instance, state: RoundState) -> None:
    """Fill free places with the best remaining pairs, people short of target first."""
    need = inst.need
    deg = np.array([len(state.at[i]) for i in range(inst.n)])
    cap = inst.cap
    rest = [e for e in range(len(inst.edges)) if e not in state.assign]

    def key(e: int):
        i, j = inst.edges[e]
        return (-int((deg[i] < need[i]) + (deg[j] < need[j])), -inst.edge_score[e], e)

    for e in sorted(rest, key=key):
        u, v = inst.edges[e]
        if deg[u] >= cap[u] or deg[v] >= cap[v]:
            continue
        for r in inst.edge_rounds[e]:
            if state.free(u, r) and state.free(v, r) and state.table_ok(e, r):
                state._put(e, r)
                deg[u] += 1
                deg[v] += 1
                break


def _trade(inst: Instance, state: RoundState, left: list[int]) -> None:
    """Place a left-over pair whose loss would leave someone short of target by taking out
    a weaker pair whose people stay at or above target (fairness before score)."""
    need = inst.need
    deg = np.array([len(state.at[i]) for i in range(inst.n)])
    for e in left:
        u, v = inst.edges[e]
        if deg[u] >= need[u] and deg[v] >= need[v]:
            continue  # losing this pair costs score only; the top-up may refill
        best = None
        for a, b in ((u, v), (v, u)):
            for r in inst.edge_rounds[e]:
                if not state.free(b, r) or r not in state.at[a]:
                    continue
                f = state.at[a][r]
                i, j = inst.edges[f]
                w = j if i == a else i
                if deg[w] - 1 < need[w]:
                    continue
                key = (inst.edge_score[f], f)
                if best is None or key < best[0]:
                    best = (key, f, r, w)
        if best is None:
            continue
        _, f, r, w = best
        state._take(f)
        if state.table_ok(e, r):
            state._put(e, r)
            deg[w] -= 1
            deg[u] += 1
            deg[v] += 1
        else:
            state._put(f, r)


def fix_short(inst: Instance, state: RoundState) -> None:
    """Give attendees below target a meeting where one fits: with a free partner, or by
    taking a partner away from someone who stays at or above target (fairness before
    score; among the options the smallest loss of score wins)."""
    need = inst.need
    deg = np.array([len(state.at[i]) for i in range(inst.n)])
    incident: dict[int, list[int]] = {}
    for u in np.flatnonzero(deg < need).tolist():
        incident[u] = []
    if not incident:
        return
    for e, (i, j) in enumerate(inst.edges):
        if i in incident:
            incident[i].append(e)
        if j in incident:
            incident[j].append(e)
    for u in sorted(incident):
        if deg[u] >= need[u]:
            continue
        best = _best_option(inst, state, deg, u, incident[u])
        if best is None:
            continue
        _, e, r, f = best
        if f is not None:
            state._take(f)
            for x in inst.edges[f]:
                deg[x] -= 1
        if state.table_ok(e, r):
            state._put(e, r)
            for x in inst.edges[e]:
                deg[x] += 1
        elif f is not None:
            state._put(f, r)
            for x in inst.edges[f]:
                deg[x] += 1


def _best_option(inst: Instance, state: RoundState, deg: np.ndarray, u: int, edges: list[int]):
    """The cheapest (score lost, pair e, round, pair f to take out or None) that gives u one
    more meeting, or None."""
    need = inst.need
    best = None
    for e in edges:
        if e in state.assign or deg[u] >= inst.cap[u]:
            continue
        i, j = inst.edges[e]
        v = j if i == u else i
        for r in inst.edge_rounds[e]:
            if not state.free(u, r) or r not in inst.free_rounds[v]:
                continue
            if state.free(v, r):
                if deg[v] < inst.cap[v] and state.table_ok(e, r):
                    option = (-inst.edge_score[e], e, r, None)
                else:
                    continue
            else:
                f = state.at[v][r]
                a, b = inst.edges[f]
                w = b if a == v else a
                if deg[w] - 1 < need[w] or f in inst.requested:
                    continue
                option = (inst.edge_score[f] - inst.edge_score[e], e, r, f)
            if best is None or option[:2] < best[:2]:
                best = option
    return best

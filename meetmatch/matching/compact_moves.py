"""Compact days, the moves: who meets in which round, the gap count, and a hill climb.

:class:`Days` holds a schedule as each person's rounds, the tables used per round and each
person's attended rounds (as prefix counts, so a person's gaps cost O(their meetings)).
:meth:`Days.climb` applies, while they lower the total gaps, swaps of two whole rounds and
Kempe-chain swaps (the meetings of two rounds linked through shared people; a chain of one
meeting is a meeting moved to a round where both people and a table are free). Every move
keeps availability, one meeting per person and round, the free tables and host tables.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from .instance import Instance
from .schedule import Schedule

FIXED = -1  # in Days.meet: a person's meeting in a round that may not move


class Days:
    """Who meets in which round, the tables used, and the gap count under moves."""

    def __init__(self, inst: Instance, assign: Schedule):
        self.inst = inst
        n, rounds = inst.n, inst.rounds
        self.round_of: dict[int, int] = dict(sorted(assign.items()))
        self.meet: list[dict[int, int]] = [{} for _ in range(n)]
        for i, j, r, _t in inst.fixed:
            self.meet[i][r] = FIXED
            self.meet[j][r] = FIXED
        self.in_round: list[set[int]] = [set() for _ in range(rounds + 1)]
        self.tableless = [0] * (rounds + 1)
        self.hosted: dict[tuple[int, int], int] = {}  # (host table, round) -> meetings there
        for e, r in self.round_of.items():
            i, j = inst.edges[e]
            self.meet[i][r] = e
            self.meet[j][r] = e
            self.in_round[r].add(e)
            self._count(e, r, 1)
        # prefix[i][r]: rounds up to r that i attends (one shared list for "every round")
        everyone = list(range(rounds + 1))
        self.prefix: list[list[int]] = []
        for i, p in enumerate(inst.people):
            if p.available_rounds is None:
                self.prefix.append(everyone)
                continue
            attends = set(p.available_rounds) | set(self.meet[i])
            counts, k = [0], 0
            for r in range(1, rounds + 1):
                k += r in attends
                counts.append(k)
            self.prefix.append(counts)
        self.allowed = {e: frozenset(inst.edge_rounds[e]) for e in self.round_of}

    def _count(self, e: int, r: int, step: int) -> None:
        t = self.inst.edge_table[e]
        if t is None:
            self.tableless[r] += step
        else:
            self.hosted[t, r] = self.hosted.get((t, r), 0) + step

    def gaps(self, i: int, rounds: Iterable[int] | None = None) -> int:
        rs = list(self.meet[i]) if rounds is None else list(rounds)
        if len(rs) < 2:
            return 0
        p = self.prefix[i]
        return p[max(rs)] - p[min(rs) - 1] - len(rs)

    def total(self) -> int:
        return sum(self.gaps(i) for i in range(self.inst.n))

    def _moved_gaps(self, i: int, old: int, new: int) -> int:
        return self.gaps(i, [r for r in self.meet[i] if r != old] + [new])

    # ------------------------------------------------------------------ moves

    def climb(self, deadline: float) -> None:
        """Apply improving moves until none is left or the deadline passes."""
        while time.monotonic() < deadline:
            swapped = self._swap_rounds(deadline)
            moved = self._chains(deadline)
            if not (swapped or moved):
                return

    def _swap_rounds(self, deadline: float) -> bool:
        """Swap the meetings of two whole rounds while that lowers the gaps."""
        improved = False
        rounds = self.inst.rounds
        for r in range(1, rounds + 1):
            for s in range(r + 1, rounds + 1):
                if time.monotonic() >= deadline:
                    return improved
                edges = self.in_round[r] | self.in_round[s]
                if not edges or not self._swappable(edges, r, s):
                    continue
                if self._delta(edges, r, s) < 0:
                    self._apply(edges, r, s)
                    improved = True
        return improved

    def _chains(self, deadline: float) -> bool:
        """For each person with gaps, the best Kempe-chain swap of one of their meetings."""
        improved = False
        inst = self.inst
        for i in range(inst.n):
            if time.monotonic() >= deadline:
                return improved
            while self.gaps(i) > 0:
                best = None
                for r, e in sorted(self.meet[i].items()):
                    if e == FIXED:
                        continue
                    for s in sorted(self.allowed[e]):
                        if s == r:
                            continue
                        chain = self._chain(e, r, s)
                        if chain is None or not self._swappable(chain, r, s):
                            continue
                        delta = self._delta(chain, r, s)
                        if delta < 0 and (best is None or delta < best[0]):
                            best = (delta, chain, r, s)
                if best is None:
                    break
                self._apply(best[1], best[2], best[3])
                improved = True
        return improved

    def _chain(self, e: int, r: int, s: int) -> set[int] | None:
        """The meetings of rounds r and s linked to meeting e through shared people; None
        when a fixed meeting is among them."""
        edges = self.inst.edges
        chain = {e}
        todo = list(edges[e])
        seen = set(todo)
        while todo:
            p = todo.pop()
            for rr in (r, s):
                f = self.meet[p].get(rr)
                if f is None or f in chain:
                    continue
                if f == FIXED:
                    return None
                chain.add(f)
                for q in edges[f]:
                    if q not in seen:
                        seen.add(q)
                        todo.append(q)
        return chain

    def _swappable(self, edges: set[int], r: int, s: int) -> bool:
        """Every meeting may take the other round (its people's free rounds leave out those
        of their fixed meetings), the free tables suffice in both rounds afterwards and a host
        table (several hosts may share one) holds at most one meeting per round."""
        inst = self.inst
        to_s = to_r = 0
        hosted: dict[tuple[int, int], int] = {}
        for e in edges:
            here = self.round_of[e]
            other = s if here == r else r
            if other not in self.allowed[e]:
                return False
            t = inst.edge_table[e]
            if t is None:
                if here == r:
                    to_s += 1
                else:
                    to_r += 1
            else:
                hosted[t, here] = hosted.get((t, here), 0) - 1
                hosted[t, other] = hosted.get((t, other), 0) + 1
        if any(self.hosted.get(key, 0) + step > 1 for key, step in hosted.items()):
            return False
        return (self.tableless[r] - to_s + to_r <= inst.free_cap[r]
                and self.tableless[s] - to_r + to_s <= inst.free_cap[s])

    def _people_moving(self, edges: set[int], r: int, s: int):
        """(person, old round, new round) of the people whose meeting changes round: those
        with a moving meeting in only one of r and s (the others keep both rounds busy)."""
        seen: set[int] = set()
        for e in edges:
            for p in self.inst.edges[e]:
                if p in seen:
                    continue
                seen.add(p)
                in_r, in_s = self.meet[p].get(r) in edges, self.meet[p].get(s) in edges
                if in_r and not in_s:
                    yield p, r, s
                elif in_s and not in_r:
                    yield p, s, r

    def _delta(self, edges: set[int], r: int, s: int) -> int:
        return sum(self._moved_gaps(p, old, new) - self.gaps(p)
                   for p, old, new in self._people_moving(edges, r, s))

    def _apply(self, edges: set[int], r: int, s: int) -> None:
        inst = self.inst
        for e in edges:
            i, j = inst.edges[e]
            for p in (i, j):
                del self.meet[p][self.round_of[e]]
        for e in sorted(edges):
            old = self.round_of[e]
            new = s if old == r else r
            i, j = inst.edges[e]
            self.round_of[e] = new
            self.meet[i][new] = e
            self.meet[j][new] = e
            self.in_round[old].discard(e)
            self.in_round[new].add(e)
            self._count(e, old, -1)
            self._count(e, new, 1)

"""Compact days: fewer idle gaps between a person's meetings, with the same meetings.

With ``settings.compact`` the solver, once the meetings are coloured into rounds, gives them
other rounds so that people wait less between meetings: the objective Bofill et al. minimise
in B2B meeting scheduling (breaks between a participant's meetings). The set of meetings
never changes, so requests, fairness and the total score stay exactly as they were: a
tie-break among schedules of equal priority, never a trade against them.

An **idle gap** is a round a person attends without a meeting, strictly between their first
and last meeting. Rounds they do not attend (``available_rounds``: arriving late, leaving
early, away at lunch) are not gaps, so a person who arrives late and leaves early gets their
meetings side by side inside their window whenever the other people's rounds allow it.

Phases, all before ``deadline`` (the best schedule so far is kept at every step):

1. hill climbing with two kinds of move, each kept only when it lowers the total: the
   meetings of two whole rounds swapped, and a Kempe chain swapped between two rounds (the
   meetings of those rounds linked through shared people; a chain of one meeting is a
   meeting moved to a round where both people and a table are free);
2. on a small event (up to LNS_MEETINGS meetings) one exact CP-SAT model over the rounds of
   every meeting, with the number of gaps as its objective, usually proven optimal;
3. otherwise (or if that is not proven) exact steps on neighbourhoods, a large
   neighbourhood search: CP-SAT re-rounds a few meetings at a time (60, then 150, then 300
   when the smaller ones no longer help), the rest staying where they are -- the people
   with gaps and their partners; one such person's gap and end rounds across everybody
   linked to them through those rounds; their partners' partners. Each step starts from
   the current schedule (a complete hint) and is kept when it lowers the gaps; the search
   stops when no neighbourhood of any size does (or at the deadline).

Fixed meetings (held rounds, meetings kept on a rebuild) never move. The same input and seed
give the same schedule: the hill climb is deterministic and the exact steps share a budget of
CP-SAT deterministic time (one worker); the wall-clock deadline is a safety net that only an
overloaded machine reaches first.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from ortools.sat.python import cp_model

from .instance import Instance
from .schedule import Schedule

FIXED = -1  # a person's meeting in a round that may not move
EXACT_VARS = 20_000  # (meeting, round) booleans: up to this many an exact step runs
MIN_EXACT = 0.2  # seconds: with less left no exact step is started
# Meetings re-rounded together in one exact step: small neighbourhoods first (each step is
# quick and usually proven); when none of a size helps any more, the next larger size.
LNS_SIZES = (60, 150, 300)
LNS_MEETINGS = LNS_SIZES[-1]  # up to this many meetings the whole event is one exact step
WHOLE_DET_TIME = 1.0  # CP-SAT deterministic seconds for a small event's whole exact model
COMPACT_SHARE = 0.15  # of the time limit: what compacting aims to spend, if time is left
COMPACT_MAX = 60.0  # seconds: the most it aims for


def lns_det_time(size: int) -> float:
    """CP-SAT deterministic seconds for one exact step of ``size`` meetings."""
    return 0.05 + size / 1000


def compact_reserve(time_limit: float) -> float:
    """Seconds of a run of ``time_limit`` that compacting aims for. Nothing is taken from the
    search for it: it runs in the time the search leaves (see solve.py)."""
    return min(COMPACT_MAX, COMPACT_SHARE * max(0.0, time_limit))


def person_gaps(rounds: Iterable[int], attends: Sequence[int] | None) -> int:
    """Idle gaps of one person with meetings in ``rounds`` who attends ``attends`` (None: every
    round): attended rounds strictly between the first and last meeting without a meeting."""
    busy = set(rounds)
    if len(busy) < 2:
        return 0
    lo, hi = min(busy), max(busy)
    if attends is None:
        return hi - lo + 1 - len(busy)
    return sum(1 for r in attends if lo < r < hi and r not in busy)


def schedule_gaps(inst: Instance, assign: Schedule) -> int:
    """Idle gaps of everyone in schedule ``assign`` plus the fixed meetings."""
    return _Days(inst, assign).total()


def result_gaps(rounds: Sequence) -> int:
    """Idle gaps of a Result's ``rounds``: per person, the rounds they sit out between their
    first and last meeting (``sitting_out`` lists exactly the attendees without a meeting)."""
    met: dict[str, list[int]] = {}
    idle: dict[str, list[int]] = {}
    for rr in rounds:
        for m in rr.meetings:
            for x in meeting_people(m):
                met.setdefault(x, []).append(rr.round)
        for x in rr.sitting_out:
            idle.setdefault(x, []).append(rr.round)
    total = 0
    for x, rs in met.items():
        lo, hi = min(rs), max(rs)
        total += sum(1 for r in idle.get(x, ()) if lo < r < hi)
    return total


def meeting_people(m) -> tuple[str, ...]:
    """The attendee ids at one meeting's table (two, or three for a trio)."""
    third = getattr(m, "c", None)
    return (m.a, m.b) if third is None else (m.a, m.b, third)


def compact_work(time_limit: float) -> float:
    """The exact steps' budget in CP-SAT deterministic seconds for a run of ``time_limit``:
    half of compact_reserve (one deterministic second takes about two of the wall clock
    here). A budget of work, not of time, keeps the schedule reproducible."""
    return compact_reserve(time_limit) / 2


class _Work:
    """What is left of the deterministic budget (None: no limit but the deadline)."""

    def __init__(self, left: float | None):
        self.left = left

    def allows(self, wanted: float) -> float | None:
        """The deterministic seconds a step may use now (None: the budget is spent)."""
        if self.left is None:
            return wanted
        return min(wanted, self.left) if self.left > 0.005 else None


def compact_schedule(inst: Instance, assign: Schedule, *, deadline: float,
                     work: float | None = None, seed: int = 0, workers: int = 1,
                     deterministic: bool = True) -> Schedule:
    """``assign`` with the same meetings in rounds that leave fewer idle gaps.

    Stops at ``work`` (CP-SAT deterministic seconds for the exact steps, see compact_work;
    None: no limit) or at ``deadline`` (a time.monotonic(), the safety net), whichever comes
    first. The result never has more gaps than ``assign``, breaks no hard rule that
    ``assign`` keeps (availability, one meeting per person and round, tables) and moves no
    fixed meeting.
    """
    days = _Days(inst, assign)
    if days.total() == 0 or not assign:
        return dict(assign)
    days.climb(deadline)
    budget = _Work(work)
    run = dict(seed=seed, workers=workers, deterministic=deterministic, work=budget)
    if (len(assign) <= LNS_MEETINGS and deadline - time.monotonic() > MIN_EXACT
            and budget.allows(WHOLE_DET_TIME)):
        # A small event: one exact model of every meeting, usually proven within the time.
        found, proven = _exact(inst, dict(days.round_of), deadline=deadline,
                               det_time=WHOLE_DET_TIME, **run)
        if found is not None and schedule_gaps(inst, found) < days.total():
            days = _Days(inst, found)
        if proven:
            return dict(days.round_of)
    level = 0
    while days.total() > 0 and deadline - time.monotonic() > MIN_EXACT:
        size = LNS_SIZES[level]
        for free in _neighbourhoods(days, size):
            if deadline - time.monotonic() <= MIN_EXACT or not budget.allows(1.0):
                return dict(days.round_of)
            found, _ = _exact(inst, dict(days.round_of), deadline=deadline, free=free,
                              det_time=lns_det_time(size), **run)
            if found is not None and schedule_gaps(inst, found) < days.total():
                days = _Days(inst, found)
                days.climb(deadline)
                level = 0
                break
        else:
            if level + 1 == len(LNS_SIZES):
                break  # no neighbourhood of any size improves: a local optimum
            level += 1
    return dict(days.round_of)


def _neighbourhoods(days: _Days, size: int):
    """Sets of up to ``size`` meetings to re-round exactly: the people with gaps with their
    partners (in chunks), each such person's gap and end rounds across the people linked to
    them, then each such person with their partners' partners. Deterministic: people in
    index order."""
    inst = days.inst
    gapped = [i for i in range(inst.n) if days.gaps(i) > 0]

    def meetings_of(people) -> set[int]:
        return {e for p in people for e in days.meet[p].values() if e != FIXED}

    def partners(people) -> set[int]:
        return set(people) | {q for e in meetings_of(people) for q in inst.edges[e]}

    chunk: set[int] = set()
    for i in gapped:
        mine = meetings_of(partners([i]))
        if chunk and len(chunk | mine) > size:
            yield chunk
            chunk = set()
        chunk |= mine
    if chunk:
        yield chunk
    for i in gapped:
        yield _rounds_around(days, i, size)
    for i in gapped:
        wide = meetings_of(partners(partners([i])))
        if len(wide) <= size:
            yield wide


def _rounds_around(days: _Days, i: int, size: int) -> set[int]:
    """The meetings in person i's gap rounds and first and last meeting rounds, of the
    people reached from i through such meetings (breadth first, up to ``size``): moving
    one meeting into a gap moves others in and out of these rounds."""
    inst = days.inst
    mine = sorted(days.meet[i])
    lo, hi = mine[0], mine[-1]
    prefix = days.prefix[i]
    rounds = {lo, hi} | {r for r in range(lo + 1, hi) if r not in days.meet[i]
                         and prefix[r] > prefix[r - 1]}
    chosen: set[int] = set()
    seen, queue = {i}, [i]
    for p in queue:
        for r in sorted(rounds):
            e = days.meet[p].get(r)
            if e is None or e == FIXED or e in chosen:
                continue
            if len(chosen) >= size:
                return chosen
            chosen.add(e)
            for q in inst.edges[e]:
                if q not in seen:
                    seen.add(q)
                    queue.append(q)
    return chosen


class _Days:
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


def _exact(inst: Instance, assign: Schedule, *, deadline: float, seed: int, workers: int,
           deterministic: bool, free: set[int] | None = None,
           det_time: float | None = None, work: _Work | None = None
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
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = seed
    p.log_search_progress = False
    budget = max(0.05, deadline - time.monotonic())
    p.max_time_in_seconds = budget
    if work is not None and det_time is not None:
        det_time = work.allows(det_time) or 0.005
    if deterministic:
        p.num_workers = 1
        p.max_deterministic_time = budget / 4.0 if det_time is None else det_time
    else:
        p.num_workers = max(1, workers)
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

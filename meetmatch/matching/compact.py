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

The moves and the hill climb are in compact_moves.py, the exact CP-SAT step in
compact_model.py. Phases, all before ``deadline`` (the best schedule so far is kept at every step):

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

from .compact_model import Work, exact_rounds
from .compact_moves import FIXED, Days
from .instance import Instance
from .schedule import Schedule

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
    return Days(inst, assign).total()


def result_gaps(rounds: Sequence) -> int:
    """Idle gaps of a Result's ``rounds``: per person, the rounds they sit out between their
    first and last meeting (``sitting_out`` lists exactly the attendees without a meeting)."""
    met: dict[str, list[int]] = {}
    idle: dict[str, list[int]] = {}
    for rr in rounds:
        for m in rr.meetings:
            for x in m.people:
                met.setdefault(x, []).append(rr.round)
        for x in rr.sitting_out:
            idle.setdefault(x, []).append(rr.round)
    total = 0
    for x, rs in met.items():
        lo, hi = min(rs), max(rs)
        total += sum(1 for r in idle.get(x, ()) if lo < r < hi)
    return total


def compact_work(time_limit: float) -> float:
    """The exact steps' budget in CP-SAT deterministic seconds for a run of ``time_limit``:
    half of compact_reserve (one deterministic second takes about two of the wall clock
    here). A budget of work, not of time, keeps the schedule reproducible."""
    return compact_reserve(time_limit) / 2


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
    days = Days(inst, assign)
    if days.total() == 0 or not assign:
        return dict(assign)
    days.climb(deadline)
    budget = Work(work)
    run = dict(seed=seed, workers=workers, deterministic=deterministic, work=budget)
    if (len(assign) <= LNS_MEETINGS and deadline - time.monotonic() > MIN_EXACT
            and budget.allows(WHOLE_DET_TIME)):
        # A small event: one exact model of every meeting, usually proven within the time.
        found, proven = exact_rounds(inst, dict(days.round_of), deadline=deadline,
                               det_time=WHOLE_DET_TIME, **run)
        if found is not None and (better := Days(inst, found)).total() < days.total():
            days = better
        if proven:
            return dict(days.round_of)
    level = 0
    while days.total() > 0 and deadline - time.monotonic() > MIN_EXACT:
        size = LNS_SIZES[level]
        for free in _neighbourhoods(days, size):
            if deadline - time.monotonic() <= MIN_EXACT or not budget.allows(1.0):
                return dict(days.round_of)
            found, _ = exact_rounds(inst, dict(days.round_of), deadline=deadline, free=free,
                              det_time=lns_det_time(size), **run)
            if found is not None and (better := Days(inst, found)).total() < days.total():
                days = better
                days.climb(deadline)
                level = 0
                break
        else:
            if level + 1 == len(LNS_SIZES):
                break  # no neighbourhood of any size improves: a local optimum
            level += 1
    return dict(days.round_of)


def _neighbourhoods(days: Days, size: int):
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


def _rounds_around(days: Days, i: int, size: int) -> set[int]:
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

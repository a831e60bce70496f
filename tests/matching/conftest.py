"""Factories and a result-bookkeeping check shared by the matching tests (no app needed)."""

from __future__ import annotations

import pytest

from meetmatch.matching import Participant, Problem, Result


def check_report(problem: Problem, result: Result) -> None:
    """The result's own bookkeeping matches its meetings: one entry per round, nobody both
    meeting and sitting out, and the short list is who has fewer meetings than the target.
    (The hard rules are the rulebook's: ``assert not schedule_violations(problem, result)``.)
    """
    assert len(result.rounds) == problem.rounds
    count = {p.id: 0 for p in problem.attendees}
    for rr in result.rounds:
        busy = {x for m in rr.meetings for x in (m.a, m.b)}
        assert not busy & set(rr.sitting_out)
        for x in busy:
            count[x] += 1
    assert sorted(result.short) == sorted(pid for pid, k in count.items()
                                          if k < result.targets[pid])


@pytest.fixture
def make_person():
    def make(pid: str, offers=(), needs=(), **kw) -> Participant:
        return Participant(id=pid, name=kw.pop("name", pid.capitalize()), offers=tuple(offers),
                           needs=tuple(needs), **kw)
    return make


@pytest.fixture
def pair_weights():
    """Problem with explicit weights: make(rounds, {("a","b"): 2.0, ...}, **kw)."""
    def make(rounds: int, weights: dict, people=None, **kw) -> Problem:
        ids = sorted({x for pair in weights for x in pair} | set(people or ()))
        attendees = tuple(Participant(id=i, name=i) for i in ids) if not kw.get(
            "attendees") else kw.pop("attendees")
        return Problem(rounds=rounds, attendees=attendees,
                       weights=tuple((a, b, float(w)) for (a, b), w in weights.items()), **kw)
    return make

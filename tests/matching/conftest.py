"""Factories and a schedule checker shared by the matching tests (no app needed)."""

from __future__ import annotations

import pytest

from meetmatch.matching import Participant, Problem, Result, score_event


def check_schedule(problem: Problem, result: Result) -> None:
    """Assert every hard rule on a solver result (the property the engine promises)."""
    people = {p.id: p for p in problem.attendees}
    scores = score_event(problem)
    fixed = {(frozenset((f.a, f.b)), f.round) for f in problem.fixed_meetings}
    blocked = {frozenset(p) for p in problem.blocked_pairs}
    seen_pairs: set[frozenset[str]] = set()
    count = dict.fromkeys(people, 0)
    hosts = {p.host_table for p in problem.attendees if p.host_table is not None}
    assert len(result.rounds) == problem.rounds
    for rr in result.rounds:
        busy: set[str] = set()
        tables: set[int] = set()
        for m in rr.meetings:
            pair = frozenset((m.a, m.b))
            assert m.a in people and m.b in people and m.a != m.b
            assert m.a not in busy and m.b not in busy, f"double-booked in round {rr.round}"
            busy |= {m.a, m.b}
            assert pair not in seen_pairs, f"{m.a}-{m.b} meet twice"
            seen_pairs.add(pair)
            count[m.a] += 1
            count[m.b] += 1
            assert m.table not in tables, f"table {m.table} used twice in round {rr.round}"
            tables.add(m.table)
            if problem.tables is not None:
                assert 1 <= m.table <= problem.tables
            if (pair, rr.round) in fixed:
                continue
            assert scores.mutual(m.a, m.b) > 0, "score-0 pair scheduled"
            assert pair not in blocked
            pa, pb = people[m.a], people[m.b]
            if problem.settings.block_same_organisation and pa.organisation.strip():
                assert pa.organisation.strip().lower() != pb.organisation.strip().lower()
            for p in (pa, pb):
                if p.available_rounds is not None:
                    assert rr.round in p.available_rounds
            host = pa.host_table or pb.host_table
            if host is not None:
                assert m.table == host
            else:
                assert m.table not in hosts
        for pid in rr.sitting_out:
            assert pid not in busy
    for f in problem.fixed_meetings:
        rr = result.rounds[f.round - 1]
        assert any({m.a, m.b} == {f.a, f.b} and (f.table is None or m.table == f.table)
                   for m in rr.meetings), f"fixed meeting {f} missing"
    for pid, p in people.items():
        if p.max_meetings is not None:
            fixed_n = sum(1 for f in problem.fixed_meetings if pid in (f.a, f.b))
            assert count[pid] <= max(p.max_meetings, fixed_n)
    # The reported short list matches the schedule.
    short = sorted(pid for pid in people if count[pid] < result.targets[pid])
    assert sorted(result.short) == short


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

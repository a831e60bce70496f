"""Property test: on random events every schedule obeys every hard rule."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetmatch.matching import (
    FixedMeeting,
    Participant,
    Problem,
    Settings,
    schedule_violations,
    solve,
)

from .conftest import check_report

TOPICS = ["funding", "design", "sales", "legal", "ai", "hiring"]
TEXTS = ["", "rekrytering av utvecklare", "looking for investors", "investing in startups",
         "vi behöver rekrytera utvecklare", "design"]


@st.composite
def events(draw):
    rounds = draw(st.integers(1, 4))
    n = draw(st.integers(0, 9))
    attendees = []
    for k in range(n):
        avail = draw(st.one_of(st.none(), st.sets(st.integers(1, rounds), min_size=1)))
        attendees.append(Participant(
            id=f"p{k}", name=f"P{k}", organisation=draw(st.sampled_from(["", "", "Acme", "Beta"])),
            offers=tuple(draw(st.lists(st.sampled_from(TOPICS), max_size=3, unique=True))),
            needs=tuple(draw(st.lists(st.sampled_from(TOPICS), max_size=3, unique=True))),
            offers_text=draw(st.sampled_from(TEXTS)), needs_text=draw(st.sampled_from(TEXTS)),
            available_rounds=None if avail is None else tuple(sorted(avail)),
            max_meetings=draw(st.one_of(st.none(), st.integers(0, rounds))),
            host_table=draw(st.one_of(st.none(), st.none(), st.integers(1, 2)))))
    ids = [p.id for p in attendees]
    pairs = st.tuples(st.sampled_from(ids or ["-"]), st.sampled_from(ids or ["-"])).filter(
        lambda t: t[0] != t[1])
    few = 3 if len(ids) >= 2 else 0
    blocked = tuple(draw(st.lists(pairs, max_size=few))) if few else ()
    requested = tuple(draw(st.lists(pairs, max_size=few))) if few else ()
    fixed = []
    if len(ids) >= 2 and draw(st.booleans()):
        a, b = draw(pairs)
        fixed.append(FixedMeeting(a, b, draw(st.integers(1, rounds))))
    weights = None
    if draw(st.booleans()) and len(ids) >= 2:
        chosen = draw(st.lists(pairs, max_size=12, unique_by=lambda t: frozenset(t)))
        weights = tuple((a, b, draw(st.sampled_from([0.0, 0.5, 1.0, 3.0]))) for a, b in chosen)
    return Problem(rounds=rounds, attendees=tuple(attendees),
                   tables=draw(st.one_of(st.none(), st.integers(2, 6))),
                   settings=Settings(block_same_organisation=draw(st.booleans()),
                                     min_meetings=draw(st.one_of(st.none(), st.integers(0, 3))),
                                     mutuality=draw(st.one_of(st.none(), st.floats(0, 1)))),
                   blocked_pairs=blocked, requested_pairs=requested, weights=weights,
                   fixed_meetings=tuple(fixed))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events())
def test_every_schedule_obeys_every_hard_rule(problem):
    result = solve(problem, time_limit=2.0)
    if result.status == "infeasible":
        assert result.message
        return
    assert result.status in ("optimal", "feasible")
    assert result.upper_bound >= result.objective - 1e-6
    assert not schedule_violations(problem, result)
    check_report(problem, result)

"""The rulebook: every hard rule of a schedule, written once.

The solver's own checks, a rebuild deciding which meetings it can keep, hand edits and the
tests all ask the same two questions::

    meeting_violations(problem, schedule, a, b, round, table, *, scores=None, held_rounds=())
        -> list[Violation]     # one meeting (a, b) in (round, table) against the rest
    schedule_violations(problem, schedule, *, scores=None, held_rounds=())
        -> list[Violation]     # a whole schedule; [] means every hard rule holds
    violations_by_meeting(problem, schedule, ...)
        -> Iterator[(position in schedule | None, Violation)]   # the same, with positions

``schedule`` is a solver :class:`~meetmatch.matching.solve.Result`, or any sequence of
``(round, a, b, table)`` or ``(round, a, b, table, c)`` tuples (:class:`Placement` is such a
tuple; ``table`` may be None when none is chosen yet; ``c`` is the third person of a trio),
so the web layer can check saved rows without running the solver.
``placements(result)`` turns a Result into placements. ``a`` and ``b`` are the attendee ids
of the :class:`~meetmatch.matching.problem.Problem`; inactive or unknown people break
``UNKNOWN_PERSON``.

A :class:`Violation` says which :class:`Rule`, who (attendee ids), which round and table;
turning it into the organiser's sentence (names, table labels, what to do) is the web
layer's business. ``meeting_violations`` lists them in a fixed order -- the people, the
round, the table, then the pair -- so "the first violation" is a stable explanation.

Exemptions, the same everywhere:

* A meeting that is one of ``problem.fixed_meetings`` (same pair, same round) is kept as
  given: availability, host tables, blocked pairs, same organisation and a zero score do
  not apply to it, and ``max_meetings`` counts only above the fixed meetings. It still
  must not double-book anybody, repeat a pair, leave the event's rounds or share a table.
* ``held_rounds`` are rounds that already took place: only fixed meetings may be in them.
* Rounds outside ``1..problem.rounds`` (e.g. removed by the organiser) hold no meeting.
* A trio (a table of three) is a meeting of each of its three pairs: every pair rule (blocks,
  wishes, organisation, repeats, a zero score) holds for each pair, every person rule
  (availability, host tables, one meeting per round) for each person, and ``max_meetings``
  counts it once per person. A new trio needs ``settings.allow_trios``; a fixed one is kept.
* A pair whose mutual score is 0 never meets. The score comes from ``scores`` (anything with
  ``.mutual(a, b)``, normally :func:`~meetmatch.matching.scoring.score_event`'s model); when
  None it is computed from the problem once per call -- pass it when checking in a loop.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

if TYPE_CHECKING:
    from .problem import Participant, Problem

ZERO_SCORE = 1e-12  # a mutual score at or below this counts as 0 (the engine's threshold)


class Rule(StrEnum):
    """One hard rule; the comment beside each says what ``Violation.people`` holds."""

    UNKNOWN_PERSON = "unknown_person"  # (the unknown id,): not an (active) attendee
    SAME_PERSON = "same_person"  # (a,): a meeting with oneself
    ROUND_OUT_OF_RANGE = "round_out_of_range"  # (a, b): not a round of the event (removed?)
    HELD_ROUND = "held_round"  # (a, b): a new meeting in a round already held
    TABLE_OUT_OF_RANGE = "table_out_of_range"  # (a, b): not a table 1..tables
    NOT_AVAILABLE = "not_available"  # (person,): does not attend that round
    HOST_TABLE = "host_table"  # (host,): a host meets away from their host table
    HOSTED_TABLE = "hosted_table"  # (a, b, host): the table is somebody else's host table
    TABLE_TAKEN = "table_taken"  # (a, b, c, d): c-d already sit at that table in that round
    DOUBLE_BOOKED = "double_booked"  # (person,): already has a meeting in that round
    BLOCKED_PAIR = "blocked_pair"  # (a, b): the organiser said they must not meet
    AVOIDED_PAIR = "avoided_pair"  # (a, b): one of them would rather not meet the other
    SAME_ORGANISATION = "same_organisation"  # (a, b): same organisation, and that is blocked
    REPEAT_PAIR = "repeat_pair"  # (a, b): they already meet in another round
    MAX_MEETINGS = "max_meetings"  # (person,): more meetings than their max_meetings
    SCORE_ZERO = "score_zero"  # (a, b): neither offers what the other needs (mutual score 0)
    FIXED_MISSING = "fixed_missing"  # (a, b[, c]): a fixed meeting is missing or changed
    TRIOS_OFF = "trios_off"  # (a, b, c): a new table of three while the event allows none


@dataclass(frozen=True)
class Violation:
    """A broken rule: who (attendee ids, see :class:`Rule`), in which round and at which table.

    ``detail`` is a short neutral fact for logs and tests (e.g. ``"max 2"``), never a
    sentence for the organiser.
    """

    rule: Rule
    people: tuple[str, ...]
    round: int | None = None
    table: int | None = None
    detail: str = ""

    def __str__(self) -> str:
        where = "".join([f" round {self.round}" if self.round is not None else "",
                         f" table {self.table}" if self.table is not None else ""])
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.rule.value}: {'-'.join(self.people)}{where}{extra}"


class Placement(NamedTuple):
    """One meeting of a schedule: ``a`` and ``b`` (and ``c`` in a trio) meet in ``round``
    at ``table``."""

    round: int
    a: str
    b: str
    table: int | None = None
    c: str | None = None

    @property
    def people(self) -> tuple[str, ...]:
        """The two or three people of the meeting."""
        return people_at(self.a, self.b, self.c)

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """The pairs that meet: one, or the three of a trio."""
        return pairs_at(self.a, self.b, self.c)


T = TypeVar("T")


def people_at(a: T, b: T, c: T | None) -> tuple[T, ...]:
    """The people at a table: a pair, or the three of a trio (``c`` set). Any kind of
    person (engine ids, database ids, Attendee objects)."""
    return (a, b) if c is None else (a, b, c)


def pairs_at(a: T, b: T, c: T | None) -> tuple[tuple[T, T], ...]:
    """The pairs that meet at a table: one, or the three of a trio (``c`` set)."""
    return ((a, b),) if c is None else ((a, b), (a, c), (b, c))


class _Scores(Protocol):
    def mutual(self, a: str, b: str) -> float: ...


def placements(schedule: Any) -> list[Placement]:
    """The meetings of a solver Result (or a sequence of 4-tuples) as Placements."""
    rounds = getattr(schedule, "rounds", None)
    if rounds is not None:
        return [Placement(rr.round, m.a, m.b, m.table, getattr(m, "c", None))
                for rr in rounds for m in rr.meetings]
    return [Placement(*p) for p in schedule]


def organisation_key(person: Participant) -> str:
    """How organisations compare: trimmed, case-insensitive; "" means none."""
    return person.organisation.strip().casefold()


def meeting_violations(problem: Problem, schedule: Any, a: str, b: str, round: int,
                       table: int | None, *, scores: _Scores | None = None,
                       held_rounds: Collection[int] = (), c: str | None = None
                       ) -> list[Violation]:
    """The rules that meeting (a, b) -- or the trio (a, b, c) -- in ``round`` at ``table``
    breaks, given the rest.

    ``schedule``: the other meetings (a Result or ``(round, a, b, table[, c])`` tuples);
    leave out the meeting itself when checking a move. Returns [] when it may be added.
    """
    book = _Book(problem, scores, held_rounds)
    for p in placements(schedule):
        book.add(p)
    return book.check(Placement(round, a, b, table, c))


def schedule_violations(problem: Problem, schedule: Any, *, scores: _Scores | None = None,
                        held_rounds: Collection[int] = ()) -> list[Violation]:
    """Every rule a whole schedule breaks ([] = valid), including missing fixed meetings.

    Meetings are checked in the given order, each against those before it, so a clash is
    reported once, on its second meeting.
    """
    return [v for _, v in violations_by_meeting(problem, schedule, scores=scores,
                                                held_rounds=held_rounds)]


def violations_by_meeting(problem: Problem, schedule: Any, *, scores: _Scores | None = None,
                          held_rounds: Collection[int] = ()
                          ) -> Iterator[tuple[int | None, Violation]]:
    """:func:`schedule_violations` with the position of the meeting that breaks each rule
    in ``placements(schedule)`` (None for a fixed meeting that is missing)."""
    book = _Book(problem, scores, held_rounds)
    for k, p in enumerate(placements(schedule)):
        for v in book.check(p):
            yield k, v
        book.add(p)
    for f in problem.fixed_meetings:
        there = book.pairs.get(frozenset((f.a, f.b)))
        given = set(people_at(f.a, f.b, f.c))
        if there is None or there.round != f.round or set(there.people) != given or (
                f.table is not None and there.table != f.table):
            who = people_at(f.a, f.b, f.c)
            yield None, Violation(Rule.FIXED_MISSING, who, f.round, f.table)


class _Book:
    """What a schedule already uses: who is busy when, tables, pairs and meeting counts."""

    def __init__(self, problem: Problem, scores: _Scores | None, held: Collection[int]):
        self.problem = problem
        self.people = {p.id: p for p in problem.attendees}
        self.hosts: dict[int, list[str]] = {}
        for p in problem.attendees:
            if p.host_table is not None:
                self.hosts.setdefault(p.host_table, []).append(p.id)
        self.fixed = {(frozenset(people_at(f.a, f.b, f.c)), f.round)
                      for f in problem.fixed_meetings}
        self.fixed_count: dict[str, int] = {}
        for f in problem.fixed_meetings:
            for x in dict.fromkeys(people_at(f.a, f.b, f.c)):
                self.fixed_count[x] = self.fixed_count.get(x, 0) + 1
        self.blocked = {frozenset(pair) for pair in problem.blocked_pairs}
        self.avoided = problem.wish_pairs.avoided  # "rather not" wishes the organiser kept
        self.held = set(held)
        self._scores = scores
        self.busy: dict[tuple[str, int], Placement] = {}
        self.at_table: dict[tuple[int, int], Placement] = {}
        self.pairs: dict[frozenset[str], Placement] = {}
        self.count: dict[str, int] = {}

    def add(self, p: Placement) -> None:
        for x in dict.fromkeys(p.people):
            self.busy.setdefault((x, p.round), p)
            self.count[x] = self.count.get(x, 0) + 1
        if p.table is not None:
            self.at_table.setdefault((p.round, p.table), p)
        for x, y in p.pairs:
            self.pairs.setdefault(frozenset((x, y)), p)

    def scores(self) -> _Scores:
        if self._scores is None:
            from .scoring import score_event  # the scoring model is heavy; load when needed
            self._scores = score_event(self.problem)
        return self._scores

    def check(self, p: Placement) -> list[Violation]:
        fixed = (frozenset(p.people), p.round) in self.fixed
        out = self._people(p)
        known = [x for x in dict.fromkeys(p.people) if x in self.people]
        out += self._round(p, known, fixed)
        out += self._tables(p, known, fixed)
        out += [Violation(Rule.DOUBLE_BOOKED, (x,), p.round, p.table)
                for x in known if (x, p.round) in self.busy]
        if p.c is not None and not fixed and not self.problem.settings.allow_trios:
            out.append(Violation(Rule.TRIOS_OFF, p.people, p.round, p.table))
        if len(known) == len(p.people):  # pair rules need different, known people
            for x, y in p.pairs:
                out += self._pair(p, x, y, fixed)
            out += self._max_meetings(p, known)
            if not fixed:
                out += [Violation(Rule.SCORE_ZERO, (x, y), p.round, p.table)
                        for x, y in p.pairs if self.scores().mutual(x, y) <= ZERO_SCORE]
        return out

    def _people(self, p: Placement) -> list[Violation]:
        out = [Violation(Rule.UNKNOWN_PERSON, (x,), p.round, p.table)
               for x in dict.fromkeys(p.people) if x not in self.people]
        for x, y in p.pairs:
            if x == y:
                out.append(Violation(Rule.SAME_PERSON, (x,), p.round, p.table))
        return out

    def _round(self, p: Placement, known: list[str], fixed: bool) -> list[Violation]:
        if not 1 <= p.round <= self.problem.rounds:
            return [Violation(Rule.ROUND_OUT_OF_RANGE, (p.a, p.b), p.round, p.table,
                              f"rounds 1..{self.problem.rounds}")]
        if fixed:
            return []
        if p.round in self.held:
            return [Violation(Rule.HELD_ROUND, (p.a, p.b), p.round, p.table)]
        return [Violation(Rule.NOT_AVAILABLE, (x,), p.round, p.table) for x in known
                if self.people[x].available_rounds is not None
                and p.round not in self.people[x].available_rounds]

    def _tables(self, p: Placement, known: list[str], fixed: bool) -> list[Violation]:
        t, tables = p.table, self.problem.tables
        if t is None:
            return []
        out = []
        if t < 1 or tables is not None and t > tables:
            out.append(Violation(Rule.TABLE_OUT_OF_RANGE, (p.a, p.b), p.round, t,
                                 f"tables 1..{tables if tables is not None else ''}"))
        if not fixed:
            for x in known:
                host = self.people[x].host_table
                if host is not None and host != t:
                    out.append(Violation(Rule.HOST_TABLE, (x,), p.round, t, f"hosts {host}"))
            others = [h for h in self.hosts.get(t, ()) if h not in p.people]
            if others and not any(self.people[x].host_table == t for x in known):
                out.append(Violation(Rule.HOSTED_TABLE, (p.a, p.b, others[0]), p.round, t))
        there = self.at_table.get((p.round, t))
        if there is not None:
            out.append(Violation(Rule.TABLE_TAKEN, (p.a, p.b, there.a, there.b), p.round, t))
        return out

    def _pair(self, p: Placement, a: str, b: str, fixed: bool) -> list[Violation]:
        """The rules of one pair of the meeting (the only one, or one of a trio's three)."""
        out = []
        pair = frozenset((a, b))
        if not fixed:
            if pair in self.blocked:
                out.append(Violation(Rule.BLOCKED_PAIR, (a, b), p.round, p.table))
            elif pair in self.avoided:
                out.append(Violation(Rule.AVOIDED_PAIR, (a, b), p.round, p.table))
            org = organisation_key(self.people[a])
            if (self.problem.settings.block_same_organisation and org
                    and org == organisation_key(self.people[b])):
                out.append(Violation(Rule.SAME_ORGANISATION, (a, b), p.round, p.table))
        there = self.pairs.get(pair)
        if there is not None:
            out.append(Violation(Rule.REPEAT_PAIR, (a, b), p.round, p.table,
                                 f"also round {there.round}"))
        return out

    def _max_meetings(self, p: Placement, people: list[str]) -> list[Violation]:
        """A meeting counts once per person, whether of two or of three."""
        out = []
        for x in people:
            limit = self.people[x].max_meetings
            if limit is None:
                continue
            limit = max(limit, self.fixed_count.get(x, 0))
            if self.count.get(x, 0) + 1 > limit:
                out.append(Violation(Rule.MAX_MEETINGS, (x,), p.round, p.table, f"max {limit}"))
        return out


__all__ = ["Placement", "Rule", "Violation", "ZERO_SCORE", "meeting_violations",
           "organisation_key", "placements", "schedule_violations",
           "violations_by_meeting"]

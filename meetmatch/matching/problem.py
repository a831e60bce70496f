"""Plain data for the matching engine: who attends, what they offer and need, and the rules.

Everything here is a frozen dataclass validated in ``__post_init__``; a bad value raises
:class:`ProblemError` whose message starts with the offending field, e.g.
``attendees[3].available_rounds: round 9 is outside 1..6``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .rules import Rule, Violation, violations_by_meeting
from .wishes import DEFAULT_WISH_BONUS, KINDS, MAX_WISH_BONUS, WishPairs, sorted_pairs, wish_pairs


class ProblemError(ValueError):
    """Invalid input. ``field`` names the offending field; ``str(err)`` is ``"field: message"``."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(float(value)))


@dataclass(frozen=True)
class Participant:
    """One attendee as the matching engine sees them."""

    id: str
    name: str
    organisation: str = ""
    offers: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    offers_text: str = ""
    needs_text: str = ""
    available_rounds: tuple[int, ...] | None = None
    max_meetings: int | None = None
    host_table: int | None = None

    def __post_init__(self) -> None:
        self.validate("attendee")

    def validate(self, where: str) -> None:
        """Check the fields that need no knowledge of the event; raise ProblemError."""
        if not isinstance(self.id, str) or not self.id.strip():
            raise ProblemError(f"{where}.id", "must be a non-empty string")
        if not isinstance(self.name, str):
            raise ProblemError(f"{where}.name", "must be a string")
        if not isinstance(self.organisation, str):
            raise ProblemError(f"{where}.organisation", "must be a string")
        for key in ("offers", "needs"):
            items = getattr(self, key)
            if not isinstance(items, tuple) or not all(isinstance(t, str) for t in items):
                raise ProblemError(f"{where}.{key}", "must be a list of strings")
        for key in ("offers_text", "needs_text"):
            if not isinstance(getattr(self, key), str):
                raise ProblemError(f"{where}.{key}", "must be a string")
        if self.available_rounds is not None:
            if not isinstance(self.available_rounds, tuple) or not all(
                    _is_int(r) for r in self.available_rounds):
                raise ProblemError(f"{where}.available_rounds", "must be a list of round numbers")
            if len(set(self.available_rounds)) != len(self.available_rounds):
                raise ProblemError(f"{where}.available_rounds", "lists a round twice")
            for r in self.available_rounds:
                if r < 1:
                    raise ProblemError(f"{where}.available_rounds", f"round {r} is below 1")
        if self.max_meetings is not None and (not _is_int(self.max_meetings)
                                              or self.max_meetings < 0):
            raise ProblemError(f"{where}.max_meetings", "must be a whole number >= 0")
        if self.host_table is not None and (not _is_int(self.host_table) or self.host_table < 1):
            raise ProblemError(f"{where}.host_table", "must be a table number >= 1")


@dataclass(frozen=True)
class Settings:
    """Organiser's matching settings.

    ``min_meetings``: fairness target (None: min(3, rounds); 0: no fairness rule).
    ``mutuality``: 0..1, how strongly a meeting where both gain is preferred over a
    lopsided one (None: the default, 0.9; 0: plain sum of both benefits; 1: only the
    smaller side counts, so one-sided pairs score 0).
    ``wish_bonus``: a one-sided "I'd like to meet" multiplies the pair's score by
    ``1 + wish_bonus`` (None: the default, 1.0; 0: one-sided wishes count for nothing).
    ``allow_trios``: somebody who would sit out a round may join a meeting as its third
    person when all three pairs have a positive mutual score (see matching/trios.py).
    ``compact``: among schedules of equal priority prefer fewer idle gaps between a
    person's first and last meeting (see matching/compact.py).
    """

    block_same_organisation: bool = True
    min_meetings: int | None = None
    mutuality: float | None = None
    wish_bonus: float | None = None
    allow_trios: bool = False
    compact: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.block_same_organisation, bool):
            raise ProblemError("settings.block_same_organisation", "must be true or false")
        if not isinstance(self.allow_trios, bool):
            raise ProblemError("settings.allow_trios", "must be true or false")
        if not isinstance(self.compact, bool):
            raise ProblemError("settings.compact", "must be true or false")
        if self.min_meetings is not None and (not _is_int(self.min_meetings)
                                              or self.min_meetings < 0):
            raise ProblemError("settings.min_meetings", "must be a whole number >= 0 or null")
        if self.mutuality is not None and (not _is_number(self.mutuality)
                                           or not 0.0 <= float(self.mutuality) <= 1.0):
            raise ProblemError("settings.mutuality", "must be a number between 0 and 1 or null")
        if self.wish_bonus is not None and (not _is_number(self.wish_bonus)
                                            or not 0.0 <= float(self.wish_bonus) <= MAX_WISH_BONUS):
            raise ProblemError("settings.wish_bonus",
                               f"must be a number between 0 and {MAX_WISH_BONUS:g} or null")


@dataclass(frozen=True)
class FixedMeeting:
    """A meeting that must appear as given (already held, or kept on a rebuild); ``c`` is
    the third person of a trio (None: a meeting of two)."""

    a: str
    b: str
    round: int
    table: int | None = None
    c: str | None = None


@dataclass(frozen=True)
class Problem:
    """One event to schedule: rounds, attendees and the organiser's rules."""

    rounds: int
    attendees: tuple[Participant, ...]
    tables: int | None = None
    settings: Settings = field(default_factory=Settings)
    blocked_pairs: tuple[tuple[str, str], ...] = ()
    requested_pairs: tuple[tuple[str, str], ...] = ()
    weights: tuple[tuple[str, str, float], ...] | None = None
    fixed_meetings: tuple[FixedMeeting, ...] = ()
    # Attendees' wishes: (from id, to id, "meet" | "avoid"); see matching/wishes.py.
    wishes: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        if not _is_int(self.rounds) or not 1 <= self.rounds <= 200:
            raise ProblemError("rounds", "must be a whole number between 1 and 200")
        if self.tables is not None and (not _is_int(self.tables) or self.tables < 1):
            raise ProblemError("tables", "must be a whole number >= 1 or null")
        if not isinstance(self.settings, Settings):
            raise ProblemError("settings", "must be a Settings object")
        if not isinstance(self.attendees, tuple):
            raise ProblemError("attendees", "must be a list")
        seen: dict[str, int] = {}
        for k, p in enumerate(self.attendees):
            where = f"attendees[{k}]"
            if not isinstance(p, Participant):
                raise ProblemError(where, "must be an attendee object")
            p.validate(where)
            if p.id in seen:
                raise ProblemError(f"{where}.id", f"duplicate id {p.id!r} (also attendees[{seen[p.id]}])")
            seen[p.id] = k
            for r in p.available_rounds or ():
                if r > self.rounds:
                    raise ProblemError(f"{where}.available_rounds",
                                       f"round {r} is outside 1..{self.rounds}")
            if p.host_table is not None and self.tables is not None and p.host_table > self.tables:
                raise ProblemError(f"{where}.host_table",
                                   f"table {p.host_table} is outside 1..{self.tables}")
        self._check_pairs("blocked_pairs", self.blocked_pairs, seen)
        self._check_pairs("requested_pairs", self.requested_pairs, seen)
        self._check_wishes(seen)
        if self.weights is not None:
            if not isinstance(self.weights, tuple):
                raise ProblemError("weights", "must be a list of [id, id, score]")
            pairs: set[frozenset[str]] = set()
            for k, w in enumerate(self.weights):
                where = f"weights[{k}]"
                if not isinstance(w, tuple) or len(w) != 3:
                    raise ProblemError(where, "must be [id, id, score]")
                self._check_pair(where, w[:2], seen)
                if not _is_number(w[2]) or w[2] < 0:
                    raise ProblemError(where, "score must be a finite number >= 0")
                key = frozenset(w[:2])
                if key in pairs:
                    raise ProblemError(where, f"pair {w[0]!r}, {w[1]!r} is listed twice")
                pairs.add(key)
        self._check_fixed(seen)

    @staticmethod
    def _check_pair(where: str, pair: Any, seen: Mapping[str, int]) -> None:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise ProblemError(where, "must be a pair of attendee ids")
        a, b = pair
        for x in (a, b):
            if x not in seen:
                raise ProblemError(where, f"unknown attendee id {x!r}")
        if a == b:
            raise ProblemError(where, f"pairs {a!r} with itself")

    def _check_pairs(self, name: str, pairs: Any, seen: Mapping[str, int]) -> None:
        if not isinstance(pairs, tuple):
            raise ProblemError(name, "must be a list of pairs")
        for k, pair in enumerate(pairs):
            self._check_pair(f"{name}[{k}]", pair, seen)

    def _check_wishes(self, seen: Mapping[str, int]) -> None:
        if not isinstance(self.wishes, tuple):
            raise ProblemError("wishes", "must be a list of [from, to, kind]")
        given: dict[tuple[str, str], int] = {}
        for k, w in enumerate(self.wishes):
            where = f"wishes[{k}]"
            if not isinstance(w, tuple) or len(w) != 3:
                raise ProblemError(where, "must be [from, to, \"meet\" or \"avoid\"]")
            self._check_pair(where, w[:2], seen)
            if w[2] not in KINDS:
                raise ProblemError(where, f"kind must be \"meet\" or \"avoid\", not {w[2]!r}")
            if w[:2] in given:
                raise ProblemError(where, f"{w[0]!r} has two wishes about {w[1]!r} "
                                          f"(also wishes[{given[w[:2]]}])")
            given[w[:2]] = k

    @cached_property
    def wish_pairs(self) -> WishPairs:
        """What the wishes mean per pair, the organiser's rules applied first."""
        return wish_pairs(self.wishes, self.blocked_pairs, self.requested_pairs)

    @property
    def hard_blocked_pairs(self) -> tuple[tuple[str, str], ...]:
        """Pairs that never meet: the organiser's blocks and "rather not" wishes."""
        return self.blocked_pairs + sorted_pairs(self.wish_pairs.avoided)

    @property
    def all_requested_pairs(self) -> tuple[tuple[str, str], ...]:
        """The organiser's requests, then mutual wishes (the same priority)."""
        own = {frozenset(p) for p in self.requested_pairs}
        return self.requested_pairs + sorted_pairs(p for p in self.wish_pairs.mutual
                                                   if p not in own)

    @property
    def wish_bonus(self) -> float:
        b = self.settings.wish_bonus
        return DEFAULT_WISH_BONUS if b is None else float(b)

    def _check_fixed(self, seen: Mapping[str, int]) -> None:
        """Fixed meetings must keep the rules no fixed meeting is exempt from (the rulebook's
        double booking, repeat pairs, round and table range, shared tables)."""
        if not isinstance(self.fixed_meetings, tuple):
            raise ProblemError("fixed_meetings", "must be a list")
        for k, f in enumerate(self.fixed_meetings):
            where = f"fixed_meetings[{k}]"
            if not isinstance(f, FixedMeeting):
                raise ProblemError(where, "must be a FixedMeeting")
            self._check_pair(where, (f.a, f.b), seen)
            if f.c is not None:
                self._check_pair(f"{where}.c", (f.a, f.c), seen)
                self._check_pair(f"{where}.c", (f.b, f.c), seen)
            if not _is_int(f.round):
                raise ProblemError(f"{where}.round", f"must be a round in 1..{self.rounds}")
            if f.table is not None and not _is_int(f.table):
                raise ProblemError(f"{where}.table", "must be a table number in range")
        meetings = [(f.round, f.a, f.b, f.table, f.c) for f in self.fixed_meetings]
        for k, v in violations_by_meeting(self, meetings):
            raise _fixed_error(f"fixed_meetings[{k}]", v, self.rounds)

    @property
    def min_meetings(self) -> int:
        """The fairness target before availability and max_meetings are applied."""
        m = self.settings.min_meetings
        return min(3, self.rounds) if m is None else m

    @property
    def mutuality(self) -> float:
        m = self.settings.mutuality
        return DEFAULT_MUTUALITY if m is None else float(m)


DEFAULT_MUTUALITY = 0.9


def _fixed_error(where: str, v: Violation, rounds: int) -> ProblemError:
    """The rule a fixed meeting breaks, as a ProblemError naming the field."""
    if v.rule is Rule.ROUND_OUT_OF_RANGE:
        return ProblemError(f"{where}.round", f"must be a round in 1..{rounds}")
    if v.rule is Rule.TABLE_OUT_OF_RANGE:
        return ProblemError(f"{where}.table", "must be a table number in range")
    if v.rule is Rule.TABLE_TAKEN:
        return ProblemError(f"{where}.table", f"table {v.table} is used twice in round {v.round}")
    if v.rule is Rule.DOUBLE_BOOKED:
        return ProblemError(where, f"{v.people[0]!r} has two meetings in round {v.round}")
    if v.rule is Rule.REPEAT_PAIR:
        return ProblemError(where, f"{v.people[0]!r} and {v.people[1]!r} meet twice")
    return ProblemError(where, str(v))  # pragma: no cover - the other rules exempt fixed ones


# ---------------------------------------------------------------- JSON-ish input

def _get(d: Mapping[str, Any], key: str, where: str, kinds: tuple[type, ...], default: Any) -> Any:
    value = d.get(key, default)
    if value is None:
        return default
    if not isinstance(value, kinds) or isinstance(value, bool) and bool not in kinds:
        raise ProblemError(where, f"has the wrong type ({type(value).__name__})")
    return value


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, Sequence) or isinstance(value, str) or not all(
            isinstance(v, str) for v in value):
        raise ProblemError(where, "must be a list of strings")
    return tuple(value)


def _pair_list(value: Any, where: str, width: int = 2) -> tuple[tuple[Any, ...], ...]:
    if value is None:
        return ()
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise ProblemError(where, "must be a list")
    out = []
    for k, item in enumerate(value):
        if not isinstance(item, Sequence) or isinstance(item, str) or len(item) != width:
            raise ProblemError(f"{where}[{k}]", f"must be a list of {width} items")
        ids = [str(x) if _is_int(x) else x for x in item[:2]]  # ids may be numbers, as above
        if not all(isinstance(x, str) for x in ids):
            raise ProblemError(f"{where}[{k}]", "attendee ids must be strings")
        out.append((*ids, *item[2:]))
    return tuple(out)


def problem_from_dict(d: Any) -> Problem:
    """Build a Problem from the JSON input format (unknown keys ignored).

    Raises ProblemError naming the field on any invalid value.
    """
    if not isinstance(d, Mapping):
        raise ProblemError("(root)", "must be a JSON object")
    if "rounds" not in d:
        raise ProblemError("rounds", "is required")
    if "attendees" not in d:
        raise ProblemError("attendees", "is required")
    settings = _settings_from_dict(d.get("settings") or {})
    raw_attendees = d["attendees"]
    if not isinstance(raw_attendees, Sequence) or isinstance(raw_attendees, str):
        raise ProblemError("attendees", "must be a list")
    attendees = []
    for k, a in enumerate(raw_attendees):
        where = f"attendees[{k}]"
        if not isinstance(a, Mapping):
            raise ProblemError(where, "must be an object")
        if "id" not in a:
            raise ProblemError(f"{where}.id", "is required")
        ident = a["id"]
        if _is_int(ident):
            ident = str(ident)
        avail = a.get("available_rounds")
        if avail is not None and (not isinstance(avail, Sequence) or isinstance(avail, str)):
            raise ProblemError(f"{where}.available_rounds", "must be a list of round numbers")
        kwargs = _participant_kwargs(a, where, ident)
        kwargs["available_rounds"] = _window(a, where, d["rounds"], kwargs["available_rounds"])
        try:
            attendees.append(Participant(**kwargs))
        except ProblemError as err:  # name the attendee by position, as in the input
            raise ProblemError(where + err.field[len("attendee"):], err.message) from None
    weights = d.get("weights")
    if weights is not None:
        weights = tuple((w[0], w[1], w[2]) for w in _pair_list(weights, "weights", 3))
    fixed = _fixed_from_dict(d.get("fixed_meetings") or [])
    return Problem(
        rounds=d["rounds"],
        attendees=tuple(attendees),
        tables=d.get("tables"),
        settings=settings,
        blocked_pairs=_pair_list(d.get("blocked_pairs"), "blocked_pairs"),
        requested_pairs=_pair_list(d.get("requested_pairs"), "requested_pairs"),
        weights=weights,
        fixed_meetings=fixed,
        wishes=tuple((w[0], w[1], w[2]) for w in _pair_list(d.get("wishes"), "wishes", 3)),
    )


def _settings_from_dict(raw: Any) -> Settings:
    if not isinstance(raw, Mapping):
        raise ProblemError("settings", "must be an object")
    block = raw.get("block_same_organisation", True)
    return Settings(block_same_organisation=True if block is None else block,
                    min_meetings=raw.get("min_meetings"), mutuality=raw.get("mutuality"),
                    wish_bonus=raw.get("wish_bonus"),
                    allow_trios=False if raw.get("allow_trios") is None else raw["allow_trios"],
                    compact=False if raw.get("compact") is None else raw["compact"])


def _fixed_from_dict(raw: Any) -> tuple[FixedMeeting, ...]:
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise ProblemError("fixed_meetings", "must be a list")
    fixed = []
    for k, f in enumerate(raw):
        if not isinstance(f, Mapping) or not {"a", "b", "round"} <= set(f):
            raise ProblemError(f"fixed_meetings[{k}]", "must be an object with a, b, round")
        a, b, c = (str(x) if _is_int(x) else x for x in (f["a"], f["b"], f.get("c")))
        fixed.append(FixedMeeting(a=a, b=b, round=f["round"], table=f.get("table"), c=c))
    return tuple(fixed)


def _window(a: Mapping[str, Any], where: str, rounds: Any,
            avail: tuple[int, ...] | None) -> tuple[int, ...] | None:
    """``available_rounds`` narrowed to ``first_round``..``last_round`` (arrive late, leave
    early; either may be left out)."""
    first, last = a.get("first_round"), a.get("last_round")
    if first is None and last is None:
        return avail
    if not _is_int(rounds):
        return avail  # Problem names the bad "rounds"
    for key, value in (("first_round", first), ("last_round", last)):
        if value is not None and (not _is_int(value) or not 1 <= value <= rounds):
            raise ProblemError(f"{where}.{key}", f"must be a round in 1..{rounds}")
    lo, hi = first or 1, last or rounds
    if lo > hi:
        raise ProblemError(f"{where}.last_round", f"is before first_round ({lo})")
    given = range(1, rounds + 1) if avail is None else avail
    return tuple(r for r in given if _is_int(r) and lo <= r <= hi)


def _participant_kwargs(a: Mapping[str, Any], where: str, ident: Any) -> dict[str, Any]:
    avail = a.get("available_rounds")
    return dict(
        id=ident,
        name=_get(a, "name", f"{where}.name", (str,), str(ident)),
        organisation=_get(a, "organisation", f"{where}.organisation", (str,), ""),
        offers=_str_list(a.get("offers"), f"{where}.offers"),
        needs=_str_list(a.get("needs"), f"{where}.needs"),
        offers_text=_get(a, "offers_text", f"{where}.offers_text", (str,), ""),
        needs_text=_get(a, "needs_text", f"{where}.needs_text", (str,), ""),
        available_rounds=None if avail is None else tuple(avail),
        max_meetings=a.get("max_meetings"),
        host_table=a.get("host_table"),
    )

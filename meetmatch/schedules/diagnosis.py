"""Why people are short of their target, in plain words, with advice that fits the cause.

Read only, from saved rows: the summary page's problem list and its sentence come from the
same counts (``review.summary``), so the cards, the sentence and the list always agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..extensions import db
from ..i18n import gettext, ngettext
from ..i18n import lazy_gettext as _l
from ..matching.rules import organisation_key
from ..models import Attendee, Event, PairRule, PairRuleKind, SavedMeeting

SHORT_RULE = "Fewest meetings per attendee"  # as stored in a version's details (English)

# A cause and what to change for it; the same words whoever is affected.
CAUSES = {
    "same_organisation": (
        _l("Most others they could meet work at the same organisation, and meetings within one "
           "organisation are blocked"),
        _l("Allow meetings within the same organisation under Settings, or accept fewer meetings "
           "for them. More tables or rounds would not help.")),
    "rules": (
        _l("Meeting rules or cancelled meetings leave too few people they may meet"),
        _l("Remove a must-not-meet rule or a remembered cancellation on their page.")),
    "rounds": (
        _l("They can attend fewer rounds than their target"),
        _l("Widen their available rounds on their page, or lower the minimum meetings in Settings.")),
    "tables": (
        _l("More people are free in their rounds than the tables can seat"),
        _l("Add tables under Settings.")),
    "max_meetings": (
        _l("The people free in the same rounds have reached the most meetings they want"),
        _l("Raise the maximum meetings of one of them on their page, or accept fewer meetings "
           "for these. More tables would not help.")),
    "odd": (
        _l("An odd number of people is free in their rounds, so someone sits out"),
        _l("Add a walk-in, or accept that one person is short.")),
    "others": (
        _l("Their best partners were needed more elsewhere"),
        _l("Give them a must-meet rule with someone who fits, widen their rounds, or lower the "
           "minimum meetings in Settings.")),
}


# A requested meeting the solver could not plan: the start of its reason -> (plain reason, advice),
# said in the current language (a build saves them in the event's language).
REQUEST_CAUSES = [
    ("the pair is also blocked", _l("They also have a must-not-meet rule or a cancelled meeting."),
     _l("Keep one of the two rules: remove the other on their page.")),
    ("one of them would rather not meet", _l("One of them asked not to meet the other."),
     _l("Talk to them, or remove the must-meet rule.")),
    ("they already have a fixed meeting", _l("They already met in a round that was held."),
     _l("Nothing to change: no pair meets twice.")),
    ("both are from", _l("They work at the same organisation, and such meetings are blocked."),
     _l("Allow meetings within the same organisation under Settings, or remove the rule.")),
    ("{a} has no free round",
     _l("%(a)s has no free round left or has reached their maximum meetings."),
     _l("Raise their maximum meetings or widen their available rounds.")),
    ("{b} has no free round",
     _l("%(b)s has no free round left or has reached their maximum meetings."),
     _l("Raise their maximum meetings or widen their available rounds.")),
    ("they have no free round in common", _l("They are not free in the same round."),
     _l("Widen the rounds one of them can attend.")),
    ("both host their own table", _l("Both host their own table."),
     _l("Remove one of the two host tables.")),
    ("neither offers what the other needs", _l("Neither offers what the other needs."),
     _l("Edit their offers or needs, or remove the rule.")),
    ("no round left for it", _l("No round was left for it once the other rules and requests were met."),
     _l("Add a round or tables, or remove another must-meet rule of theirs.")),
]


def request_problem(a_id: str, b_id: str, reason: str, names: dict[str, str]) -> tuple[str, str]:
    """The solver's reason for an unmet requested meeting in plain words (names, never ids) and
    the advice that fits it."""
    a, b = names.get(a_id, a_id), names.get(b_id, b_id)
    for start, plain, advice in REQUEST_CAUSES:
        if reason.startswith(start.format(a=a_id, b=b_id)):
            return str(plain) % {"a": a, "b": b}, str(advice)
    return (gettext("It is not possible together with the other rules."),
            gettext("Check both people's rounds and rules, or add a round or tables."))


@dataclass(frozen=True)
class Problem:
    rule: str
    who: str
    reason: str
    advice: str


@dataclass(frozen=True)
class Seats:
    """What a version's meetings take: each person's rounds with a meeting and the people they
    meet, and how many tables each round uses."""

    busy: dict[int, set[int]] = field(default_factory=dict)
    partners: dict[int, set[int]] = field(default_factory=dict)
    tables_used: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, meetings: Iterable[SavedMeeting]) -> Seats:
        seats = cls()
        for m in meetings:
            seats.tables_used[m.round_number] += 1
            for x in m.people_ids:
                seats.busy.setdefault(x, set()).add(m.round_number)
                seats.partners.setdefault(x, set()).update(y for y in m.people_ids if y != x)
        return seats

    def below_max(self, person: Attendee) -> bool:
        """Whether ``person`` may still get a meeting (fewer than their ``max_meetings``)."""
        return person.max_meetings is None or len(self.busy.get(person.id, ())) < person.max_meetings


def _rounds_of(person: Attendee, all_rounds: set[int], first_round: int) -> set[int]:
    return {r for r in person.attended_rounds if r in all_rounds and r >= first_round}


def _blocked_pairs(event: Event) -> set[frozenset[int]]:
    rules = db.session.execute(db.select(PairRule).filter_by(event_id=event.id)).scalars()
    return {frozenset((r.attendee_a_id, r.attendee_b_id)) for r in rules
            if r.kind != PairRuleKind.MUST_MEET}


def _may_meet(event: Event, person: Attendee, others: list[Attendee],
              blocked: set[frozenset[int]]) -> list[Attendee]:
    """The others ``person`` may meet: not blocked by organisation or a rule."""
    org = organisation_key(person)  # reads .organisation only
    return [q for q in others if not (event.block_same_organisation and org and organisation_key(q) == org)
            and frozenset((person.id, q.id)) not in blocked]


def free_round_limits(event: Event, person: Attendee, may_meet: list[Attendee],
                      attends: dict[int, set[int]], seats: Seats) -> tuple[bool, list[Attendee]]:
    """What keeps ``person`` without a meeting in the rounds they sit out: (whether the tables
    bind: in such a round the people free who are below their maximum meetings and could meet
    them are more than the free tables seat; the people free in such a round who could meet
    them but have reached their maximum meetings). ``may_meet``: ``_may_meet``; ``attends``:
    each person's rounds (``_rounds_of``)."""
    met = seats.partners.get(person.id, set())
    tables_bind, at_max = False, []
    for r in sorted(attends[person.id] - seats.busy.get(person.id, set())):
        free = [q for q in may_meet if q.id not in met and r not in seats.busy.get(q.id, set())
                and r in attends[q.id]]
        open_ = [q for q in free if seats.below_max(q)]
        free_tables = event.num_tables - seats.tables_used[r] if event.num_tables else len(open_) + 1
        if open_ and (1 + len(open_)) // 2 > free_tables:
            tables_bind = True
        at_max += [q for q in free if q not in open_ and q not in at_max]
    return tables_bind, at_max


def short_cause(event: Event, person: Attendee, target: int, others: list[Attendee],
                attends: dict[int, set[int]], blocked: set[frozenset[int]],
                seats: Seats) -> tuple[str, list[Attendee]]:
    """The first cause (a key of CAUSES) that explains why ``person`` has fewer than ``target``
    meetings, and for "max_meetings" who reached their maximum; ``others`` are the other active
    people, ``attends`` everyone's rounds (``_rounds_of``), ``blocked`` the pairs that may not
    meet, ``seats`` what the version's meetings take.

    "tables" only when the tables really bind (``free_round_limits``); people free at the
    same time who want no more meetings are "max_meetings", not a lack of tables."""
    mine = attends[person.id]
    if len(mine) < target:
        return "rounds", []
    overlapping = [q for q in others if mine & attends[q.id]]
    org = organisation_key(person)  # reads .organisation only
    same_org = [q for q in overlapping if event.block_same_organisation and org
                and organisation_key(q) == org]
    ruled = [q for q in overlapping if frozenset((person.id, q.id)) in blocked and q not in same_org]
    if len(overlapping) - len(same_org) - len(ruled) < target:
        return ("same_organisation" if len(same_org) >= len(ruled) else "rules"), []
    tables_bind, at_max = free_round_limits(event, person, _may_meet(event, person, overlapping, blocked),
                                            attends, seats)
    if tables_bind:
        return "tables", []
    if at_max:
        return "max_meetings", at_max
    free = Counter(r for q in [person, *others] for r in attends[q.id] if r in mine)
    if any(free[r] % 2 for r in mine):
        return "odd", []
    return "others", []


def short_problems(event: Event, short: list[tuple[Attendee, int]], active: list[Attendee],
                   first_round: dict[int, int], meetings: Iterable[SavedMeeting]) -> list[Problem]:
    """One problem row per cause, naming everyone it applies to; ``short`` is (person, target),
    ``meetings`` the version's. A "max_meetings" row also names who reached their maximum."""
    blocked = _blocked_pairs(event)
    seats = Seats.of(meetings)
    all_rounds = {r.number for r in event.rounds}
    attends = {q.id: _rounds_of(q, all_rounds, first_round.get(q.id, 1))
               for q in [*active, *(p for p, _ in short)]}  # each person's rounds, once
    by_cause: dict[str, list[str]] = {}
    at_max: dict[int, Attendee] = {}
    for person, target in short:
        others = [q for q in active if q.id != person.id]
        cause, limits = short_cause(event, person, target, others, attends, blocked, seats)
        by_cause.setdefault(cause, []).append(person.name)
        at_max.update((q.id, q) for q in limits)
    rows = []
    for cause in CAUSES:
        names = by_cause.get(cause)
        if names:
            reason, advice = CAUSES[cause]
            count = ngettext("%(num)s attendee below their target",
                             "%(num)s attendees below their target", len(names))
            text = f"{count}. {reason}"
            if cause == "max_meetings":
                text += ": " + ", ".join(
                    gettext("%(name)s (at most %(count)s)", name=q.name, count=q.max_meetings)
                    for q in sorted(at_max.values(), key=lambda q: q.name.casefold()))
            rows.append(Problem(gettext("Fewest meetings per attendee"), ", ".join(sorted(names, key=str.casefold)),
                                f"{text}.", str(advice)))
    return rows

"""Why people are short of their target, in plain words, with advice that fits the cause.

Read only, from saved rows: the summary page's problem list and its sentence come from the
same counts (``review.summary``), so the cards, the sentence and the list always agree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..extensions import db
from ..i18n import gettext, ngettext
from ..i18n import lazy_gettext as _l
from ..matching.rules import organisation_key
from ..models import Attendee, Event, PairRule, PairRuleKind

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


def _rounds_of(person: Attendee, all_rounds: list[int], first_round: int) -> set[int]:
    attends = all_rounds if person.rounds_list is None else person.rounds_list  # [] is no round
    return {r for r in attends if r in all_rounds and r >= first_round}


def _blocked_pairs(event: Event) -> set[frozenset[int]]:
    rules = db.session.execute(db.select(PairRule).filter_by(event_id=event.id)).scalars()
    return {frozenset((r.attendee_a_id, r.attendee_b_id)) for r in rules
            if r.kind != PairRuleKind.MUST_MEET}


def short_cause(event: Event, person: Attendee, target: int, others: list[Attendee],
                first_round: dict[int, int], blocked: set[frozenset[int]]) -> str:
    """The first cause (a key of CAUSES) that explains why ``person`` has fewer than ``target``
    meetings; ``others`` are the other active people, ``first_round`` each late arrival's first
    round, ``blocked`` the pairs that may not meet."""
    all_rounds = [r.number for r in event.rounds]
    mine = _rounds_of(person, all_rounds, first_round.get(person.id, 1))
    if len(mine) < target:
        return "rounds"
    overlapping = [q for q in others if mine & _rounds_of(q, all_rounds, first_round.get(q.id, 1))]
    org = organisation_key(person)  # reads .organisation only
    same_org = [q for q in overlapping if event.block_same_organisation and org
                and organisation_key(q) == org]
    ruled = [q for q in overlapping if frozenset((person.id, q.id)) in blocked and q not in same_org]
    if len(overlapping) - len(same_org) - len(ruled) < target:
        return "same_organisation" if len(same_org) >= len(ruled) else "rules"
    free = Counter(r for q in [person, *others]
                   for r in _rounds_of(q, all_rounds, first_round.get(q.id, 1)) if r in mine)
    if event.num_tables and any(free[r] > 2 * event.num_tables for r in mine):
        return "tables"
    if any(free[r] % 2 for r in mine):
        return "odd"
    return "others"


def short_problems(event: Event, short: list[tuple[Attendee, int]], active: list[Attendee],
                   first_round: dict[int, int]) -> list[Problem]:
    """One problem row per cause, naming everyone it applies to; ``short`` is (person, target)."""
    blocked = _blocked_pairs(event)
    by_cause: dict[str, list[str]] = {}
    for person, target in short:
        others = [q for q in active if q.id != person.id]
        cause = short_cause(event, person, target, others, first_round, blocked)
        by_cause.setdefault(cause, []).append(person.name)
    rows = []
    for cause in CAUSES:
        names = by_cause.get(cause)
        if names:
            reason, advice = CAUSES[cause]
            count = ngettext("%(num)s attendee below their target",
                             "%(num)s attendees below their target", len(names))
            rows.append(Problem(gettext("Fewest meetings per attendee"), ", ".join(sorted(names, key=str.casefold)),
                                f"{count}. {reason}.", str(advice)))
    return rows

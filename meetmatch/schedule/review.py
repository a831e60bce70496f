"""Read-only views of a saved version: by round, by attendee, and a summary. No solving."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from ..models import Attendee, Event, Meeting, Round, ScheduleVersion
from ..scheduling import details_of


@dataclass
class RoundView:
    number: int
    round: Round | None
    meetings: list[Meeting]
    sitting_out: list[Attendee]


@dataclass
class PersonView:
    attendee: Attendee
    meetings: list[Meeting] = field(default_factory=list)
    target: int | None = None
    sits_out: list[int] = field(default_factory=list)


def rounds_of(event: Event) -> dict[int, Round]:
    return {r.number: r for r in event.rounds}


def people_in(event: Event, version: ScheduleVersion) -> list[Attendee]:
    """Active attendees plus anyone who has a meeting in the version, sorted by name."""
    in_version = {m.attendee_a_id for m in version.meetings} | {m.attendee_b_id for m in version.meetings}
    return sorted((a for a in event.attendees if a.is_active or a.id in in_version),
                  key=lambda a: (a.name.casefold(), a.id))


def by_attendee(event: Event, version: ScheduleVersion) -> list[PersonView]:
    targets = details_of(version).get("targets", {})
    views = {a.id: PersonView(a, target=targets.get(str(a.id))) for a in people_in(event, version)}
    for m in version.meetings:
        for x in (m.attendee_a_id, m.attendee_b_id):
            if x in views:
                views[x].meetings.append(m)
    for view in views.values():
        view.meetings.sort(key=lambda m: m.round_number)
        busy = {m.round_number for m in view.meetings}
        rounds = view.attendee.rounds_list or [r.number for r in event.rounds]
        view.sits_out = [r for r in rounds if r not in busy] if view.attendee.is_active else []
    return list(views.values())


def by_round(event: Event, version: ScheduleVersion) -> list[RoundView]:
    people = by_attendee(event, version)
    out = []
    for r in event.rounds:
        meetings = sorted((m for m in version.meetings if m.round_number == r.number),
                          key=lambda m: m.table_number)
        sitting = [p.attendee for p in people if r.number in p.sits_out]
        out.append(RoundView(r.number, r, meetings, sitting))
    return out


def summary(event: Event, version: ScheduleVersion) -> dict:
    people = by_attendee(event, version)
    active = [p for p in people if p.attendee.is_active]
    scores = [m.score for m in version.meetings]
    counts = Counter(len(p.meetings) for p in active)
    top = max(scores) if scores else 0.0
    bins = 5
    histogram = []
    if scores:
        width = top / bins if top > 0 else 1.0
        hist = Counter(min(bins - 1, int(s / width)) for s in scores)
        histogram = [{"low": k * width, "high": (k + 1) * width, "count": hist.get(k, 0)}
                     for k in range(bins)]
    unmet = Counter()
    needers = Counter()
    for p in active:
        partners = [m.partner_of(p.attendee.id) for m in p.meetings]
        offered = {t.id for partner in partners for t in partner.offers}
        for need in p.attendee.needs:
            needers[need.name] += 1
            if need.id not in offered:
                unmet[need.name] += 1
    fewest = sorted(active, key=lambda p: (len(p.meetings), p.attendee.name.casefold()))[:8]
    return {
        "meetings": len(version.meetings),
        "attendees": len(active),
        "per_attendee": sorted(counts.items()),
        "fewest": fewest,
        "short": [p for p in active if p.target is not None and len(p.meetings) < p.target],
        "scores": {"min": min(scores) if scores else 0.0, "median": median(scores) if scores else 0.0,
                   "max": top, "histogram": histogram},
        "unmet_topics": sorted(((name, n, needers[name]) for name, n in unmet.items()),
                               key=lambda t: (-t[1], t[0])),
        "details": details_of(version),
    }

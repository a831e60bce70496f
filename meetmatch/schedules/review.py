"""Read models of a saved version: a person's agenda, by round, by attendee, and a summary.

Read only, never solving. ``agenda`` is the one "meetings of a person" that the attendee's
page, the printed agenda cards, the schedule mail and its calendar file all show.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from statistics import median
from zoneinfo import ZoneInfo

from ..i18n import _, current_language, lazy_gettext, ngettext
from ..matching.reasons import second_person, third_person
from ..matching.scoring import TWO_WAY_THRESHOLD
from ..models import Attendee, Event, Round, SavedMeeting, ScheduleVersion
from .diagnosis import SHORT_RULE, Problem, short_problems
from .free_rounds import sitting_out
from .reasons import reason_of, trio_reasons_of, two_way_count
from .versions import (
    cancelled_meetings_for,
    details_of,
    published_meetings_for,
    published_version_id,
)


@dataclass(frozen=True)
class AgendaItem:
    """One meeting as the person in it sees it (times are the event's local wall-clock time)."""

    round: int
    starts_at: datetime | None
    ends_at: datetime | None
    table: str  # the table's label
    partner: str
    organisation: str
    title: str
    why: str
    uid: str  # stable per event and pair across versions: a calendar replaces the entry, never doubles it
    sequence: int = 0  # how often this meeting changed in published versions (iCalendar SEQUENCE)
    cancelled: bool = False  # the other person erased their data (privacy.erase_attendee)
    # A trio: everybody else at the table as (name, organisation, title); ``partner`` and
    # ``organisation`` above then name both ("Leo and Ida").
    partners: tuple[tuple[str, str, str], ...] = ()
    emails: tuple[str, ...] = ()  # everybody else's address (calendar ATTENDEE lines)


@dataclass(frozen=True)
class ChangeItem:
    """A meeting added to or removed from someone's schedule between two versions."""

    round: int
    starts_at: datetime | None
    table: str
    partner: str
    organisation: str


@dataclass
class RoundView:
    number: int
    round: Round | None
    meetings: list[SavedMeeting]
    sitting_out: list[Attendee]


@dataclass
class PersonView:
    attendee: Attendee
    meetings: list[SavedMeeting] = field(default_factory=list)
    target: int | None = None
    sits_out: list[int] = field(default_factory=list)

    @property
    def idle_gaps(self) -> list[int]:
        """Rounds they sit out between their first and last meeting (compact days)."""
        if not self.meetings:
            return []
        first, last = self.meetings[0].round_number, self.meetings[-1].round_number
        return [r for r in self.sits_out if first < r < last]


def rounds_of(event: Event) -> dict[int, Round]:
    """The event's rounds by number."""
    return {r.number: r for r in event.rounds}


def meeting_uid(event: Event, a_id: int, b_id: int, c_id: int | None = None) -> str:
    """The calendar UID of the meeting of a and b (and c in a trio): the same in every version
    (two people meet at most once per event), so a moved meeting replaces its calendar entry
    instead of doubling it."""
    ids = sorted(x for x in (a_id, b_id, c_id) if x is not None)
    return "meetmatch-" + "-".join(str(x) for x in (event.id, *ids))


def both_names(names: list[str]) -> str:
    """One or two names as a reader says them: "Leo" or "Leo and Ida"."""
    if len(names) == 1:
        return names[0]
    return _("%(a)s and %(b)s", a=names[0], b=names[1])


def agenda(event: Event, attendee: Attendee, meetings: list[SavedMeeting],
           sequences: dict[frozenset[int], int] | None = None) -> list[AgendaItem]:
    """What ``attendee`` needs to know about each of ``meetings``, in time order; ``sequences``
    (``versions.meeting_sequences``) gives each pair's calendar SEQUENCE."""
    rounds = rounds_of(event)
    items = []
    for m in sorted(meetings, key=lambda m: m.round_number):
        others = m.partners_of(attendee.id)
        partner = others[0]
        r = rounds.get(m.round_number)
        items.append(AgendaItem(
            round=m.round_number, starts_at=r.starts_at if r else None,
            ends_at=r.ends_at if r else None, table=event.table_label(m.table_number),
            # A trio names both others, each with their organisation: "Leo (Acme) and Ida".
            partner=partner.name if len(others) == 1 else both_names(
                [f"{x.name} ({x.organisation})" if x.organisation else x.name for x in others]),
            organisation=partner.organisation if len(others) == 1 else "",
            title=partner.title if len(others) == 1 else "",
            why=reason_for(m, attendee.id),
            uid=meeting_uid(event, *m.people_ids),
            sequence=(sequences or {}).get(frozenset(m.people_ids), 0),
            partners=tuple((x.name, x.organisation, x.title) for x in others)
            if len(others) > 1 else (),
            emails=tuple(x.email for x in others)))
    return items


def rounds_over(event: Event, now: datetime | None = None) -> int:
    """How many rounds have ended by ``now`` (default: the clock), in the event's time zone."""
    if now is None:
        now = datetime.now(ZoneInfo(event.timezone)).replace(tzinfo=None)
    return sum(1 for r in event.rounds if r.ends_at <= now)


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def reason_for(m: SavedMeeting, viewer_id: int | None = None, lang: str | None = None) -> str:
    """The meeting's reason for one reader: in the second person for ``viewer_id`` (their own
    page, mail, calendar and agenda card), else in the third person (organiser pages), with
    the people's current names. Meetings saved without a structured reason keep ``why``.
    The fixed words are in ``lang`` (default: the page's or mail's language)."""
    lang = lang or current_language()
    e = reason_of(m.reason)
    if e is None:
        return m.why
    names = {str(x.id): _first_name(x.name) for x in m.people}
    e = replace(e, a_name=names.get(e.a, e.a_name), b_name=names.get(e.b, e.b_name))
    # A trio: every pair's reason for the organiser; the reader's two pairs on their own page.
    pairs = [e] + [replace(t, a_name=names.get(t.a, t.a_name), b_name=names.get(t.b, t.b_name))
                   for t in trio_reasons_of(m.reason)]
    if viewer_id is None:
        text = " ".join(third_person(x, lang) for x in pairs)
    else:
        text = " ".join(second_person(x, str(viewer_id), lang) for x in pairs
                        if str(viewer_id) in (x.a, x.b))
    asked = (_("The organiser asked %(a)s and %(b)s to meet.", a=e.a_name, b=e.b_name)
             if m.why.startswith("The organiser asked") else "")
    return f"{asked} {text}".strip() if asked else text


def published_agenda(attendee: Attendee) -> list[AgendaItem] | None:
    """The attendee's agenda in the published schedule; None while nothing is published.
    A meeting whose partner erased their data stays in it as "a cancelled meeting"."""
    meetings = published_meetings_for(attendee)
    if meetings is None:
        return None
    items = agenda(attendee.event, attendee, meetings)
    version_id = published_version_id(attendee.event_id)
    cancelled = [c for c in cancelled_meetings_for(attendee.id, version_id)
                 if c.round_number not in {it.round for it in items}]
    if not cancelled:
        return items
    rounds = rounds_of(attendee.event)
    for c in cancelled:
        r = rounds.get(c.round_number)
        items.append(AgendaItem(
            round=c.round_number, starts_at=r.starts_at if r else None,
            ends_at=r.ends_at if r else None, table=attendee.event.table_label(c.table_number),
            partner=_("A cancelled meeting"), organisation="", title="",
            why=_("The other person is no longer taking part. This round is free."),
            uid=f"meetmatch-{attendee.event_id}-{c.round_number}-cancelled-{attendee.id}",
            cancelled=True))
    return sorted(items, key=lambda it: it.round)


def change_items(event: Event, rows: list[tuple[int, int, int]],
                 people: dict[int, Attendee]) -> list[ChangeItem]:
    """(round, table, partner id) rows of ``versions.changes_between`` in words."""
    rounds = rounds_of(event)
    return [ChangeItem(round=r, starts_at=rounds[r].starts_at if r in rounds else None,
                       table=event.table_label(t), partner=people[p].name,
                       organisation=people[p].organisation)
            for r, t, p in rows if p in people]


def people_in(event: Event, version: ScheduleVersion) -> list[Attendee]:
    """Active attendees plus anyone who has a meeting in the version, sorted by name."""
    in_version = {x for m in version.meetings for x in m.people_ids}
    return sorted((a for a in event.attendees if a.is_active or a.id in in_version),
                  key=lambda a: (a.name.casefold(), a.id))


def first_rounds(version: ScheduleVersion) -> dict[int, int]:
    """Attendee id -> the first round they were there for, for people who arrived after rounds
    were held (walk-ins added before a rebuild); everyone else was there from round 1."""
    return {int(k): int(v) for k, v in details_of(version).get("joined", {}).items()}


def by_attendee(event: Event, version: ScheduleVersion) -> list[PersonView]:
    """Everyone in the version with their meetings, target and rounds sitting out
    (``free_rounds.sitting_out``), by name."""
    targets = details_of(version).get("targets", {})
    joined = first_rounds(version)
    views = {a.id: PersonView(a, target=targets.get(str(a.id))) for a in people_in(event, version)}
    for m in version.meetings:
        for x in m.people_ids:
            if x in views:
                views[x].meetings.append(m)
    for view in views.values():
        view.meetings.sort(key=lambda m: m.round_number)
        view.sits_out = sitting_out(view.attendee, {m.round_number for m in view.meetings},
                                    targets, joined.get(view.attendee.id, 1))
    return list(views.values())


def by_round(event: Event, version: ScheduleVersion) -> list[RoundView]:
    """Each round with its meetings by table and who sits it out."""
    people = by_attendee(event, version)
    out = []
    for r in event.rounds:
        meetings = sorted((m for m in version.meetings if m.round_number == r.number),
                          key=lambda m: m.table_number)
        sitting = [p.attendee for p in people if r.number in p.sits_out]
        out.append(RoundView(r.number, r, meetings, sitting))
    return out


def _sentence(meetings: int, attendees: int, rounds: int, short: int, unmet: int) -> str:
    parts = [ngettext("%(num)s meeting", "%(num)s meetings", meetings) + " "
             + ngettext("for %(num)s attendee", "for %(num)s attendees", attendees) + " "
             + ngettext("in %(num)s round", "in %(num)s rounds", rounds),
             _("everyone reaches their target") if short == 0 else
             ngettext("%(num)s attendee below their target", "%(num)s attendees below their target",
                      short)]
    if unmet:
        parts.append(ngettext("%(num)s requested meeting not possible",
                              "%(num)s requested meetings not possible", unmet))
    return "; ".join(parts) + "."


# The rules a build stores problems under (English keys) as the reader reads them.
RULE_LABELS = {"Requested meeting": lazy_gettext("Requested meeting"),
               "Mutual wish": lazy_gettext("Mutual wish"), "Hard rules": lazy_gettext("Hard rules")}


def summary(event: Event, version: ScheduleVersion) -> dict:
    """The numbers of a version's summary page: meetings, per attendee, scores, unmet needs.

    One computation for the cards, the sentence below them and the problem list: ``meetings``
    counts the version's saved meetings (held rounds included), ``short`` the active people
    below their target in those saved meetings."""
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
        partners = [x for m in p.meetings for x in m.partners_of(p.attendee.id)]
        offered = {t.id for partner in partners for t in partner.offers}
        for need in p.attendee.needs:
            needers[need.name] += 1
            if need.id not in offered:
                unmet[need.name] += 1
    fewest = sorted(active, key=lambda p: (len(p.meetings), p.attendee.name.casefold()))[:8]
    short = [p for p in active if p.target is not None and len(p.meetings) < p.target]
    details = details_of(version)
    # Requests and hard rules as the build stored them (with names); the short row is counted
    # here, from the saved meetings, like the cards.
    stored = [Problem(**p) for p in details.get("problems", []) if p.get("rule") != SHORT_RULE]
    problems = stored + short_problems(event, [(p.attendee, p.target) for p in short],
                                       [p.attendee for p in active], first_rounds(version),
                                       version.meetings)
    unmet_requests = sum(1 for p in stored if p.rule in ("Requested meeting", "Mutual wish"))
    problems = [replace(p, rule=str(RULE_LABELS.get(p.rule, p.rule))) for p in problems]
    return {
        "meetings": len(version.meetings),
        "attendees": len(active),
        "per_attendee": sorted(counts.items()),
        "fewest": fewest,
        "short": short,
        "problems": problems,
        "sentence": _sentence(len(version.meetings), len(active), len(event.rounds), len(short), unmet_requests),
        "scores": {"min": min(scores) if scores else 0.0, "median": median(scores) if scores else 0.0,
                   "max": top, "histogram": histogram},
        "unmet_topics": sorted(((name, n, needers[name]) for name, n in unmet.items()),
                               key=lambda t: (-t[1], t[0])),
        "details": details,
        "two_way": two_way_count(version.meetings),
        "trios": sum(m.is_trio for m in version.meetings),  # tables of three
        "two_way_threshold": TWO_WAY_THRESHOLD,
        # Idle gaps: rounds people sit out between their first and last meeting, and who.
        "idle_gaps": sum(len(p.idle_gaps) for p in active),
        "idle_people": sum(1 for p in active if p.idle_gaps),
    }

"""The event's outcome report: what happened to the meetings of the published schedule, and
what both sides said they gained. Read only; every figure comes from ``outcome_report``.

Each scheduled meeting has exactly one outcome, so held + no-show + cancelled + unknown =
scheduled:
- **held** when either person says it happened;
- else **no-show** when either says the other did not come, or (nobody answered) one of them
  was marked a no-show at check-in;
- else **cancelled** when either says so;
- else **unknown**.
A held meeting is **two-way** when both say they gained something, **one-way** when exactly
one does, **neither** when both say nothing; with fewer than two answers it is **not rated**.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .extensions import db
from .i18n import _
from .matching.rules import pairs_at
from .models import Attendee, Event, MeetingFeedback, SavedMeeting, ScheduleVersion
from .schedules.versions import published_version

# Field targets published by Converve for B2B matchmaking events.
TARGET_KEPT = 0.80  # share of meetings that take place
TARGET_PER_ATTENDEE = 2.0  # meetings per attendee
OUTCOMES = ("held", "no_show", "cancelled", "unknown")
BENEFIT = ("two_way", "one_way", "neither", "not_rated")
LEVELS = ("none", "a little", "a lot")


@dataclass
class MeetingOutcome:
    meeting: SavedMeeting
    a: Attendee
    b: Attendee
    answers: dict[int, MeetingFeedback]  # by attendee id
    outcome: str
    benefit: str | None  # for held meetings
    topics: list[str]

    @property
    def realised(self) -> float | None:
        """Mean of what both said they gained (0 nothing … 2 a lot); None unless both rated."""
        gains = [f.gained for f in self.answers.values() if f.gained is not None]
        return sum(gains) / 2 if len(gains) == 2 else None

    @property
    def follow_up(self) -> bool:
        return any(f.follow_up for f in self.answers.values())


@dataclass
class GroupRow:
    name: str
    meetings: int = 0
    held: int = 0
    two_way: int = 0
    gained_sum: int = 0
    gained_n: int = 0

    @property
    def mean_gained(self) -> float | None:
        return self.gained_sum / self.gained_n if self.gained_n else None


@dataclass
class PersonRow:
    attendee: Attendee
    scheduled: int = 0
    held: int = 0
    answered: int = 0
    gained: list[int] = field(default_factory=list)
    gave: list[int] = field(default_factory=list)

    @property
    def mean_gained(self) -> float | None:
        return sum(self.gained) / len(self.gained) if self.gained else None

    @property
    def mean_gave(self) -> float | None:
        return sum(self.gave) / len(self.gave) if self.gave else None


@dataclass
class OutcomeReport:
    event: Event
    version: ScheduleVersion | None
    meetings: list[MeetingOutcome]
    counts: dict[str, int]
    benefit: dict[str, int]
    people_with_meetings: int
    responded: int
    follow_ups: int
    gained_levels: list[int]  # how many answers said none / a little / a lot
    gave_levels: list[int]
    rounds: list[tuple[int, int, int]]  # (round, scheduled, no-show)
    by_topic: list[GroupRow]
    by_organisation: list[GroupRow]
    people: list[PersonRow]
    returning: int = 0
    attendee_count: int = 0  # took part: active, or had a meeting
    taken_place: bool = True  # False before the first round ends: the figures are the plan


    @property
    def scheduled(self) -> int:
        return len(self.meetings)

    def share(self, part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def response_rate(self) -> float | None:
        return self.share(self.responded, self.people_with_meetings)

    @property
    def known(self) -> int:
        return self.scheduled - self.counts["unknown"]

    @property
    def kept_rate(self) -> float | None:
        """Held among meetings whose outcome is known."""
        return self.share(self.counts["held"], self.known)

    @property
    def no_show_rate(self) -> float | None:
        return self.share(self.counts["no_show"], self.known)

    @property
    def rated(self) -> int:
        return self.benefit["two_way"] + self.benefit["one_way"] + self.benefit["neither"]

    @property
    def two_way_share(self) -> float | None:
        """Realised two-way share: of held meetings rated by both people."""
        return self.share(self.benefit["two_way"], self.rated)

    @property
    def meetings_per_attendee(self) -> float | None:
        return self.share(2 * self.scheduled, self.attendee_count)

    @property
    def held_per_attendee(self) -> float | None:
        return self.share(2 * self.counts["held"], self.attendee_count)

    @property
    def predicted_vs_realised(self) -> list[tuple[float, float]]:
        return [(m.meeting.score, m.realised) for m in self.meetings
                if m.outcome == "held" and m.realised is not None]

    @property
    def agreement(self) -> float | None:
        """Spearman's rank correlation of predicted score and realised benefit (None: too few)."""
        points = self.predicted_vs_realised
        if len(points) < 3 or len({p for p, _ in points}) < 2 or len({r for _, r in points}) < 2:
            return None
        from scipy.stats import spearmanr

        return float(spearmanr([p for p, _ in points], [r for _, r in points]).statistic)

    @property
    def top(self) -> list[MeetingOutcome]:
        """The meetings both sides rated highest (both gained), best first."""
        both = [m for m in self.meetings if m.benefit == "two_way"]
        return sorted(both, key=lambda m: (-(m.realised or 0), -m.meeting.score, m.meeting.round_number))[:5]


def _outcome(answers: list[MeetingFeedback], a: Attendee, b: Attendee) -> str:
    said = {f.happened for f in answers}
    if "yes" in said:
        return "held"
    if "no_show" in said or (not said and "no_show" in (a.status, b.status)):
        return "no_show"
    if "cancelled" in said:
        return "cancelled"
    return "unknown"


def _benefit(answers: list[MeetingFeedback]) -> str:
    gains = [f.gained for f in answers if f.gained is not None]
    if len(gains) < 2:
        return "not_rated"
    gaining = sum(1 for g in gains if g > 0)
    return ("neither", "one_way", "two_way")[gaining]


def _topics(a: Attendee, b: Attendee) -> list[str]:
    """Topics one offers that the other needs, both ways."""
    matched = {t.name for t in a.offers if t in b.needs} | {t.name for t in b.offers if t in a.needs}
    return sorted(matched)


def outcome_report(event: Event) -> OutcomeReport:
    """Every figure of the report of ``event``'s published schedule."""
    from .feedback import meetings_have_taken_place
    from .history import returning_count

    version = published_version(event.id)
    meetings = list(version.meetings) if version is not None else []
    rows = db.session.execute(db.select(MeetingFeedback).filter_by(event_id=event.id)).scalars().all()
    by_meeting: dict[int, dict[tuple[int, int], MeetingFeedback]] = defaultdict(dict)
    for f in rows:
        by_meeting[f.meeting_id][(f.attendee_id, f.partner_id)] = f
    outcomes = []
    for m in meetings:
        # A trio is a meeting of each of its three pairs: each pair is counted (and rated) once.
        given = by_meeting.get(m.id, {})
        for a, b in pairs_at(m.attendee_a, m.attendee_b, m.attendee_c):
            answers = {x.id: given[(x.id, y.id)] for x, y in ((a, b), (b, a))
                       if (x.id, y.id) in given}
            outcome = _outcome(list(answers.values()), a, b)
            outcomes.append(MeetingOutcome(
                m, a, b, answers, outcome,
                _benefit(list(answers.values())) if outcome == "held" else None,
                _topics(a, b)))
    counts = Counter(o.outcome for o in outcomes)
    benefit = Counter(o.benefit for o in outcomes if o.benefit)
    people: dict[int, PersonRow] = {}
    topic_rows: dict[str, GroupRow] = {}
    org_rows: dict[str, GroupRow] = {}
    gained_levels, gave_levels = [0, 0, 0], [0, 0, 0]
    rounds: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        rounds[o.meeting.round_number][0] += 1
        rounds[o.meeting.round_number][1] += o.outcome == "no_show"
        groups = [topic_rows.setdefault(t, GroupRow(t)) for t in (o.topics or [_("(their own words only)")])]
        for person in (o.a, o.b):
            row = people.setdefault(person.id, PersonRow(person))
            row.scheduled += 1
            row.held += o.outcome == "held"
            answer = o.answers.get(person.id)
            org_name = person.organisation or _("(no organisation)")
            org = org_rows.setdefault(org_name, GroupRow(org_name))
            org.meetings += 1
            org.held += o.outcome == "held"
            org.two_way += o.benefit == "two_way"
            if answer is not None:
                row.answered += 1
                if answer.gained is not None:
                    row.gained.append(answer.gained)
                    gained_levels[answer.gained] += 1
                    org.gained_sum += answer.gained
                    org.gained_n += 1
                    for g in groups:
                        g.gained_sum += answer.gained
                        g.gained_n += 1
                if answer.gave is not None:
                    row.gave.append(answer.gave)
                    gave_levels[answer.gave] += 1
        for g in groups:
            g.meetings += 1
            g.held += o.outcome == "held"
            g.two_way += o.benefit == "two_way"
    return OutcomeReport(
        event=event, version=version, meetings=outcomes,
        counts={k: counts.get(k, 0) for k in OUTCOMES}, benefit={k: benefit.get(k, 0) for k in BENEFIT},
        people_with_meetings=len(people), responded=sum(1 for p in people.values() if p.answered),
        follow_ups=sum(1 for o in outcomes if o.follow_up), gained_levels=gained_levels,
        gave_levels=gave_levels,
        rounds=[(r, s, n) for r, (s, n) in sorted(rounds.items())],
        by_topic=sorted(topic_rows.values(), key=lambda g: (-g.meetings, g.name)),
        by_organisation=sorted(org_rows.values(), key=lambda g: (-g.meetings, g.name)),
        people=sorted(people.values(), key=lambda p: p.attendee.name.casefold()),
        returning=returning_count(event),
        attendee_count=len({a.id for a in event.attendees if a.is_active} | set(people)),
        taken_place=meetings_have_taken_place(event))


CSV_COLUMNS = ["round", "table", "person", "email", "organisation", "met", "met_organisation",
               "happened", "gained", "gave", "follow_up", "note", "predicted_score", "outcome"]
_ANSWER_WORDS = {None: "", 0: "none", 1: "a little", 2: "a lot"}


def _cell(value: object) -> str:
    """Neutralise formula-looking cells, as the attendee export does."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def feedback_csv(report: OutcomeReport) -> str:
    """All feedback, one row per person per meeting (rows without an answer show the outcome)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for o in report.meetings:
        for person, other in ((o.a, o.b), (o.b, o.a)):
            f = o.answers.get(person.id)
            writer.writerow([_cell(v) for v in (
                o.meeting.round_number, report.event.table_label(o.meeting.table_number), person.name,
                person.email, person.organisation, other.name, other.organisation,
                f.happened if f else "", _ANSWER_WORDS[f.gained if f else None],
                _ANSWER_WORDS[f.gave if f else None], ("yes" if f.follow_up else "no") if f else "",
                f.note if f else "", f"{o.meeting.score:.2f}", o.outcome)])
    return out.getvalue()


def outcome_figures(event: Event) -> dict[str, float | int | None]:
    """The report's headline figures without personal data, for keeping after the attendees
    (and with them their meetings and feedback) are erased."""
    r = outcome_report(event)
    return {"scheduled": r.scheduled, **r.counts, **r.benefit, "people_with_meetings": r.people_with_meetings,
            "responded": r.responded, "follow_ups": r.follow_ups, "kept_rate": r.kept_rate,
            "no_show_rate": r.no_show_rate, "two_way_share": r.two_way_share,
            "meetings_per_attendee": r.meetings_per_attendee}

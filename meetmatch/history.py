"""Memory across an organiser's events: who met whom before, and how it went.

A person is the same person in another event when the email matches. With the event's
``history_rule`` "on", people who met at the organiser's earlier events (in their published
schedule, unless someone said the meeting did not take place) are not paired again; with
"not_useful", only when one of them said the meeting gave them nothing. The build passes these
pairs to the engine as blocked pairs; ``blocked_reasons`` says why, for the organiser's pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .extensions import db
from .matching.rules import pairs_at
from .models import Attendee, Event, MeetingFeedback
from .schedules.versions import published_version

HISTORY_RULES = ("off", "on", "not_useful")


@dataclass(frozen=True)
class PastMeeting:
    event: Event
    starts_at: datetime | None
    round: int
    email_a: str
    email_b: str
    name_a: str
    name_b: str
    gained_a: int | None  # what a said they gained (None: no answer)
    gained_b: int | None
    happened: str  # held (or no answer) | no_show | cancelled

    @property
    def not_useful(self) -> bool:
        return 0 in (self.gained_a, self.gained_b)

    def other_name(self, email: str) -> str:
        return self.name_b if email == self.email_a else self.name_a

    def gained_by(self, email: str) -> int | None:
        return self.gained_a if email == self.email_a else self.gained_b


def _start(event: Event) -> datetime | None:
    return min((r.starts_at for r in event.rounds), default=None)


def earlier_events(event: Event) -> list[Event]:
    """The organiser's other events that began before this one (events without rounds count
    by creation order)."""
    mine = _start(event)
    result = []
    for other in event.organiser.events:
        if other.id == event.id:
            continue
        start = _start(other)
        if (start < mine) if (start is not None and mine is not None) else (other.id < event.id):
            result.append(other)
    return result


def past_meetings(event: Event, emails: set[str] | None = None) -> list[PastMeeting]:
    """Meetings at the organiser's earlier events between people with these emails (all
    people when None), oldest first."""
    found = []
    for other in earlier_events(event):
        version = published_version(other.id)
        if version is None:
            continue
        answers: dict[tuple[int, int, int], MeetingFeedback] = {
            (f.meeting_id, f.attendee_id, f.partner_id): f for f in db.session.execute(
                db.select(MeetingFeedback).filter_by(event_id=other.id)).scalars()}
        rounds = {r.number: r.starts_at for r in other.rounds}
        # A trio is a meeting of each of its pairs.
        pairs = [(m, a, b) for m in version.meetings
                 for a, b in pairs_at(m.attendee_a, m.attendee_b, m.attendee_c)]
        for m, a, b in pairs:
            if emails is not None and not (a.email in emails and b.email in emails):
                continue
            fa, fb = answers.get((m.id, a.id, b.id)), answers.get((m.id, b.id, a.id))
            said = {f.happened for f in (fa, fb) if f is not None}
            happened = "held" if "yes" in said or not said else ("no_show" if "no_show" in said else "cancelled")
            found.append(PastMeeting(other, rounds.get(m.round_number), m.round_number, a.email, b.email,
                                     a.name, b.name, fa.gained if fa else None, fb.gained if fb else None,
                                     happened))
    return sorted(found, key=lambda p: (p.starts_at or datetime.min, p.round))


def blocked_reasons(event: Event, people: list[Attendee]) -> dict[tuple[int, int], str]:
    """{(smaller id, larger id): why} for the pairs the event's history rule keeps apart."""
    rule = event.history_rule or "off"
    if rule == "off" or not people:
        return {}
    by_email: dict[str, list[Attendee]] = {}
    for a in people:
        by_email.setdefault(a.email, []).append(a)
    reasons: dict[tuple[int, int], str] = {}
    for past in past_meetings(event, set(by_email)):
        if past.happened != "held" or (rule == "not_useful" and not past.not_useful):
            continue
        when = f" on {past.starts_at:%Y-%m-%d}" if past.starts_at else ""
        why = (f"they met at {past.event.name}{when}"
               + (" and one of them said it gave them nothing" if past.not_useful else ""))
        for a in by_email[past.email_a]:
            for b in by_email[past.email_b]:
                if a.id != b.id:
                    reasons.setdefault(tuple(sorted((a.id, b.id))), why)
    return reasons


def returning_count(event: Event) -> int:
    """How many of the event's attendees (not withdrawn) came to an earlier event of the
    organiser."""
    earlier = [e.id for e in earlier_events(event)]
    if not earlier:
        return 0
    seen = set(db.session.execute(db.select(Attendee.email).where(
        Attendee.event_id.in_(earlier), Attendee.status != "withdrawn")).scalars())
    return sum(1 for a in event.attendees if a.status != "withdrawn" and a.email in seen)


def past_meetings_of(attendee: Attendee) -> list[PastMeeting]:
    """This person's meetings at the organiser's earlier events, with how they went."""
    return [p for p in past_meetings(attendee.event) if attendee.email in (p.email_a, p.email_b)]

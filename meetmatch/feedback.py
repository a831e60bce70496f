"""Meeting feedback: the request mail, the attendee's answers, and when feedback is open.

Both people of a meeting answer for themselves, through their own private link: did it
happen (yes / the other person did not come / cancelled), what they gained and what they could
give (0 none, 1 a little, 2 a lot), whether they plan to follow up, and a note only the
organiser reads. Answers are about the meetings of the event's published schedule and can be
changed for ``FEEDBACK_DAYS`` days after the request went out (or after the event ended).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from .extensions import db
from .forms import has_control_characters
from .i18n import _, force_locale, language_of
from .mail import queue_message
from .models import (
    FEEDBACK_HAPPENED,
    Attendee,
    Event,
    ManageToken,
    MeetingFeedback,
    OutboxMessage,
    SavedMeeting,
    utcnow,
)
from .registration import public_url
from .schedules.review import AgendaItem, agenda, rounds_over
from .schedules.versions import meetings_for, published_version
from .security import new_token

log = logging.getLogger(__name__)
FEEDBACK_DAYS = 14
SCALE = (0, 1, 2)  # none, a little, a lot
NOTE_MAX = 2000
MAIL_KIND = "feedback_request"


class UnknownMeeting(LookupError):
    """An answer names a meeting that is not one of this person's: nothing is stored."""


@dataclass(frozen=True)
class Answer:
    happened: str
    gained: int | None
    gave: int | None
    follow_up: bool
    note: str


@dataclass
class FeedbackItem:
    """One of a person's meetings on their feedback page, with their answer so far; a trio is
    two items, one per partner (each person rates both others)."""

    meeting: SavedMeeting
    item: AgendaItem
    answer: MeetingFeedback | None
    partner: Attendee | None = None  # set for a trio's items: the partner rated

    @property
    def key(self) -> str:
        """The answer's name in the form: the meeting id, or "<meeting>_<partner>" in a trio."""
        if self.partner is None:
            return str(self.meeting.id)
        return f"{self.meeting.id}_{self.partner.id}"

    @property
    def partner_name(self) -> str:
        return self.item.partner if self.partner is None else self.partner.name

    @property
    def partner_organisation(self) -> str:
        return self.item.organisation if self.partner is None else self.partner.organisation


# ------------------------------------------------------------------ when


def event_end(event: Event) -> datetime | None:
    """When the last round ends, as naive UTC (rounds are wall-clock time in the event's zone)."""
    if not event.rounds:
        return None
    local = max(r.ends_at for r in event.rounds)
    return local.replace(tzinfo=ZoneInfo(event.timezone)).astimezone(UTC).replace(tzinfo=None)


def first_round_end(event: Event) -> datetime | None:
    """When the first round ends, as wall-clock time in the event's zone (None: no rounds)."""
    return min((r.ends_at for r in event.rounds), default=None)


def meetings_have_taken_place(event: Event, now_local: datetime | None = None) -> bool:
    """Whether the first round has ended by the clock (``now_local``: the event's wall-clock
    time, default now). Before that no meeting has taken place, so there is nothing to ask
    feedback about and the report's figures are only the plan."""
    return rounds_over(event, now_local) > 0


def feedback_closes_at(event: Event) -> datetime | None:
    start = event.feedback_requested_at or event_end(event)
    return None if start is None else start + timedelta(days=FEEDBACK_DAYS)


def feedback_state(event: Event, now: datetime | None = None) -> str:
    """``not_yet`` (before the event ends, unless the request went out), ``open`` or ``closed``."""
    now = now or utcnow()
    end = event_end(event)
    if event.feedback_requested_at is None and (end is None or now < end):
        return "not_yet"
    closes = feedback_closes_at(event)
    return "closed" if closes is not None and now >= closes else "open"


# ------------------------------------------------------------------ a person's meetings


def feedback_items(attendee: Attendee) -> list[FeedbackItem]:
    """The person's meetings in the published schedule, in time order, with their answers."""
    event = attendee.event
    version = published_version(event.id)
    if version is None:
        return []
    meetings = meetings_for(version, attendee.id)
    answers = {(f.meeting_id, f.partner_id): f for f in db.session.execute(
        db.select(MeetingFeedback).filter_by(attendee_id=attendee.id)).scalars()}
    items = {it.round: it for it in agenda(event, attendee, meetings)}  # one meeting a round
    out = []
    for m in meetings:
        others = m.partners_of(attendee.id)
        for partner in others:
            out.append(FeedbackItem(m, items[m.round_number], answers.get((m.id, partner.id)),
                                    partner if len(others) > 1 else None))
    return out


def _level(value: str | None) -> int | None:
    return int(value) if value in ("0", "1", "2") else None


def parse_answers(form: Mapping[str, str], keys: set[str]) -> tuple[dict[str, Answer], dict[str, str]]:
    """Read ``happened-<key>``, ``gained-<key>``, ``gave-<key>``, ``follow_up-<key>``,
    ``note-<key>`` (``FeedbackItem.key``: a meeting id, or meeting and partner in a trio).

    Returns (answers by key, errors by key). A meeting left blank is skipped.
    Raises UnknownMeeting when a field names a meeting that is not one of ``keys``."""
    mentioned: set[str] = set()
    for key in form:
        name, _sep, suffix = key.partition("-")
        if name in ("happened", "gained", "gave", "follow_up", "note"):
            if suffix not in keys:
                raise UnknownMeeting(key)
            mentioned.add(suffix)
    answers, errors = {}, {}
    for mid in sorted(mentioned):
        happened = form.get(f"happened-{mid}") or ""
        gained, gave = _level(form.get(f"gained-{mid}")), _level(form.get(f"gave-{mid}"))
        note = (form.get(f"note-{mid}") or "").strip()
        follow_up = form.get(f"follow_up-{mid}") == "yes"
        if not happened:
            if gained is not None or gave is not None or note or follow_up:
                errors[mid] = _("Say whether the meeting happened.")
            continue
        if happened not in FEEDBACK_HAPPENED:
            errors[mid] = _("Choose one of the answers to “did it happen”.")
        elif len(note) > NOTE_MAX:
            errors[mid] = _("The note is too long (at most %(n)s characters).", n=NOTE_MAX)
        elif has_control_characters(note):
            errors[mid] = _("The note contains control characters or invisible ones.")
        else:
            if happened != "yes":  # nothing gained or given in a meeting that did not take place
                gained = gave = None
                follow_up = False
            answers[mid] = Answer(happened, gained, gave, follow_up, note)
    return answers, errors


def save_answers(attendee: Attendee, answers: dict[str, Answer], *, retry: bool = True) -> int:
    """Store (or change) the person's answers (by ``FeedbackItem.key``); returns how many
    meetings (partners, in a trio) were answered."""
    meetings = {it.key: it for it in feedback_items(attendee)}
    if set(answers) - set(meetings):
        raise UnknownMeeting(sorted(set(answers) - set(meetings)))
    for key, answer in answers.items():
        row = meetings[key].answer
        if row is None:
            it = meetings[key]
            partner = it.partner or it.meeting.partner_of(attendee.id)
            row = MeetingFeedback(event_id=attendee.event_id, meeting_id=it.meeting.id,
                                  attendee_id=attendee.id, partner_id=partner.id)
            db.session.add(row)
        row.happened, row.gained, row.gave = answer.happened, answer.gained, answer.gave
        row.follow_up, row.note = answer.follow_up, answer.note
    try:
        db.session.commit()
    except IntegrityError:  # the same form saved twice at once: the other save won, try again
        db.session.rollback()
        if not retry:
            raise
        return save_answers(attendee, answers, retry=False)
    return len(answers)


def mark_all_useful(attendee: Attendee) -> int:
    """"All my meetings happened and were useful": every meeting not answered yet is recorded as
    happened and gained a lot (answers already given stay). Returns how many were filled in."""
    open_items = [it for it in feedback_items(attendee) if it.answer is None]
    return save_answers(attendee, {it.key: Answer("yes", 2, None, False, "") for it in open_items})


# ------------------------------------------------------------------ the request mail


def feedback_link(attendee: Attendee, purpose: str = MAIL_KIND) -> str:
    """A new private link that opens the feedback page (the caller commits)."""
    token, token_hash = new_token()
    db.session.add(ManageToken(attendee=attendee, token_hash=token_hash, purpose=purpose))
    return public_url("attendee.feedback", slug=attendee.event.slug, token=token)


def people_to_ask(event: Event) -> list[Attendee]:
    """Everyone with a meeting in the published schedule who took part (not withdrawn, not a
    no-show)."""
    version = published_version(event.id)
    if version is None:
        return []
    ids = {x for m in version.meetings for x in m.people_ids}
    return [a for a in event.attendees if a.id in ids and a.is_active]


def people_not_asked(event: Event) -> list[Attendee]:
    """Those of ``people_to_ask`` who have no feedback request yet (e.g. added after it went out)."""
    asked = set(db.session.execute(db.select(OutboxMessage.dedupe_key).where(
        OutboxMessage.dedupe_key.like(f"feedback:{event.id}:%"))).scalars())
    return [a for a in people_to_ask(event) if _dedupe_key(event, a) not in asked]


def _dedupe_key(event: Event, attendee: Attendee) -> str:
    return f"feedback:{event.id}:{attendee.id}"


def request_feedback(event: Event) -> int:
    """Queue one feedback request per person who had meetings (once per person: pressing the
    button again, or the worker after the organiser, queues nothing new). Returns how many
    were queued now."""
    from .mail import already_queued

    count = 0
    if event.feedback_requested_at is None:
        event.feedback_requested_at = utcnow()
    closes = feedback_closes_at(event)
    for attendee in people_to_ask(event):
        key = _dedupe_key(event, attendee)
        if already_queued(key):
            continue
        with force_locale(language_of(attendee)):
            queue_message(kind=MAIL_KIND, to_addr=attendee.email, to_name=attendee.name,
                          template=MAIL_KIND, event_id=event.id, attendee_id=attendee.id,
                          dedupe_key=key,
                          context={"event": event, "attendee": attendee,
                                   "feedback_url": feedback_link(attendee),
                                   "days": FEEDBACK_DAYS, "closes": closes})
        count += 1
    try:
        db.session.commit()
    except IntegrityError:  # another request queued the same keys meanwhile: theirs stand
        db.session.rollback()
        return 0
    return count


def send_due_feedback_requests(now: datetime | None = None) -> int:
    """The worker's part: request feedback for events whose automatic time has come."""
    now = now or utcnow()
    events = db.session.execute(db.select(Event).where(
        Event.feedback_after_hours.is_not(None), Event.feedback_requested_at.is_(None))).scalars().all()
    queued = 0
    for event in events:
        end = event_end(event)
        if end is None or now < end + timedelta(hours=event.feedback_after_hours or 0):
            continue
        if published_version(event.id) is None:
            continue
        try:
            queued += request_feedback(event)
        except Exception:  # noqa: BLE001 - one event's trouble must not stop the worker's pass
            db.session.rollback()
            log.exception("could not queue the feedback requests of event %s", event.id)
    db.session.rollback()  # end the read: the worker holds no transaction between passes
    return queued

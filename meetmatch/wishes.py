"""Attendees choose too: who is coming, suggestions, "I'd like to meet" and "I'd rather not".

* **Listing consent** (``Attendee.listed_at``): only people who agreed are shown to the
  other attendees of their event, suggested or wished for. Withdrawn at any time: they
  vanish from every list and suggestion at once, and "like to meet" wishes *for* them stop
  counting (the rows stay, so they count again if the person re-consents). "Rather not"
  wishes for them still count: they protect the person who made them and reveal nothing.
* **Wishes** (``Wish``): one per attendee and other person, ``meet`` (up to the event's
  ``wish_limit``) or ``avoid`` (private, no limit); changed only while wishes are open.
  Only active attendees' wishes count, so a withdrawn attendee's wishes stop counting at once.
* **Suggestions** (``Suggestion``): the worker stores each attendee's listed partners with
  the highest mutual score and the reason (:func:`compute_suggestions`), because a score
  needs the text model and no web request loads it.

The engine gets the counting wishes from :func:`engine_wishes` (``schedules.engine_io``); what
they mean for the solver is written in ``matching/wishes.py``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import or_
from sqlalchemy.orm import aliased

from .extensions import db
from .i18n import _
from .jobs import JobContext, JobResult, enqueue_job, latest_job, register_handler
from .models import (
    Attendee,
    Event,
    JobStatus,
    OutboxMessage,
    Suggestion,
    Wish,
    WishKind,
    attendee_need,
    attendee_offer,
    utcnow,
)
from .paging import MAX_PAGE

SUGGESTIONS_JOB = "suggestions"
SUGGESTIONS_KEPT = 10  # stored per attendee; pages show the first SHOWN still listed
SUGGESTIONS_SHOWN = 5
PER_PAGE = 25


class WishNotFound(LookupError):
    """The other person is not a listed, active attendee of the viewer's event (a 404)."""


class WishRefused(ValueError):
    """A wish that cannot be stored now; the message says why, for the attendee."""


# ------------------------------------------------------------------ listing and state


def set_listing(attendee: Attendee, listed: bool) -> None:
    """Record listing consent (keeps the first consent time while it stands); caller commits."""
    if listed and attendee.listed_at is None:
        attendee.listed_at = utcnow()
    elif not listed:
        attendee.listed_at = None


def local_now(event: Event) -> datetime:
    """Now as the event's wall-clock time (how closing times are stored)."""
    try:
        zone = ZoneInfo(event.timezone)
    except (KeyError, ValueError):
        zone = UTC
    return datetime.now(zone).replace(tzinfo=None)


def wishes_are_open(event: Event, now: datetime | None = None) -> bool:
    """Whether attendees may change their wishes: open, and the closing time not yet passed."""
    if not event.wishes_open:
        return False
    return event.wishes_close_at is None or (now or local_now(event)) < event.wishes_close_at


def _listed_active(event_id: int):
    return (Attendee.event_id == event_id, Attendee.status == "registered",
            Attendee.listed_at.is_not(None))


def listed_people(event: Event, viewer: Attendee, *, q: str = "", topic_id: int | None = None,
                  page: int = 1, per_page: int = PER_PAGE):
    """The other listed, active attendees of the event by name, one page (a Pagination).

    ``q`` searches name and organisation; ``topic_id`` keeps people who offer or need it.
    """
    query = db.select(Attendee).where(*_listed_active(event.id), Attendee.id != viewer.id)
    if q.strip():
        like = f"%{q.strip()}%"
        query = query.where(or_(Attendee.name.ilike(like), Attendee.organisation.ilike(like)))
    if topic_id is not None:
        offered = db.select(attendee_offer.c.attendee_id).where(attendee_offer.c.topic_id == topic_id)
        needed = db.select(attendee_need.c.attendee_id).where(attendee_need.c.topic_id == topic_id)
        query = query.where(or_(Attendee.id.in_(offered), Attendee.id.in_(needed)))
    query = query.order_by(db.func.lower(Attendee.name), Attendee.id)
    return db.paginate(query, page=min(max(1, page), MAX_PAGE), per_page=per_page,
                       error_out=False)


def wishes_of(viewer: Attendee) -> dict[int, WishKind]:
    """The viewer's own wishes: other attendee id -> kind."""
    rows = db.session.execute(
        db.select(Wish.other_id, Wish.kind).where(Wish.attendee_id == viewer.id)).all()
    return {other: kind for other, kind in rows}


def meet_wishes_used(viewer: Attendee) -> int:
    """How many of the viewer's "like to meet" wishes count against the limit (for listed,
    active people: a wish for someone who left or unlisted frees its place)."""
    other = aliased(Attendee)
    return db.session.execute(
        db.select(db.func.count()).select_from(Wish).join(other, other.id == Wish.other_id)
        .where(Wish.attendee_id == viewer.id, Wish.kind == WishKind.MEET,
               other.status == "registered", other.listed_at.is_not(None))).scalar_one()


def listed_other_or_none(viewer: Attendee, other_id: int) -> Attendee | None:
    """The listed, active attendee ``other_id`` of the viewer's event; None otherwise."""
    other = db.session.get(Attendee, other_id)
    if (other is None or other.id == viewer.id or other.event_id != viewer.event_id
            or not other.is_active or other.listed_at is None):
        return None
    return other


def set_wish(viewer: Attendee, other_id: int, kind: WishKind | None) -> Attendee:
    """Store the viewer's wish about ``other_id`` (None removes it); commits; returns the other.

    Raises WishNotFound for anyone who is not a listed, active attendee of the viewer's event
    (nothing stored), WishRefused when wishes are closed, the viewer is not active, or the
    "like to meet" limit is reached.
    """
    other = listed_other_or_none(viewer, other_id)
    if other is None:
        raise WishNotFound(other_id)
    event = viewer.event
    if not viewer.is_active:
        raise WishRefused(_("Your registration is withdrawn, so your wishes do not count."))
    if not wishes_are_open(event):
        raise WishRefused(_("Wishes are closed for this event; the organiser is planning the "
                            "schedule."))
    wish = db.session.execute(db.select(Wish).filter_by(
        attendee_id=viewer.id, other_id=other.id)).scalar_one_or_none()
    if kind is None:
        if wish is not None:
            db.session.delete(wish)
        db.session.commit()
        return other
    if (kind is WishKind.MEET and (wish is None or wish.kind is not WishKind.MEET)
            and meet_wishes_used(viewer) >= event.wish_limit):
        raise WishRefused(_("You can ask to meet at most %(limit)s people. Remove one of your "
                            "wishes first.", limit=event.wish_limit))
    if wish is None:
        db.session.add(Wish(event_id=event.id, attendee_id=viewer.id, other_id=other.id,
                            kind=kind))
    else:
        wish.kind = kind
    db.session.commit()
    return other


# ------------------------------------------------------------------ what counts


def counting_wishes(event: Event) -> list[Wish]:
    """The wishes that count: both people active; "like to meet" only for listed people."""
    me, other = aliased(Attendee), aliased(Attendee)
    return list(db.session.execute(
        db.select(Wish).join(me, me.id == Wish.attendee_id).join(other, other.id == Wish.other_id)
        .where(Wish.event_id == event.id, me.status == "registered", other.status == "registered",
               or_(Wish.kind == WishKind.AVOID, other.listed_at.is_not(None)))
        .order_by(Wish.attendee_id, Wish.other_id)).scalars())


def engine_wishes(event: Event, ids: set[int]) -> tuple[tuple[str, str, str], ...]:
    """The counting wishes between the attendees ``ids`` as the engine's (from, to, kind)."""
    return tuple((str(w.attendee_id), str(w.other_id), w.kind.value)
                 for w in counting_wishes(event) if w.attendee_id in ids and w.other_id in ids)


@dataclass
class WishStats:
    people: int = 0  # attendees who stated at least one wish
    meet: int = 0
    avoid: int = 0
    mutual: int = 0  # pairs where both asked to meet
    listed: int = 0
    most_wished: list[tuple[Attendee, int]] | None = None


def wish_stats(event: Event, top: int = 10) -> WishStats:
    """The organiser's numbers: who stated wishes, how many, mutual pairs, most wished-for."""
    wishes = counting_wishes(event)
    meet = {(w.attendee_id, w.other_id) for w in wishes if w.kind is WishKind.MEET}
    wanted = Counter(other for _, other in meet)
    people = {w.attendee_id: w for w in wishes}
    most = [(db.session.get(Attendee, pid), n) for pid, n in
            sorted(wanted.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    listed = db.session.execute(db.select(db.func.count()).select_from(Attendee).where(
        *_listed_active(event.id))).scalar_one()
    return WishStats(people=len(people), meet=len(meet), avoid=len(wishes) - len(meet),
                     mutual=sum(1 for a, b in meet if a < b and (b, a) in meet),
                     listed=listed, most_wished=most)


# ------------------------------------------------------------------ suggestions


def suggestions_for(viewer: Attendee, limit: int = SUGGESTIONS_SHOWN) -> list[Suggestion]:
    """The viewer's stored suggestions that are still listed and active, best first."""
    other = aliased(Attendee)
    return list(db.session.execute(
        db.select(Suggestion).join(other, other.id == Suggestion.other_id)
        .where(Suggestion.attendee_id == viewer.id, other.status == "registered",
               other.listed_at.is_not(None))
        .order_by(Suggestion.rank).limit(limit)).scalars())


RETRY_FAILED_AFTER = timedelta(minutes=10)


def suggestions_pending(event: Event, viewer: Attendee) -> bool:
    """Whether the worker is about to compute suggestions that include the viewer: wishes are
    open (it computes only then) and the event's suggestions are missing or older than the
    viewer's profile or listing (as ``stale_events`` sees it)."""
    if not wishes_are_open(event):
        return False
    at = event.suggestions_at
    return (at is None or viewer.updated_at > at
            or (viewer.listed_at is not None and viewer.listed_at > at))


def queue_stale_suggestions() -> int:
    """The worker's idle pass: queue the suggestion job of every stale event (not one whose
    last run failed minutes ago: a broken event must not keep the worker busy)."""
    queued = 0
    for event_id in stale_events(float(current_app.config.get("SUGGESTIONS_REFRESH_SECONDS", 0))):
        last = latest_job(event_id, SUGGESTIONS_JOB)
        if (last is not None and last.status == JobStatus.FAILED and last.finished_at
                and utcnow() - last.finished_at < RETRY_FAILED_AFTER):
            continue
        queued += enqueue_job(event_id, SUGGESTIONS_JOB)[1]
    db.session.commit()
    return queued


def suggestions_job(ctx: JobContext) -> JobResult:
    """The worker's handler: compute and store one event's suggestions."""
    event = db.session.get(Event, ctx.event_id)
    return JobResult({"suggestions": compute_suggestions(event)})


def register_handlers() -> None:
    """Register the suggestion job with the job queue (the worker calls this)."""
    register_handler(SUGGESTIONS_JOB, suggestions_job)


def request_suggestions(event: Event) -> bool:
    """Queue the worker's suggestion job for the event (one at a time); True if queued now."""
    return enqueue_job(event.id, SUGGESTIONS_JOB)[1]


def stale_events(refresh_seconds: float = 0.0) -> list[int]:
    """Events with wishes open (the closing time not passed: nobody can act on suggestions
    after it) whose suggestions are missing, or older than a profile change and than
    ``refresh_seconds`` (a busy registration day recomputes now and then, not on every edit)."""
    changed = (db.select(Attendee.id).where(
        Attendee.event_id == Event.id,
        or_(Attendee.updated_at > Event.suggestions_at,
            Attendee.listed_at > Event.suggestions_at)).exists())
    due = utcnow() - timedelta(seconds=refresh_seconds)
    events = db.session.execute(db.select(Event).where(
        Event.wishes_open.is_(True),
        or_(Event.suggestions_at.is_(None), changed & (Event.suggestions_at <= due)))
    ).scalars()
    return [e.id for e in events if wishes_are_open(e)]  # the closing time is in each event's zone


def compute_suggestions(event: Event, scores=None) -> int:
    """Store every active attendee's best listed partners with the reason; commits.

    Worker only: the scores come from the event's score model (``engine_io.score_problem``,
    the text model). Pairs that could never meet are left out: the same person, the same
    organisation when the event blocks it, the organiser's must-not-meet rules and pairs with
    nothing to offer each other (score 0). Returns the number of suggestions stored.
    """
    from .matching import Problem, Settings
    from .matching.wishes import suggest_partners
    from .models import PairRule, PairRuleKind
    from .schedules import engine_io
    from .schedules.reasons import reason_json

    started = utcnow()
    people = [a for a in event.attendees if a.is_active]
    listed = {a.id for a in people if a.listed_at is not None}
    db.session.execute(db.delete(Suggestion).where(Suggestion.event_id == event.id))
    count = 0
    if listed and len(people) > 1:
        settings = Settings(block_same_organisation=bool(event.block_same_organisation),
                            mutuality=event.mutuality)
        ids = {a.id for a in people}
        blocked = tuple((str(r.attendee_a_id), str(r.attendee_b_id)) for r in db.session.execute(
            db.select(PairRule).filter_by(event_id=event.id, kind=PairRuleKind.MUST_NOT_MEET)
        ).scalars() if r.attendee_a_id in ids and r.attendee_b_id in ids)
        problem = Problem(rounds=max(1, len(event.rounds)), settings=settings, blocked_pairs=blocked, attendees=tuple(
            engine_io.participant_for_encoding(a) for a in people))
        scores = scores or engine_io.score_problem(problem)
        pairs = suggest_partners(problem, scores, {str(x) for x in listed}, SUGGESTIONS_KEPT)
        explanations = scores.explain_many([(a, b) for a, b, _, _ in pairs])
        for (a, b, score, rank), e in zip(pairs, explanations, strict=True):
            db.session.add(Suggestion(event_id=event.id, attendee_id=int(a), other_id=int(b),
                                      rank=rank, score=round(score, 6), reason=reason_json(e)))
        count = len(pairs)
    event.suggestions_at = started
    db.session.commit()
    return count


# ------------------------------------------------------------------ the organiser


def update_wish_settings(event: Event, *, is_open: bool, close_at: datetime | None,
                         limit: int) -> None:
    """Open or close wishes, set the closing time and the "like to meet" limit; commits.
    Opening queues fresh suggestions for the worker."""
    opening = is_open and not event.wishes_open
    event.wishes_open, event.wishes_close_at, event.wish_limit = is_open, close_at, limit
    db.session.commit()
    if opening:
        request_suggestions(event)


def _invitation_prefix(event: Event) -> str:
    return f"wishes_open:{event.id}:"


def invitation_key(event: Event, attendee: Attendee) -> str:
    return f"{_invitation_prefix(event)}{attendee.id}"


def invitation_recipients(event: Event) -> list[Attendee]:
    """The active attendees who have not had the "wishes are open" mail yet: whom
    ``queue_wish_invitations`` mails and its confirmation page lists. One query for the mails
    already in the outbox, whatever the number of attendees."""
    mailed = set(db.session.execute(db.select(OutboxMessage.dedupe_key).where(
        OutboxMessage.dedupe_key.like(_invitation_prefix(event) + "%"))).scalars())
    return [a for a in event.attendees if a.is_active and invitation_key(event, a) not in mailed]


def queue_wish_invitations(event: Event) -> int:
    """Queue "wishes are open, here are your suggestions" to every active attendee who has not
    had it yet (idempotent: a second press queues nothing); commits; returns how many.

    Each mail goes to its own attendee, about their own suggestions: nobody is ever mailed
    because someone else wished to meet them.
    """
    from .i18n import force_locale, language_of
    from .mail import queue_message
    from .registration import issue_manage_link

    queued = 0
    for attendee in invitation_recipients(event):
        with force_locale(language_of(attendee)):
            url = issue_manage_link(attendee, "wishes_open")
            people_url = url + "/people"
            suggestions = [(s.other, second_person_reason(s, attendee))
                           for s in suggestions_for(attendee)]
            queue_message(kind="wishes_open", to_addr=attendee.email, to_name=attendee.name,
                          template="wishes_open",
                          context={"event": event, "attendee": attendee, "manage_url": url,
                                   "people_url": people_url, "suggestions": suggestions},
                          event_id=event.id, attendee_id=attendee.id,
                          dedupe_key=invitation_key(event, attendee))
        queued += 1
    db.session.commit()
    return queued


def second_person_reason(suggestion: Suggestion, viewer: Attendee) -> str:
    """A suggestion's reason for the viewer: "You can help Sara with …; Sara can help you …"."""
    from .matching.reasons import second_person
    from .schedules.reasons import reason_of

    e = reason_of(suggestion.reason)
    return "" if e is None else second_person(e, str(viewer.id))


def attendee_wishes(attendee: Attendee) -> dict[str, list[Attendee]]:
    """An attendee's wishes for the organiser's page: whom they asked to meet, would rather
    not meet, and who asked to meet them."""
    rows = db.session.execute(db.select(Wish).where(
        or_(Wish.attendee_id == attendee.id, Wish.other_id == attendee.id))
        .order_by(Wish.id)).scalars().all()
    return {
        "meet": [w.other for w in rows if w.attendee_id == attendee.id and w.kind is WishKind.MEET],
        "avoid": [w.other for w in rows if w.attendee_id == attendee.id
                  and w.kind is WishKind.AVOID],
        "wished_by": [w.attendee for w in rows if w.other_id == attendee.id
                      and w.kind is WishKind.MEET],
    }

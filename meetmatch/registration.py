"""Attendee registration services: each function owns one change and its transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy.exc import IntegrityError

from .event_calendar import event_calendar_attachments
from .extensions import db
from .mail import queue_message
from .models import Attendee, Event, ManageToken, Topic, utcnow
from .schedules.versions import published_version
from .security import hash_token, new_token, tokens_match
from .wishes import set_listing

MAX_TOKEN_LENGTH = 200  # real tokens are 43 characters; longer input is refused unhashed


@dataclass
class RegistrationOutcome:
    attendee: Attendee
    created: bool  # False: this email was already registered; a new link was mailed instead
    manage_url: str = field(repr=False, default="")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def topics_by_id(event: Event, ids: list[int] | list[str]) -> list[Topic]:
    wanted = {int(i) for i in ids or []}
    return [topic for topic in event.topics if topic.id in wanted]


def rounds_to_text(rounds: list[int] | None, event: Event) -> str | None:
    """Store None for "all rounds" so later round changes include the attendee by default."""
    numbers = sorted({int(r) for r in rounds or []})
    all_numbers = [r.number for r in event.rounds]
    if not numbers or numbers == all_numbers:
        return None
    return ",".join(str(n) for n in numbers)


def apply_profile(attendee: Attendee, event: Event, data: dict[str, Any]) -> None:
    """Copy validated form data onto an attendee (shared by register, edit and CSV import)."""
    attendee.name = data["name"].strip()
    attendee.organisation = (data.get("organisation") or "").strip()
    attendee.title = (data.get("title") or "").strip()
    attendee.offers = topics_by_id(event, data.get("offers") or [])
    attendee.needs = topics_by_id(event, data.get("needs") or [])
    attendee.offers_text = (data.get("offers_text") or "").strip()
    attendee.needs_text = (data.get("needs_text") or "").strip()
    attendee.available_rounds = rounds_to_text(data.get("rounds"), event)
    attendee.first_round = data.get("first_round") or None  # arrive late / leave early
    attendee.last_round = data.get("last_round") or None
    attendee.max_meetings = data.get("max_meetings") or None


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute link for an email, built from PUBLIC_BASE_URL.

    Works outside a web request too (the worker, the CLI): links in mail must never depend on
    the host name a request happened to arrive on.
    """
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + current_app.url_map.bind("").build(endpoint, values)


def manage_url(event: Event, token: str) -> str:
    return public_url("attendee.manage", slug=event.slug, token=token)


def issue_manage_link(attendee: Attendee, purpose: str) -> str:
    """Add a private manage link for ``attendee`` and return its full URL.

    Earlier links keep working (people click old mails). Only the token's hash is stored; the
    caller commits, in the same transaction as the mail that carries the link.
    ``purpose`` names that mail (e.g. "registration_confirmation", "schedule").
    """
    token, token_hash = new_token()
    db.session.add(ManageToken(attendee=attendee, token_hash=token_hash, purpose=purpose))
    return manage_url(attendee.event, token)


def revoke_manage_links(attendee: Attendee) -> None:
    """Make every earlier manage link of ``attendee`` stop working (the caller commits)."""
    db.session.execute(
        db.update(ManageToken)
        .where(ManageToken.attendee_id == attendee.id, ManageToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def _queue_link_mail(event: Event, attendee: Attendee, template: str) -> str:
    url = issue_manage_link(attendee, template)
    # The confirmation carries the event itself as a calendar entry ("add to calendar").
    calendar = (event_calendar_attachments(event, public_url("attendee.event_page", slug=event.slug))
                if template == "registration_confirmation" else None)
    # Registered after the schedule was published: it was made without them, and the mail says so.
    schedule_made = template == "registration_confirmation" and published_version(event.id) is not None
    queue_message(
        kind=template,
        to_addr=attendee.email,
        to_name=attendee.name,
        template=template,
        context={"event": event, "attendee": attendee, "manage_url": url, "schedule_made": schedule_made},
        event_id=event.id,
        attendee_id=attendee.id,
        attachments=calendar,
    )
    return url


def find_attendee(event: Event, email: str) -> Attendee | None:
    return db.session.execute(
        db.select(Attendee).filter_by(event_id=event.id, email=normalise_email(email))
    ).scalar_one_or_none()


def register_attendee(event: Event, data: dict[str, Any],
                      language: str | None = None) -> RegistrationOutcome:
    """Register a new attendee and queue the confirmation mail with a private manage link.

    A second registration with the same email changes nothing but mails the registrant a
    new link (earlier links keep working); the caller answers both cases alike, so the form
    never tells a stranger who is registered.
    """
    email = normalise_email(data["email"])
    existing = find_attendee(event, email)
    if existing is not None:
        return _send_new_link(event, existing)
    version = consent_version(event)
    # language: the one they registered in; their mail and calendar texts follow it
    attendee = Attendee(event=event, email=email, consent_at=utcnow(), consent_version=version,
                        language=language)
    apply_profile(attendee, event, data)
    set_listing(attendee, bool(data.get("listed")))  # unticked by default
    db.session.add(attendee)
    try:
        db.session.flush()
        url = _queue_link_mail(event, attendee, "registration_confirmation")
        db.session.commit()
    except IntegrityError:
        # Two simultaneous submissions with one email: the other one won.
        db.session.rollback()
        existing = find_attendee(event, email)
        if existing is None:
            raise
        return _send_new_link(event, existing)
    return RegistrationOutcome(attendee, created=True, manage_url=url)


def consent_version(event: Event, version: int | None = None) -> str:
    """The name of a version of the event's privacy notice (default: the one the registration
    form shows now): "e<n>" for the organiser's n-th text, else the instance's default notice
    version. Stored with each consent and shown wherever a version is named."""
    number = event.privacy_notice_version if version is None else version
    return f"e{number}" if number else current_app.config["PRIVACY_NOTICE_VERSION"]


def _send_new_link(event: Event, attendee: Attendee) -> RegistrationOutcome:
    # Earlier links keep working: whoever knows an address must not be able to cut its owner
    # off. Revoking every link is the owner's own action on the manage page.
    url = _queue_link_mail(event, attendee, "manage_link")
    db.session.commit()
    return RegistrationOutcome(attendee, created=False, manage_url=url)


def resend_manage_link(event: Event, email: str) -> None:
    """Mail a new manage link if this email is registered; silent otherwise (no enumeration).

    Earlier links keep working (see ``revoke_all_links`` for the owner's "revoke").
    """
    attendee = find_attendee(event, email)
    if attendee is not None:
        _send_new_link(event, attendee)


def revoke_all_links(attendee: Attendee) -> None:
    """The attendee's own "revoke all my links": every link stops working, the one they used
    included, and a single new one is mailed to their address."""
    revoke_manage_links(attendee)
    _queue_link_mail(attendee.event, attendee, "manage_link")
    db.session.commit()


def attendee_for_token(event: Event, token: str) -> Attendee | None:
    """The attendee of ``event`` whose unrevoked manage link carries ``token``; None otherwise.

    Withdrawn attendees are found too: their page lets them register again.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = db.session.execute(
        db.select(Attendee, ManageToken.token_hash)
        .join(ManageToken, ManageToken.attendee_id == Attendee.id)
        .where(
            Attendee.event_id == event.id,
            ManageToken.token_hash == hash_token(token),
            ManageToken.revoked_at.is_(None),
        )
    ).one_or_none()
    # The lookup is by hash (an index); compare once more in constant time all the same.
    if row is None or not tokens_match(token, row.token_hash):
        return None
    return row.Attendee


def link_was_replaced(event: Event, token: str) -> bool:
    """True when ``token`` is a manage link of ``event`` that was revoked (a newer one was
    sent, or the attendee revoked their links). Tells only the holder of the old link."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return False
    return db.session.execute(
        db.select(ManageToken.id)
        .join(Attendee, ManageToken.attendee_id == Attendee.id)
        .where(Attendee.event_id == event.id, ManageToken.token_hash == hash_token(token),
               ManageToken.revoked_at.is_not(None))
    ).first() is not None


def update_attendee(attendee: Attendee, data: dict[str, Any]) -> None:
    """Save an edited profile (email stays: it identifies the registration)."""
    apply_profile(attendee, attendee.event, data)
    if "listed" in data:
        set_listing(attendee, bool(data["listed"]))
    db.session.commit()


def profile_data(attendee: Attendee) -> dict[str, Any]:
    """The attendee as form data (for pre-filling edit forms)."""
    numbers = {r.number for r in attendee.event.rounds}
    return {
        "name": attendee.name,
        "listed": attendee.listed_at is not None,
        "email": attendee.email,
        "organisation": attendee.organisation,
        "title": attendee.title,
        "offers": [t.id for t in attendee.offers],
        "needs": [t.id for t in attendee.needs],
        "offers_text": attendee.offers_text,
        "needs_text": attendee.needs_text,
        # Only rounds the event still has: after the organiser drops a round, a stale number
        # would make the pre-filled form fail with "not a valid choice".
        "rounds": [r.number for r in attendee.event.rounds
                   if attendee.ticked_rounds is None or r.number in attendee.ticked_rounds],
        "first_round": attendee.first_round if attendee.first_round in numbers else None,
        "last_round": attendee.last_round if attendee.last_round in numbers else None,
        "max_meetings": attendee.max_meetings,
    }


def set_language(attendee: Attendee, language: str) -> None:
    """The attendee switched language: their pages, mail and calendar texts follow it."""
    attendee.language = language
    db.session.commit()


def set_status(attendee: Attendee, status: str) -> None:
    """Withdraw, reactivate or mark as no-show (the attendee's own link or the organiser)."""
    attendee.status = status
    db.session.commit()


class AlreadyRegistered(ValueError):
    """This email already has a registration for the event."""

    def __init__(self, attendee: Attendee):
        super().__init__(f"{attendee.email} is already registered")
        self.attendee = attendee


def add_attendee(event: Event, data: dict[str, Any], walk_in: bool = False) -> Attendee:
    """Organiser action: add an attendee (a walk-in, or a registration taken by phone).

    No consent is recorded (the organiser collected it) and no mail is sent now: the
    attendee gets their private link with their schedule.
    """
    email = normalise_email(data["email"])
    existing = find_attendee(event, email)
    if existing is not None:
        raise AlreadyRegistered(existing)
    attendee = Attendee(event=event, email=email, walk_in=walk_in)
    apply_profile(attendee, event, data)
    db.session.add(attendee)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyRegistered(find_attendee(event, email)) from None
    return attendee


def active_attendees(event: Event) -> list[Attendee]:
    """The event's attendees who take part (registered: not withdrawn, not a no-show)."""
    return [a for a in event.attendees if a.is_active]


def active_attendees_by_name(event: Event) -> list[Attendee]:
    """Active attendees in the order people look names up (pickers, status lists)."""
    return sorted(active_attendees(event), key=lambda a: a.name.casefold())

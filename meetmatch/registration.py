"""Attendee registration services: each function owns one change and its transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app, url_for
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .mail import queue_message
from .models import Attendee, Event, Topic, utcnow
from .security import new_token, tokens_match


@dataclass
class RegistrationOutcome:
    attendee: Attendee
    created: bool  # False: this email was already registered; a fresh link was mailed instead
    token: str = field(repr=False, default="")


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
    attendee.max_meetings = data.get("max_meetings") or None


def manage_url(event: Event, token: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for("attendee.manage", slug=event.slug, token=token)


def _queue_link_mail(event: Event, attendee: Attendee, token: str, template: str) -> None:
    queue_message(
        kind=template,
        to_addr=attendee.email,
        to_name=attendee.name,
        template=template,
        context={"event": event, "attendee": attendee, "manage_url": manage_url(event, token)},
        event_id=event.id,
        attendee_id=attendee.id,
    )


def find_attendee(event: Event, email: str) -> Attendee | None:
    return db.session.execute(
        db.select(Attendee).filter_by(event_id=event.id, email=normalise_email(email))
    ).scalar_one_or_none()


def register_attendee(event: Event, data: dict[str, Any]) -> RegistrationOutcome:
    """Register a new attendee and queue the confirmation mail with a private manage link.

    A second registration with the same email changes nothing but mails a fresh link.
    """
    email = normalise_email(data["email"])
    existing = find_attendee(event, email)
    if existing is not None:
        return _send_fresh_link(event, existing)
    token, token_hash = new_token()
    attendee = Attendee(
        event=event,
        email=email,
        manage_token_hash=token_hash,
        consent_at=utcnow(),
        consent_version=current_app.config["PRIVACY_NOTICE_VERSION"],
    )
    apply_profile(attendee, event, data)
    db.session.add(attendee)
    try:
        db.session.flush()
        _queue_link_mail(event, attendee, token, "registration_confirmation")
        db.session.commit()
    except IntegrityError:
        # Two simultaneous submissions with one email: the other one won.
        db.session.rollback()
        existing = find_attendee(event, email)
        if existing is None:
            raise
        return _send_fresh_link(event, existing)
    return RegistrationOutcome(attendee, created=True, token=token)


def _send_fresh_link(event: Event, attendee: Attendee) -> RegistrationOutcome:
    token, token_hash = new_token()
    attendee.manage_token_hash = token_hash
    _queue_link_mail(event, attendee, token, "manage_link")
    db.session.commit()
    return RegistrationOutcome(attendee, created=False, token=token)


def resend_manage_link(event: Event, email: str) -> None:
    """Mail a fresh manage link if this email is registered; silent otherwise (no enumeration)."""
    attendee = find_attendee(event, email)
    if attendee is not None:
        _send_fresh_link(event, attendee)


def attendee_for_token(event: Event, token: str) -> Attendee | None:
    from .security import hash_token

    if not token or len(token) > 200:
        return None
    attendee = db.session.execute(
        db.select(Attendee).filter_by(event_id=event.id, manage_token_hash=hash_token(token))
    ).scalar_one_or_none()
    if attendee is None or not tokens_match(token, attendee.manage_token_hash):
        return None
    return attendee


def update_attendee(attendee: Attendee, data: dict[str, Any]) -> None:
    """Save an edited profile (email stays: it identifies the registration)."""
    apply_profile(attendee, attendee.event, data)
    if attendee.status == "withdrawn" and data.get("reactivate"):
        attendee.status = "registered"
    db.session.commit()


def withdraw_attendee(attendee: Attendee) -> None:
    attendee.status = "withdrawn"
    db.session.commit()


def reactivate_attendee(attendee: Attendee) -> None:
    attendee.status = "registered"
    db.session.commit()


def profile_data(attendee: Attendee) -> dict[str, Any]:
    """The attendee as form data (for pre-filling edit forms)."""
    return {
        "name": attendee.name,
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
                   if attendee.rounds_list is None or r.number in attendee.rounds_list],
        "max_meetings": attendee.max_meetings,
    }


def set_status(attendee: Attendee, status: str) -> None:
    """Organiser action: registered, withdrawn or no_show."""
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

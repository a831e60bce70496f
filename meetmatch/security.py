"""Manage-link tokens and organiser sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import wraps

from flask import abort, g, redirect, request, session, url_for

from .extensions import db
from .models import Attendee, Event, Organiser

TOKEN_BYTES = 32  # 256 bits of randomness; only the SHA-256 hash is stored


def new_token() -> tuple[str, str]:
    """Return (token for the link, hash to store)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_match(token: str, stored_hash: str | None) -> bool:
    return bool(stored_hash) and hmac.compare_digest(hash_token(token), stored_hash)


def current_organiser() -> Organiser | None:
    """The logged-in organiser, looked up once per request.

    The cache in ``g`` is checked against the session: an app context (and its ``g``) can outlive
    one request, e.g. around a logout, and must never keep someone logged in.
    """
    organiser_id = session.get("organiser_id")
    if organiser_id is None:
        return None
    cached = g.get("organiser")
    if cached is None or cached.id != organiser_id:
        g.organiser = db.session.get(Organiser, organiser_id)
    return g.organiser


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_organiser() is None:
            return redirect(url_for("organiser.login", next=request.path))
        return view(*args, **kwargs)

    return wrapped


def own_event_or_404(slug: str) -> Event:
    """The logged-in organiser's event with this slug; 404 for anyone else's (no existence leak)."""
    organiser = current_organiser()
    event = db.session.execute(db.select(Event).filter_by(slug=slug)).scalar_one_or_none()
    if event is None or organiser is None or event.organiser_id != organiser.id:
        abort(404)
    return event


def event_attendee_or_404(event: Event, attendee_id: int) -> Attendee:
    """An attendee of this event; 404 for an id of another event's attendee (no IDOR)."""
    attendee = db.session.get(Attendee, attendee_id)
    if attendee is None or attendee.event_id != event.id:
        abort(404)
    return attendee

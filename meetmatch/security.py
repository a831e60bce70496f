"""Manage-link tokens and organiser sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from functools import wraps

from flask import abort, current_app, flash, redirect, request, session, url_for

from .extensions import db
from .i18n import _, use_event
from .models import Attendee, Event, Organiser, ScheduleVersion
from .schedules.versions import version_by_number

TOKEN_BYTES = 32  # 256 bits of randomness; only the SHA-256 hash is stored


def new_token() -> tuple[str, str]:
    """Return (token for the link, hash to store)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_match(token: str, stored_hash: str | None) -> bool:
    return bool(stored_hash) and hmac.compare_digest(hash_token(token), stored_hash)


# The clock of session lifetimes (seconds since the epoch); tests move it.
session_clock = time.time


def start_organiser_session(organiser: Organiser) -> None:
    """Log the organiser in: a new session (nothing from before the login is kept) that carries
    the organiser's session generation and when it started."""
    now = int(session_clock())
    session.clear()
    session.update(organiser_id=organiser.id, generation=organiser.session_generation,
                   auth_at=now, seen=now)
    session.permanent = True


def current_organiser() -> Organiser | None:
    """The logged-in organiser, or None when the session has ended: logged out or a new
    password since (another generation), idle longer than SESSION_IDLE_MINUTES, or older than
    SESSION_MAX_HOURS. An ended session is cleared.

    The organiser row is read anew on each call (never from an identity map or ``g`` that may
    outlive a request): a logout elsewhere must count at once.
    """
    organiser_id = session.get("organiser_id")
    if organiser_id is None:
        return None
    organiser = db.session.get(Organiser, organiser_id, populate_existing=True)
    if organiser is None or not _session_is_current(organiser):
        session.clear()
        flash(_("Your session has ended. Please log in again."), "info")
        return None
    now = int(session_clock())
    if session.get("seen") != now:
        session["seen"] = now
    return organiser


def _session_is_current(organiser: Organiser) -> bool:
    config = current_app.config
    now = session_clock()
    auth_at, seen = session.get("auth_at"), session.get("seen")
    if not isinstance(auth_at, int) or not isinstance(seen, int):
        return False  # a cookie from before lifetimes were recorded
    return (session.get("generation") == organiser.session_generation
            and now - seen <= float(config["SESSION_IDLE_MINUTES"]) * 60
            and now - auth_at <= float(config["SESSION_MAX_HOURS"]) * 3600)


def login_required(view):
    """Organiser pages: anyone not logged in goes to the login page (and comes back after)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_organiser() is None:
            return redirect(url_for("organiser.login", next=request.path))
        return view(*args, **kwargs)

    return wrapped


def own_event_or_404(slug: str, organiser: Organiser | None = None) -> Event:
    """The logged-in organiser's event with this slug; 404 for anyone else's (no existence leak).
    ``organiser``: the logged-in organiser when the caller has already looked them up."""
    organiser = organiser or current_organiser()
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


def own_event_view(view):
    """An organiser view under ``/events/<slug>``: login required, then the view is called with
    ``event`` (the logged-in organiser's own; 404 for anyone else's) instead of ``slug``, and,
    where the URL has a schedule version ``<number>``, with ``version`` (404 if the event has no
    such version) instead of ``number``. The one place these checks are written."""

    @wraps(view)
    def wrapped(*, slug: str, **kwargs):
        organiser = current_organiser()
        if organiser is None:
            return redirect(url_for("organiser.login", next=request.path))
        event = own_event_or_404(slug, organiser)
        if "number" in kwargs:
            kwargs["version"] = event_version_or_404(event, kwargs.pop("number"))
        return view(event=event, **kwargs)

    return wrapped


def event_version_or_404(event: Event, number: int) -> ScheduleVersion:
    """This event's schedule version with this number; 404 if it has none."""
    version = version_by_number(event, number)
    if version is None:
        abort(404)
    return version


def public_event_view(view):
    """A public page under ``/e/<slug>``: the view is called with ``event`` instead of ``slug``
    (404 for a slug no event has)."""

    @wraps(view)
    def wrapped(*, slug: str, **kwargs):
        event = db.session.execute(db.select(Event).filter_by(slug=slug)).scalar_one_or_none()
        if event is None:
            abort(404)
        use_event(event)  # its pages are in the event's language unless the visitor chose one
        return view(event=event, **kwargs)

    return wrapped

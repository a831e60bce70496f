"""Organiser accounts."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db
from .models import Organiser

_NO_ONE_HASH: str | None = None  # a real hash to check against when the email is unknown


def set_organiser_password(email: str, password: str, name: str = "") -> tuple[Organiser, bool]:
    """Create the organiser, or set a new password; returns (organiser, created)."""
    email = email.strip().lower()
    organiser = db.session.execute(db.select(Organiser).filter_by(email=email)).scalar_one_or_none()
    created = organiser is None
    if created:
        organiser = Organiser(email=email, name=name or email.split("@")[0])
        db.session.add(organiser)
    elif name:
        organiser.name = name
    organiser.set_password(password)
    if not created:  # whoever knew the old password may still be logged in somewhere
        organiser.session_generation = Organiser.session_generation + 1
    db.session.commit()
    return organiser, created


def end_organiser_sessions(organiser: Organiser) -> None:
    """Log the organiser out everywhere: every session cookie issued so far stops working."""
    organiser.session_generation = Organiser.session_generation + 1  # atomic in SQL
    db.session.commit()


def authenticate_organiser(email: str, password: str) -> Organiser | None:
    """The organiser with this email and password, or None.

    An unknown email costs one password check too, so response times do not reveal which
    emails have accounts.
    """
    global _NO_ONE_HASH
    organiser = db.session.execute(
        db.select(Organiser).filter_by(email=email.strip().lower())
    ).scalar_one_or_none()
    if organiser is None:
        if _NO_ONE_HASH is None:
            _NO_ONE_HASH = generate_password_hash("no such organiser")
        check_password_hash(_NO_ONE_HASH, password)
        return None
    return organiser if organiser.check_password(password) else None

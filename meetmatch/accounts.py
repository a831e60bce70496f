"""Organiser accounts."""

from __future__ import annotations

from .extensions import db
from .models import Organiser


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
    db.session.commit()
    return organiser, created

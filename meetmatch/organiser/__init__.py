"""Organiser pages: login, event set-up, registrations, CSV import/export."""

from flask import Blueprint

bp = Blueprint("organiser", __name__, url_prefix="/organiser")

from . import (  # noqa: E402,F401
    attendee_views,
    bulk_views,
    checkin_views,
    feedback_views,
    logo_views,
    mail_views,
    privacy_views,
    rules_views,
    views,
    wish_views,
)

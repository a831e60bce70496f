"""Organiser pages: login, event set-up, registrations, CSV import/export."""

from flask import Blueprint

bp = Blueprint("organiser", __name__, url_prefix="/organiser")

from . import attendee_views, mail_views, views  # noqa: E402,F401

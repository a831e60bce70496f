"""Public pages for attendees: event page, registration, private manage link."""

from flask import Blueprint

bp = Blueprint("attendee", __name__)

from . import feedback_views, logo_views, privacy_views, views, wish_views  # noqa: E402,F401

"""Organiser pages for schedules: build, review, adjust, publish, print, send.

Views, forms and the ``build-schedule`` command only; the work is in ``meetmatch.schedules``."""

from flask import Blueprint

bp = Blueprint("schedule", __name__, url_prefix="/organiser/events/<slug>/schedule")

from . import mail_views, print_views, views  # noqa: E402,F401

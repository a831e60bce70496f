"""``meetmatch worker``: the one place background work runs (never inside a web request)."""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections.abc import Callable

from flask import current_app
from sqlalchemy.exc import DBAPIError

from . import feedback, jobs, mail, report, retention, text_vectors, wishes
from .extensions import db
from .faults import EXIT_DATABASE_FAULT, database_fault
from .schedules import jobs as schedule_jobs

log = logging.getLogger(__name__)
ENCODE_BATCH = 50  # profiles per pass: at ~40 texts/s a pass stays short, so mail keeps flowing


# How the counts of one pass of work read in the log ("1 job(s) done, 40 mail(s) sent").
_WORK_WORDS = {"jobs": "job(s) done", "feedback_requests": "feedback request(s) queued",
               "sent": "mail(s) sent", "retry": "mail(s) to retry", "failed": "mail(s) failed",
               "profiles_encoded": "profile(s) encoded",
               "suggestions_queued": "suggestion update(s) queued",
               "events_past_retention": "event(s) past retention"}


def register_handlers() -> None:
    """Every kind of background job and its handler, registered explicitly (no import side
    effects, and nothing here loads the web views)."""
    schedule_jobs.register_handlers()
    report.register_handlers()
    wishes.register_handlers()


def work_once() -> dict[str, int]:
    """Run every due job and send due mail once; return what was done."""
    register_handlers()
    ran = 0
    while jobs.run_next_job():
        ran += 1
    feedback_requests = feedback.send_due_feedback_requests()  # queued now, sent just below
    counts = mail.send_due_messages()
    return {"jobs": ran, "feedback_requests": feedback_requests, **counts,
            "profiles_encoded": _encode_profiles(),
            "suggestions_queued": _queue_suggestions(),
            "events_past_retention": retention.run_retention_if_due()}


def _queue_suggestions() -> int:
    """Queue new suggestions for events whose profiles or listings changed (run next pass)."""
    try:
        return wishes.queue_stale_suggestions()
    except Exception:  # noqa: BLE001 - suggestions can wait; the worker goes on
        db.session.rollback()
        log.exception("could not queue suggestions")
        return 0


def _scorer() -> str:
    """Which scorer the builds will use, loading the model now (it is needed anyway)."""
    from .matching.encoders import load_encoder

    wanted = text_vectors.scorer_name()
    try:
        encoder = load_encoder(wanted)
    except ValueError as error:  # an unknown name in the configuration
        return f"lexical ({error})"
    if encoder is None:
        return "lexical" if wanted == "lexical" else f"lexical (the {wanted} model could not load)"
    return f"{encoder.name} (a local text model; profiles are encoded once, in this worker)"


def _encode_profiles() -> int:
    """Store the item vectors of changed profiles, so a build finds them ready."""
    try:
        return text_vectors.encode_pending_profiles(ENCODE_BATCH)
    except Exception:  # noqa: BLE001 - a build encodes what is missing; the worker goes on
        db.session.rollback()
        log.exception("could not encode changed profiles; a schedule build will encode them")
        return 0


def run_worker(once: bool = False, echo: Callable[[str], None] = print) -> None:
    """Poll for work until stopped (SIGTERM/SIGINT finish the current step, then exit)."""
    stopping = False

    def stop(signum, frame):  # noqa: ARG001
        nonlocal stopping
        stopping = True

    if not once:
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        echo("meetmatch worker: waiting for schedule builds and mail (Ctrl+C to stop).")
        echo(f"meetmatch worker: scorer {_scorer()}.")
    poll = float(current_app.config["WORKER_POLL_SECONDS"])
    patience = float(current_app.config["WORKER_DB_PATIENCE_SECONDS"])
    fault_since: float | None = None
    while True:
        try:
            done = work_once()
        except DBAPIError as error:
            problem = database_fault(error)
            if problem is None:
                raise
            _forget_transaction()
            now = time.monotonic()
            if once or stopping or (fault_since is not None and now - fault_since >= patience):
                echo(f"meetmatch worker: stopping, {problem} "
                     f"(exit code {EXIT_DATABASE_FAULT}).")
                sys.exit(EXIT_DATABASE_FAULT)
            if fault_since is None:
                fault_since = now
                echo(f"meetmatch worker: {problem}; trying again for {patience:.0f} s.")
            time.sleep(poll)
            continue
        if fault_since is not None:
            fault_since = None
            echo("meetmatch worker: the database is back.")
        if any(done.values()):
            echo("meetmatch worker: " + ", ".join(  # what happened only
                f"{v} {_WORK_WORDS.get(k, k.replace('_', ' '))}" for k, v in done.items() if v) + ".")
        if once or stopping:
            return
        time.sleep(poll)


def _forget_transaction() -> None:
    try:
        db.session.rollback()
    except DBAPIError:  # the connection is gone already
        pass
    db.session.remove()


"""A small job queue in the database: works on SQLite, scales out on PostgreSQL.

The web request only inserts a row (``enqueue_job``). ``meetmatch worker`` claims queued jobs
with a compare-and-set update (one worker wins each job, however many run) and calls the
handler registered for the job's kind. A partial unique index allows one active job per event
and kind, so a second "Build" press while one runs starts nothing new.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from collections.abc import Callable
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import Job, utcnow

log = logging.getLogger(__name__)

HANDLERS: dict[str, Callable[[Job], Any]] = {}


def handler(kind: str):
    """Register ``fn(job)`` as the handler of a job kind."""

    def register(fn):
        HANDLERS[kind] = fn
        return fn

    return register


def active_job(event_id: int, kind: str) -> Job | None:
    return db.session.execute(
        db.select(Job).where(Job.event_id == event_id, Job.kind == kind,
                             Job.status.in_(("queued", "running")))
    ).scalar_one_or_none()


def latest_job(event_id: int, kind: str) -> Job | None:
    return db.session.execute(
        db.select(Job).filter_by(event_id=event_id, kind=kind).order_by(Job.id.desc()).limit(1)
    ).scalar_one_or_none()


def enqueue_job(event_id: int, kind: str, params: dict[str, Any] | None = None) -> tuple[Job, bool]:
    """Queue a job unless one of this kind is already active for the event: (job, created)."""
    existing = active_job(event_id, kind)
    if existing is not None:
        return existing, False
    job = Job(event_id=event_id, kind=kind, params=json.dumps(params or {}))
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:  # another request queued one at the same moment
        db.session.rollback()
        existing = active_job(event_id, kind)
        if existing is None:
            raise
        return existing, False
    return job, True


def claim_next_job() -> Job | None:
    """Take the oldest queued job, or None. Safe with many workers."""
    candidates = db.session.execute(
        db.select(Job.id).filter_by(status="queued").order_by(Job.id).limit(5)
    ).scalars().all()
    db.session.commit()
    for job_id in candidates:
        won = db.session.execute(
            update(Job).where(Job.id == job_id, Job.status == "queued")
            .values(status="running", started_at=utcnow())
        ).rowcount
        db.session.commit()
        if won == 1:
            return db.session.get(Job, job_id)
    return None


class ProgressReporter:
    """Writes a job's progress at most once per ``interval`` seconds (plus the last word)."""

    def __init__(self, job_id: int, interval: float = 1.0):
        self.job_id = job_id
        self.interval = interval
        self._last = 0.0

    def __call__(self, progress: dict[str, Any], force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        db.session.execute(
            update(Job).where(Job.id == self.job_id).values(progress=json.dumps(progress))
        )
        db.session.commit()


def run_job(job: Job, fn: Callable[[Job], Any] | None = None) -> None:
    """Run one claimed job to its end (with its kind's handler unless ``fn`` is given);
    a failure is recorded, never raised."""
    fn = fn or HANDLERS.get(job.kind)
    try:
        if fn is None:
            raise RuntimeError(f"no handler for job kind {job.kind!r}")
        fn(job)
    except Exception as error:  # noqa: BLE001 - the worker must survive any job
        db.session.rollback()
        log.exception("job %s failed", job.id)
        job = db.session.get(Job, job.id)
        job.status = "failed"
        job.error = f"{type(error).__name__}: {error}"
        job.progress = json.dumps({"phase": "failed", "trace": traceback.format_exc()[-2000:]})
        job.finished_at = utcnow()
        db.session.commit()
        return
    job = db.session.get(Job, job.id)
    if job.status == "running":
        job.status = "done"
        job.finished_at = utcnow()
    db.session.commit()


def run_next_job() -> bool:
    """Claim and run one job; False when there was none."""
    job = claim_next_job()
    if job is None:
        return False
    run_job(job)
    return True


def fail_interrupted_jobs() -> int:
    """At worker start-up: jobs left 'running' by a worker that died are marked failed."""
    count = db.session.execute(
        update(Job).where(Job.status == "running")
        .values(status="failed", error="The worker stopped while this job ran; start it again.",
                finished_at=utcnow())
    ).rowcount
    db.session.commit()
    return count

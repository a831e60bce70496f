"""A small job queue in the database: works on SQLite, scales out on PostgreSQL.

The web request only inserts a row (``enqueue_job``). ``meetmatch worker`` claims queued jobs
with a compare-and-set update (one worker wins each job, however many run) and ``run_job``
takes each from claimed to done or failed. That lifecycle is written here once, for every
kind of job: a handler registered with ``register_handler`` gets a :class:`JobContext`
(parameters, a progress callable), returns a :class:`JobResult` or raises :class:`JobFailed`
with a message for the organiser; anything else it raises is recorded as a crash. A partial
unique index allows one active job per event and kind, so a second "Build" press while one
runs starts nothing new.

Leases for crashed workers belong in one place: a claim records ``claimed_by`` and
``heartbeat_at``, and every progress note goes through ``_heartbeat``.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import Job, JobStatus, utcnow

log = logging.getLogger(__name__)

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"[:100]


class JobFailed(Exception):
    """A job that cannot do its work; ``message`` tells the organiser what to change."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class JobResult:
    """What a finished job leaves on its row: a summary (its last progress) and a version."""

    summary: dict[str, Any] = field(default_factory=dict)
    version_id: int | None = None


class JobContext:
    """What a handler gets: the job's ids and parameters, and ``progress(info)`` to report.

    ``progress`` writes at most once per ``interval`` seconds (``force=True`` always writes),
    from any thread (CP-SAT calls back from its own), and never raises: a lost progress note
    must not stop the work. ``listener`` (the CLI's echo) hears every note.
    """

    def __init__(self, job: Job, listener: Callable[[dict], None] | None = None,
                 interval: float = 1.0):
        self.job_id = job.id
        self.kind = job.kind
        self.event_id = job.event_id
        self.version_id = job.version_id
        self.params: dict[str, Any] = dict(job.params or {})
        self._listener = listener
        self._interval = interval
        self._last = 0.0
        self._app = current_app._get_current_object()

    def progress(self, info: dict[str, Any], *, force: bool = False) -> None:
        """Record how far the job has come (shown on its progress page)."""
        now = time.monotonic()
        if force or now - self._last >= self._interval:
            self._last = now
            try:
                if has_app_context():
                    _heartbeat(self.job_id, progress=info)
                else:
                    with self._app.app_context():
                        _heartbeat(self.job_id, progress=info)
            except Exception:  # noqa: BLE001 - see the class docstring
                log.exception("could not record the progress of job %s", self.job_id)
                if has_app_context():
                    db.session.rollback()
        if self._listener is not None:
            self._listener(info)


Handler = Callable[[JobContext], "JobResult | None"]
HANDLERS: dict[str, Handler] = {}


def register_handler(kind: str, handler: Handler) -> None:
    """Run ``handler`` for jobs of ``kind`` (the worker registers every kind at start)."""
    HANDLERS[kind] = handler


# ------------------------------------------------------------------ queue


def active_job(event_id: int, kind: str) -> Job | None:
    """The queued or running job of this kind for the event, if any."""
    return db.session.execute(
        db.select(Job).where(Job.event_id == event_id, Job.kind == kind, Job.status.in_(ACTIVE))
    ).scalar_one_or_none()


def latest_job(event_id: int, kind: str) -> Job | None:
    """The newest job of this kind for the event, whatever its status."""
    return db.session.execute(
        db.select(Job).filter_by(event_id=event_id, kind=kind).order_by(Job.id.desc()).limit(1)
    ).scalar_one_or_none()


def enqueue_job(event_id: int, kind: str, params: dict[str, Any] | None = None, *,
                version_id: int | None = None) -> tuple[Job, bool]:
    """Queue a job unless one of this kind is already active for the event: (job, created)."""
    existing = active_job(event_id, kind)
    if existing is not None:
        return existing, False
    job = Job(event_id=event_id, kind=kind, params=params or {}, version_id=version_id)
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


# ------------------------------------------------------------------ lifecycle


def claim_job(job_id: int) -> Job | None:
    """Take this queued job for this process (compare-and-set); None if someone else has it."""
    now = utcnow()
    won = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=now, claimed_by=WORKER_ID, heartbeat_at=now)
    ).rowcount
    db.session.commit()
    return db.session.get(Job, job_id) if won == 1 else None


def claim_next_job() -> Job | None:
    """Take the oldest queued job, or None. Safe with many workers."""
    candidates = db.session.execute(
        db.select(Job.id).filter_by(status=JobStatus.QUEUED).order_by(Job.id).limit(5)
    ).scalars().all()
    db.session.commit()
    for job_id in candidates:
        job = claim_job(job_id)
        if job is not None:
            return job
    return None


def _heartbeat(job_id: int, **values: Any) -> None:
    """The running job is alive (with new ``values``, e.g. its progress): the one place a
    lease would be renewed. Commits."""
    db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING)
        .values(heartbeat_at=utcnow(), **values)
    )
    db.session.commit()


def _finish(job_id: int, status: JobStatus, **values: Any) -> Job:
    db.session.rollback()  # whatever the handler left unfinished is not part of the outcome
    job = db.session.get(Job, job_id)
    job.status = status
    job.finished_at = utcnow()
    for name, value in values.items():
        setattr(job, name, value)
    db.session.commit()
    return job


def run_job(job: Job, *, listener: Callable[[dict], None] | None = None) -> Job:
    """Run one claimed job with its kind's handler to done or failed, and return it.

    A failure is recorded on the job, never raised: the worker must survive any job.
    """
    job_id = job.id
    handler = HANDLERS.get(job.kind)
    if handler is None:
        return _finish(job_id, JobStatus.FAILED, error=f"No handler for job kind {job.kind!r}.")
    try:
        result = handler(JobContext(job, listener)) or JobResult()
    except JobFailed as failure:
        return _finish(job_id, JobStatus.FAILED, error=failure.message)
    except Exception as error:  # noqa: BLE001 - recorded, see above
        log.exception("job %s failed", job_id)
        return _finish(job_id, JobStatus.FAILED, error=f"{type(error).__name__}: {error}",
                       progress={"phase": "failed", "trace": traceback.format_exc()[-2000:]})
    values: dict[str, Any] = {"progress": {"phase": "done", **result.summary}}
    if result.version_id is not None:
        values["version_id"] = result.version_id
    return _finish(job_id, JobStatus.DONE, **values)


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
        update(Job).where(Job.status == JobStatus.RUNNING)
        .values(status=JobStatus.FAILED, error="The worker stopped while this job ran; start it again.",
                finished_at=utcnow())
    ).rowcount
    db.session.commit()
    return count

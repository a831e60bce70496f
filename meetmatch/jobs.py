"""A small job queue in the database: works on SQLite, scales out on PostgreSQL.

The web request only inserts a row (``enqueue_job``). ``meetmatch worker`` claims queued jobs
with a compare-and-set update (one worker wins each job, however many run) and ``run_job``
takes each from claimed to done or failed. That lifecycle is written here once, for every
kind of job: a handler registered with ``register_handler`` gets a :class:`JobContext`
(parameters, a progress callable), returns a :class:`JobResult` or raises :class:`JobFailed`
with a message for the organiser; anything else it raises is recorded as a crash. A partial
unique index allows one active job per event and kind, so a second "Build" press while one
runs starts nothing new.

Leases keep jobs safe when a worker crashes or several run. A claim records ``claimed_by``
(host:pid) and ``heartbeat_at``; while the job runs, a heartbeat thread renews ``heartbeat_at``
every third of ``JOB_LEASE_SECONDS`` (progress notes renew it too). Every write a worker makes
to its job afterwards (heartbeat, progress, the outcome) is conditional on ``claimed_by`` still
naming it, so:

* a job is taken over only when its worker stopped beating for a whole lease (killed, machine
  gone); a live job is never taken over, and a second worker never marks live jobs failed;
* a taken-over job runs again from the start, at most ``JOB_MAX_ATTEMPTS`` times in all (a job
  that kills its worker each time ends failed instead of looping);
* a worker whose lease was lost (it stalled for longer than a lease and another worker took
  over) saves no schedule version (``JobContext.keep_lease`` before saving) and never records
  its outcome over the new owner's.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .i18n import force_locale, language_of_event, ngettext
from .models import Event, Job, JobStatus, utcnow

log = logging.getLogger(__name__)

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"[:100]


class LeaseLost(Exception):
    """Another worker took this job over (this one stalled for longer than a lease)."""


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
        self.lease_lost = threading.Event()  # set by the heartbeat when another worker took over

    def keep_lease(self) -> None:
        """Renew the lease inside the current transaction, or raise :class:`LeaseLost`.

        Call it right before saving a result: the renewal and the save commit together, so a
        worker that lost its job never saves over the new owner's work (on PostgreSQL the
        renewal locks the row; on SQLite the writer holds the database's write lock).
        """
        if self.lease_lost.is_set() or not _renew(self.job_id, commit=False):
            db.session.rollback()
            self.lease_lost.set()
            raise LeaseLost(f"job {self.job_id} was taken over by another worker")

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


def lease_seconds() -> float:
    """How long a running job's worker may stay silent before another worker takes over."""
    return float(current_app.config["JOB_LEASE_SECONDS"])


def _expired_before():
    return utcnow() - timedelta(seconds=lease_seconds())


def claim_job(job_id: int) -> Job | None:
    """Take this queued job for this process (compare-and-set); None if someone else has it."""
    now = utcnow()
    won = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=now, claimed_by=WORKER_ID, heartbeat_at=now,
                attempts=Job.attempts + 1)
    ).rowcount
    db.session.commit()
    return db.session.get(Job, job_id) if won == 1 else None


def take_over_job(job_id: int) -> Job | None:
    """Take a running job whose worker stopped beating for a whole lease (compare-and-set on
    the old claim, so of several workers exactly one wins and a live job is never touched).

    A job that has used its ``JOB_MAX_ATTEMPTS`` is marked failed instead. None: not taken.
    """
    job = db.session.get(Job, job_id)
    stale = (Job.id == job_id, Job.status == JobStatus.RUNNING,
             Job.claimed_by.is_(None) if job.claimed_by is None else Job.claimed_by == job.claimed_by,
             or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < _expired_before()))
    previous, attempts = job.claimed_by, job.attempts
    db.session.commit()
    if attempts >= int(current_app.config["JOB_MAX_ATTEMPTS"]):
        with force_locale(language_of_event(db.session.get(Event, job.event_id))):
            why = ngettext("The worker running this job stopped %(num)s time (it crashed or "
                           "was killed); check the worker's log, then start it again.",
                           "The worker running this job stopped %(num)s times (it crashed or "
                           "was killed); check the worker's log, then start it again.", attempts)
        failed = db.session.execute(update(Job).where(*stale).values(
            status=JobStatus.FAILED, finished_at=utcnow(), error=why)).rowcount
        db.session.commit()
        if failed:
            log.warning("job %s failed: its worker %s stopped beating, attempt %s of %s",
                        job_id, previous, attempts, attempts)
        return None
    now = utcnow()
    won = db.session.execute(update(Job).where(*stale).values(
        claimed_by=WORKER_ID, heartbeat_at=now, started_at=now, attempts=Job.attempts + 1,
        progress={"phase": "restarted", "note": "the previous worker stopped; started again"},
    )).rowcount
    db.session.commit()
    if won != 1:
        return None
    log.warning("took over job %s from worker %s, which stopped beating", job_id, previous)
    return db.session.get(Job, job_id)


def claim_next_job() -> Job | None:
    """Take the oldest queued job, or a running one whose worker died; None if there is none.
    Safe with many workers."""
    queued = db.session.execute(
        db.select(Job.id).filter_by(status=JobStatus.QUEUED).order_by(Job.id).limit(5)
    ).scalars().all()
    stale = db.session.execute(
        db.select(Job.id).where(Job.status == JobStatus.RUNNING,
                                or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < _expired_before()))
        .order_by(Job.id).limit(5)
    ).scalars().all()
    db.session.commit()
    for job_id in stale:
        job = take_over_job(job_id)
        if job is not None:
            return job
    for job_id in queued:
        job = claim_job(job_id)
        if job is not None:
            return job
    return None


def _ours(job_id: int) -> tuple:
    return Job.id == job_id, Job.status == JobStatus.RUNNING, Job.claimed_by == WORKER_ID


def _renew(job_id: int, *, commit: bool = True, **values: Any) -> bool:
    """Renew this worker's lease on the job (with new ``values``, e.g. its progress); False
    when the job is no longer ours (taken over, or finished)."""
    renewed = db.session.execute(
        update(Job).where(*_ours(job_id)).values(heartbeat_at=utcnow(), **values)).rowcount
    if commit:
        db.session.commit()
    return renewed == 1


def _heartbeat(job_id: int, **values: Any) -> None:
    """The running job is alive (with new ``values``, e.g. its progress). Commits."""
    if not _renew(job_id, **values):
        log.warning("job %s is no longer held by this worker (%s)", job_id, WORKER_ID)


class _HeartbeatThread(threading.Thread):
    """Renews a running job's lease every third of a lease, whatever the handler is doing (a
    solve may report nothing for a long while). Sets ``ctx.lease_lost`` when it finds the job
    taken over."""

    def __init__(self, ctx: JobContext):
        super().__init__(name=f"heartbeat-{ctx.job_id}", daemon=True)
        self._ctx = ctx
        self._app = current_app._get_current_object()
        self._interval = max(0.2, lease_seconds() / 3)
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self._interval):
            with self._app.app_context():
                try:
                    if not _renew(self._ctx.job_id):
                        self._ctx.lease_lost.set()
                        log.warning("lost the lease on job %s: another worker took it over",
                                    self._ctx.job_id)
                        return
                except Exception:  # noqa: BLE001 - a missed beat is retried; the lease allows three
                    log.exception("could not renew the lease on job %s", self._ctx.job_id)
                finally:
                    db.session.remove()


def _finish(job_id: int, status: JobStatus, **values: Any) -> Job:
    """Record the outcome, only while the job is still ours (a worker that lost its lease
    leaves the row to the new owner)."""
    db.session.rollback()  # whatever the handler left unfinished is not part of the outcome
    recorded = db.session.execute(
        update(Job).where(*_ours(job_id)).values(status=status, finished_at=utcnow(), **values)
    ).rowcount
    db.session.commit()
    if not recorded:
        log.warning("job %s: not recording %s, another worker has taken it over", job_id, status)
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    return job


def run_job(job: Job, *, listener: Callable[[dict], None] | None = None) -> Job:
    """Run one claimed job with its kind's handler to done or failed, and return it.

    A failure is recorded on the job, never raised: the worker must survive any job. The
    job's lease is renewed by a heartbeat thread while the handler runs.
    """
    job_id = job.id
    handler = HANDLERS.get(job.kind)
    if handler is None:
        return _finish(job_id, JobStatus.FAILED, error=f"No handler for job kind {job.kind!r}.")
    ctx = JobContext(job, listener)
    db.session.commit()  # end the read: a transaction left open would hold up the heartbeat
    heartbeat = _HeartbeatThread(ctx)
    heartbeat.start()
    try:
        status, values = _run_handler(handler, ctx)
    finally:
        # End whatever transaction the handler's last reads opened (on SQLite a worker's
        # transaction holds the write lock, which the heartbeat's last beat may be waiting for).
        db.session.rollback()
        heartbeat.stopped.set()
        heartbeat.join()
    if status is None:  # taken over: the new owner records the outcome
        db.session.rollback()
        return db.session.get(Job, job_id)
    return _finish(job_id, status, **values)


def _run_handler(handler: Handler, ctx: JobContext) -> tuple[JobStatus | None, dict[str, Any]]:
    try:
        result = handler(ctx) or JobResult()
    except LeaseLost:
        log.warning("job %s: stopped, another worker has taken it over", ctx.job_id)
        return None, {}
    except JobFailed as failure:
        return JobStatus.FAILED, {"error": failure.message}
    except Exception as error:  # noqa: BLE001 - recorded, see above
        log.exception("job %s failed", ctx.job_id)
        return JobStatus.FAILED, {"error": f"{type(error).__name__}: {error}",
                                  "progress": {"phase": "failed",
                                               "trace": traceback.format_exc()[-2000:]}}
    values: dict[str, Any] = {"progress": {"phase": "done", **result.summary}}
    if result.version_id is not None:
        values["version_id"] = result.version_id
    return JobStatus.DONE, values


def run_next_job() -> bool:
    """Claim and run one job; False when there was none."""
    job = claim_next_job()
    if job is None:
        return False
    run_job(job)
    return True

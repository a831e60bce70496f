"""``meetmatch build-schedule EVENT_SLUG``: the web's "Build schedule", run in this process."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import with_appcontext

from .. import jobs
from ..extensions import db
from ..models import Event, Job, JobStatus
from ..schedules.jobs import BUILD_SCHEDULE
from ..worker import register_handlers


def _line(info: dict) -> str:
    parts = [f"{info.get('elapsed') or 0:6.1f}s", f"{info.get('phase', ''):<12}"]
    if info.get("objective") is not None:
        parts.append(f"best {info['objective']:.2f}")
    if info.get("upper_bound") is not None:
        parts.append(f"bound {info['upper_bound']:.2f}")
    return "  ".join(parts)


@click.command("build-schedule")
@click.argument("event_slug")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=None,
              help="Seconds the solver may use (default: SOLVER_TIME_LIMIT).")
@click.option("--seed", type=int, default=None, help="Random seed (default: SOLVER_SEED).")
@with_appcontext
def build_schedule_command(event_slug: str, time_limit: float | None, seed: int | None) -> None:
    """Build a new draft schedule for EVENT_SLUG, showing progress."""
    event = db.session.execute(db.select(Event).filter_by(slug=event_slug)).scalar_one_or_none()
    if event is None:
        click.echo(f"error: no event with slug {event_slug!r}", err=True)
        sys.exit(2)
    job, created = jobs.enqueue_job(event.id, BUILD_SCHEDULE,
                                    {"time_limit": time_limit, "seed": seed, "source": "cli"})
    if not created:
        click.echo("A build for this event is already queued or running; following it.", err=True)
    claimed = jobs.claim_job(job.id) if created else None
    if claimed is not None:  # run here, through the same lifecycle as the worker
        register_handlers()
        job = jobs.run_job(claimed, listener=lambda info: click.echo(_line(info)))
    else:  # a worker took it: follow its progress from the database
        job = _follow(job.id)
    if job.status != JobStatus.DONE:
        click.echo(f"error: {job.error or 'the build failed'}", err=True)
        sys.exit(1)
    version = job.version
    click.echo(f"Saved draft version {version.number}: {version.solver_status}, "
               f"score {version.objective:.2f} of at most {version.upper_bound:.2f} "
               f"(gap {version.gap:.1%}), {len(version.meetings)} meetings, {version.wall_time:.1f}s.")


def _follow(job_id: int) -> Job:
    last = None
    while True:
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        status, progress = job.status, job.progress
        db.session.commit()  # never sit in a transaction: on SQLite it would hold the write lock
        if progress != last:
            last = progress
            click.echo(_line(progress or {}))
        if status in (JobStatus.DONE, JobStatus.FAILED):
            return db.session.get(Job, job_id)
        time.sleep(0.5)

"""The schedule job handlers, run by ``meetmatch worker`` (never in a web request).

``register_handlers`` is called by the worker (and the ``build-schedule`` command); importing
this module registers nothing. ``jobs.run_job`` owns each job's lifecycle: a handler does the
work, reports progress through its context and returns a result or raises ``JobFailed``.
"""

from __future__ import annotations

import time

from .. import jobs
from ..extensions import db
from ..jobs import JobContext, JobFailed, JobResult
from ..models import Event, ScheduleVersion
from . import engine_io, pdf, versions

BUILD_SCHEDULE = "build_schedule"


def build_schedule_job(ctx: JobContext) -> JobResult:
    """Build (or rebuild) the job's event into a new draft version."""
    params = ctx.params
    event = db.session.get(Event, ctx.event_id)
    based_on_id = params.get("based_on_id")
    based_on = db.session.get(ScheduleVersion, based_on_id) if based_on_id else None
    try:
        version = engine_io.build_schedule(
            event, progress=ctx.progress, time_limit=params.get("time_limit"),
            seed=params.get("seed"), held_rounds=int(params.get("held_rounds") or 0),
            based_on=based_on, before_save=ctx.keep_lease)
    except engine_io.BuildError as error:
        raise JobFailed(str(error)) from error
    return JobResult({"elapsed": version.wall_time, "objective": version.objective,
                      "upper_bound": version.upper_bound}, version_id=version.id)


def render_pdf_job(ctx: JobContext) -> JobResult:
    """Render the job's version, then the event's published version if it is not current."""
    started = time.perf_counter()

    def report(info: dict) -> None:
        ctx.progress(info, force=True)

    rendered = {}
    if ctx.version_id is not None:
        rendered[str(ctx.version_id)] = pdf.render_version_pdfs(ctx.version_id, report)
    # Read anew: a publish while this job ran changes what the published version's pages show.
    db.session.rollback()
    published = versions.published_version(ctx.event_id)
    if published is not None:
        rendered[str(published.id)] = pdf.render_version_pdfs(published.id, report)
    return JobResult({"rendered": rendered, "elapsed": round(time.perf_counter() - started, 2)})


def register_handlers() -> None:
    """Register the schedule job kinds with the job queue."""
    jobs.register_handler(BUILD_SCHEDULE, build_schedule_job)
    jobs.register_handler(pdf.JOB_KIND, render_pdf_job)

"""The schedule job handlers: ``build_schedule`` and ``render_pdf``, run by ``meetmatch worker``.

Importing this module registers both job kinds."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from flask import current_app, has_app_context

from .. import jobs
from ..extensions import db
from ..models import Event, Job, ScheduleVersion, utcnow
from . import engine_io, pdf, versions

log = logging.getLogger(__name__)


def run_build(job: Job, echo: Callable[[dict], None] | None = None) -> None:
    """Build (or rebuild) the job's event; record the new version or the reason it failed."""
    params = json.loads(job.params or "{}")
    job_id = job.id
    event = db.session.get(Event, job.event_id)
    based_on = db.session.get(ScheduleVersion, params["based_on_id"]) if params.get("based_on_id") else None
    reporter = jobs.ProgressReporter(job_id)

    app = current_app._get_current_object()

    def progress(info: dict) -> None:
        # CP-SAT may call back from one of its own threads, outside this app context.
        try:
            if has_app_context():
                reporter(info)
            else:
                with app.app_context():
                    reporter(info)
        except Exception:  # noqa: BLE001 - a lost progress note must not stop the build
            log.exception("could not record the progress of job %s", job_id)
            db.session.rollback()
        if echo is not None:
            echo(info)

    try:
        version = engine_io.build_schedule(
            event, progress=progress, time_limit=params.get("time_limit"), seed=params.get("seed"),
            held_rounds=int(params.get("held_rounds") or 0), based_on=based_on)
    except engine_io.BuildError as error:
        db.session.rollback()
        job = db.session.get(Job, job_id)
        job.status = "failed"
        job.error = str(error)
        job.finished_at = utcnow()
        db.session.commit()
        return
    job = db.session.get(Job, job_id)
    job.version_id = version.id
    job.progress = json.dumps({"phase": "done", "elapsed": version.wall_time,
                               "objective": version.objective, "upper_bound": version.upper_bound})
    job.status = "done"
    job.finished_at = utcnow()
    db.session.commit()


@jobs.handler("build_schedule")
def build_schedule_job(job: Job) -> None:
    run_build(job)


@jobs.handler(pdf.JOB_KIND)
def render_pdf_job(job: Job) -> None:
    """Render the job's version, then the event's published version if it is not current."""
    job_id, event_id = job.id, job.event_id
    params = json.loads(job.params or "{}")
    reporter = jobs.ProgressReporter(job_id)

    def report(info: dict) -> None:
        reporter(info, force=True)

    started = time.perf_counter()
    rendered = {}
    version_id = params.get("version_id")
    if version_id is not None:
        rendered[str(version_id)] = pdf.render_version_pdfs(int(version_id), report)
    # Read anew: a publish while this job ran changes what the published version's pages show.
    db.session.rollback()
    published = versions.published_version(event_id)
    if published is not None:
        rendered[str(published.id)] = pdf.render_version_pdfs(published.id, report)
    job = db.session.get(Job, job_id)
    job.progress = json.dumps({"phase": "done", "rendered": rendered,
                               "elapsed": round(time.perf_counter() - started, 2)})
    job.status = "done"
    job.finished_at = utcnow()
    db.session.commit()

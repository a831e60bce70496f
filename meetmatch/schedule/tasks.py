"""The ``build_schedule`` job: runs in ``meetmatch worker``, never in a web request.

Importing this module registers every schedule job kind (``render_pdf`` lives in pdf_tasks)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from flask import current_app, has_app_context

from .. import jobs, scheduling
from ..extensions import db
from ..models import Event, Job, ScheduleVersion, utcnow
from . import pdf_tasks  # noqa: F401 - registers the render_pdf job

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
        version = scheduling.build_schedule(
            event, progress=progress, time_limit=params.get("time_limit"), seed=params.get("seed"),
            held_rounds=int(params.get("held_rounds") or 0), based_on=based_on)
    except scheduling.BuildError as error:
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

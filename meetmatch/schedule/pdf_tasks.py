"""The ``render_pdf`` job: print PDFs are made by ``meetmatch worker``, never in a web request.

A job renders the three kinds (master, tables, agenda) of one version, then checks the event's
published version too: one job per event at a time (``jobs.enqueue_job``) must not leave a
version that was published meanwhile without fresh PDFs. Each kind is skipped when its file
for the current content already exists, so repeated jobs cost one HTML render per kind.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import OperationalError

from .. import jobs, printing, scheduling
from ..extensions import db
from ..models import Event, Job, ScheduleVersion, utcnow

log = logging.getLogger(__name__)

JOB_KIND = "render_pdf"


@dataclass
class PdfState:
    """Where a version's PDF of one kind stands.

    ``state``: ready (the file exists), pending (a render job is queued or running), failed (the
    last job for this version failed), unreachable (the worker made it but this process cannot
    see the file: web app and worker need the same ``PDF_DIR``) or missing (nothing queued)."""

    state: str
    path: Path
    job: Job | None = None


def pdf_state(event: Event, version: ScheduleVersion, kind: str) -> PdfState:
    """Look without changing anything: the HTML render (fast) names the file to look for."""
    print_fingerprint = printing.fingerprint(printing.pdf_html(event, version, kind))
    path = printing.pdf_path(event.id, version.id, kind, print_fingerprint)
    if path.is_file():
        return PdfState("ready", path)
    job = jobs.latest_job(event.id, JOB_KIND)
    if job is None:
        return PdfState("missing", path)
    if job.status in ("queued", "running"):
        # Possibly for another version: when it ends, the next look queues this one.
        return PdfState("pending", path, job)
    rendered = json.loads(job.progress or "{}").get("rendered", {}).get(str(version.id), {})
    if job.status == "done" and rendered.get(kind) == print_fingerprint:
        return PdfState("unreachable", path, job)
    if job.status == "failed" and json.loads(job.params or "{}").get("version_id") == version.id:
        return PdfState("failed", path, job)
    return PdfState("missing", path, job)


def queue_pdf_render(version: ScheduleVersion) -> tuple[Job, bool]:
    """Queue the PDFs of a version (nothing new if a render job is already active for the event)."""
    return jobs.enqueue_job(version.event_id, JOB_KIND, {"version_id": version.id})


def ensure_pdf(event: Event, version: ScheduleVersion, kind: str) -> PdfState:
    """The PDF's state, queuing a render when none is ready or on its way."""
    found = pdf_state(event, version, kind)
    if found.state != "missing":
        return found
    version_id, event_id = version.id, event.id
    # End the read first: on SQLite a page view's transaction is deferred, and upgrading an old
    # snapshot to a write fails at once if anyone wrote since.
    db.session.commit()
    try:
        job, _ = queue_pdf_render(db.session.get(ScheduleVersion, version_id))
    except OperationalError:  # database busy: the preparing page reloads and asks again
        db.session.rollback()
        log.warning("could not queue the PDFs of version %s of event %s now", version_id, event_id)
        return PdfState("pending", found.path)
    return PdfState("pending", found.path, job)


def render_version_pdfs(version_id: int, report=None) -> dict[str, str]:
    """Make the missing PDFs of one version; return {kind: fingerprint} of its current files."""
    done: dict[str, str] = {}
    for kind in printing.KINDS:
        version = db.session.get(ScheduleVersion, version_id)
        if version is None:
            return done
        event = version.event
        html = printing.pdf_html(event, version, kind)
        print_fingerprint = printing.fingerprint(html)
        path = printing.pdf_path(event.id, version.id, kind, print_fingerprint)
        # The worker's transactions hold SQLite's write lock: end this one before the slow part.
        db.session.rollback()
        if not path.is_file():
            if report is not None:
                report({"phase": "rendering", "version_id": version_id, "kind": kind})
            started = time.perf_counter()
            printing.write_atomically(path, printing.html_to_pdf(html))
            log.info("rendered %s in %.1f s", path.name, time.perf_counter() - started)
        printing.remove_older_pdfs(path)
        done[kind] = print_fingerprint
    return done


@jobs.handler(JOB_KIND)
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
        rendered[str(version_id)] = render_version_pdfs(int(version_id), report)
    # Read anew: a publish while this job ran changes what the published version's pages show.
    db.session.rollback()
    published = scheduling.published_version(event_id)
    if published is not None:
        rendered[str(published.id)] = render_version_pdfs(published.id, report)
    job = db.session.get(Job, job_id)
    job.progress = json.dumps({"phase": "done", "rendered": rendered,
                               "elapsed": round(time.perf_counter() - started, 2)})
    job.status = "done"
    job.finished_at = utcnow()
    db.session.commit()

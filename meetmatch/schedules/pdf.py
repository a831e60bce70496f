"""Print PDFs: made by ``meetmatch worker`` with WeasyPrint, never inside a web request.

A PDF is kept as a file named by a fingerprint of the exact HTML and CSS it was made from:
when a draft is adjusted its HTML changes, and so does the file name. A request only serves a
finished file, or queues a ``render_pdf`` job (its handler is in ``jobs``) and shows a page that
waits for it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy.exc import OperationalError

from .. import jobs
from ..extensions import db
from ..models import Event, Job, ScheduleVersion
from .printing import KINDS, PRINT_CSS, print_html

log = logging.getLogger(__name__)

JOB_KIND = "render_pdf"


# ------------------------------------------------------------------ files


def pdf_html(event: Event, version: ScheduleVersion, kind: str) -> str:
    """The HTML a PDF of this kind is made from (no links, no stylesheet tag)."""
    return print_html(event, version, kind, pdf=True)


def fingerprint(html: str) -> str:
    """Names the PDF that ``html`` (with today's print CSS) turns into."""
    digest = hashlib.sha256(PRINT_CSS.read_bytes())
    digest.update(b"\0")
    digest.update(html.encode("utf-8"))
    return digest.hexdigest()[:24]


def html_to_pdf(html: str) -> bytes:
    """A4 PDF of a print page's HTML (fonts from the system; no network access). Slow: worker only."""
    from weasyprint import CSS, HTML

    return HTML(string=html, base_url=str(PRINT_CSS.parent), url_fetcher=_no_fetch()).write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS))])


def _no_fetch():
    """A fetcher that loads nothing from the network or the disk: only ``data:`` URLs (the
    event's logo, inline)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


def pdf_dir() -> Path:
    """Where PDFs are kept: ``PDF_DIR`` (``MEETMATCH_PDF_DIR``), else ``instance/pdf``.

    The web app and the worker must see the same folder."""
    return Path(current_app.config.get("PDF_DIR") or Path(current_app.instance_path) / "pdf")


def pdf_path(event_id: int, version_id: int, kind: str, print_fingerprint: str) -> Path:
    """The file of one kind of PDF of a version, made from content with this fingerprint."""
    return pdf_dir() / str(event_id) / f"v{version_id}-{kind}-{print_fingerprint}.pdf"


def write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file and a rename: a reader sees the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_older_pdfs(current: Path) -> None:
    """Delete the files of the same version and kind made from earlier content."""
    prefix = current.name.rsplit("-", 1)[0] + "-"
    for old in current.parent.glob(f"{prefix}*.pdf"):
        if old != current:
            old.unlink(missing_ok=True)


# ------------------------------------------------------------------ state seen by the web


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
    print_fingerprint = fingerprint(pdf_html(event, version, kind))
    path = pdf_path(event.id, version.id, kind, print_fingerprint)
    if path.is_file():
        return PdfState("ready", path)
    job = jobs.latest_job(event.id, JOB_KIND)
    if job is None:
        return PdfState("missing", path)
    if job.status in ("queued", "running"):
        # Possibly for another version: when it ends, the next look queues this one.
        return PdfState("pending", path, job)
    rendered = (job.progress or {}).get("rendered", {}).get(str(version.id), {})
    if job.status == "done" and rendered.get(kind) == print_fingerprint:
        return PdfState("unreachable", path, job)
    if job.status == "failed" and job.version_id == version.id:
        return PdfState("failed", path, job)
    return PdfState("missing", path, job)


def queue_pdf_render(version: ScheduleVersion) -> tuple[Job, bool]:
    """Queue the PDFs of a version (nothing new if a render job is already active for the event)."""
    return jobs.enqueue_job(version.event_id, JOB_KIND, version_id=version.id)


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


# ------------------------------------------------------------------ rendering (worker only)


def render_version_pdfs(version_id: int, report=None) -> dict[str, str]:
    """Make the missing PDFs of one version; return {kind: fingerprint} of its current files."""
    done: dict[str, str] = {}
    for kind in KINDS:
        version = db.session.get(ScheduleVersion, version_id)
        if version is None:
            return done
        event = version.event
        html = pdf_html(event, version, kind)
        print_fingerprint = fingerprint(html)
        path = pdf_path(event.id, version.id, kind, print_fingerprint)
        # The worker's transactions hold SQLite's write lock: end this one before the slow part.
        db.session.rollback()
        if not path.is_file():
            if report is not None:
                report({"phase": "rendering", "version_id": version_id, "kind": kind})
            started = time.perf_counter()
            write_atomically(path, html_to_pdf(html))
            log.info("rendered %s in %.1f s", path.name, time.perf_counter() - started)
        remove_older_pdfs(path)
        done[kind] = print_fingerprint
    return done

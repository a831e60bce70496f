"""Print-ready schedules: the same HTML as the print pages, rendered to PDF with WeasyPrint.

WeasyPrint takes seconds per document, so PDFs are made by ``meetmatch worker`` (see
``schedule/pdf_tasks.py``) and kept as files named by a fingerprint of the exact HTML and CSS
they were made from: when a draft is adjusted, its HTML changes and so does the file name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app, render_template

from .models import Event, ScheduleVersion

PRINT_CSS = Path(__file__).resolve().parent / "schedule" / "static" / "print.css"
KINDS = {"master": "Master schedule", "tables": "Table cards", "agenda": "Agenda cards"}


def render_print_html(template: str, *, pdf: bool = False, **context) -> str:
    """Render ``print/<template>.html``; for a PDF the stylesheet is handed to WeasyPrint."""
    return render_template(f"print/{template}.html", pdf=pdf, **context)


def print_context(event: Event, version: ScheduleVersion, kind: str) -> dict:
    """What the print page of one kind shows, read from the saved version."""
    from .schedule import review
    from .schedule_mail import meeting_items

    context = {"event": event, "version": version, "kind": kind, "title": KINDS[kind]}
    if kind == "master":
        context["rounds"] = review.by_round(event, version)
    elif kind == "tables":
        rounds = review.rounds_of(event)
        tables: dict[int, list] = {}
        for m in version.meetings:
            tables.setdefault(m.table_number, []).append(m)
        context["tables"] = [(t, sorted(ms, key=lambda m: m.round_number)) for t, ms in sorted(tables.items())]
        context["round_by_number"] = rounds
    else:
        cards = [(p.attendee, meeting_items(event, p.attendee, p.meetings))
                 for p in review.by_attendee(event, version) if p.attendee.is_active or p.meetings]
        # Four cards to a page while they fit; people with more meetings get half a page each
        # (full width, so each reason takes fewer lines). Cards grow rather than clip.
        longest = max((len(items) for _, items in cards), default=0)
        per_page = 4 if longest <= 4 else 2
        context["pages"] = agenda_pages(cards, per_page)
        context["wide"] = per_page == 2
    return context


def pdf_html(event: Event, version: ScheduleVersion, kind: str) -> str:
    """The HTML a PDF of this kind is made from (no links, no stylesheet tag)."""
    return render_print_html(kind, pdf=True, **print_context(event, version, kind))


def fingerprint(html: str) -> str:
    """Names the PDF that ``html`` (with today's print CSS) turns into."""
    digest = hashlib.sha256(PRINT_CSS.read_bytes())
    digest.update(b"\0")
    digest.update(html.encode("utf-8"))
    return digest.hexdigest()[:24]


def html_to_pdf(html: str) -> bytes:
    """A4 PDF of a print page's HTML (fonts from the system; no network access). Slow: worker only."""
    from weasyprint import CSS, HTML

    return HTML(string=html, base_url=str(PRINT_CSS.parent), url_fetcher=_no_fetch).write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS))])


def _no_fetch(url: str, *args, **kwargs):  # noqa: ARG001
    raise ValueError(f"print pages load nothing from the network ({url})")


def pdf_dir() -> Path:
    """Where PDFs are kept: ``PDF_DIR`` (``MEETMATCH_PDF_DIR``), else ``instance/pdf``.

    The web app and the worker must see the same folder."""
    return Path(current_app.config.get("PDF_DIR") or Path(current_app.instance_path) / "pdf")


def pdf_path(event_id: int, version_id: int, kind: str, print_fingerprint: str) -> Path:
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


def agenda_pages(cards: list, per_page: int = 4) -> list[list]:
    """Agenda cards grouped several to an A4 page, ready to cut."""
    return [cards[i:i + per_page] for i in range(0, len(cards), per_page)]

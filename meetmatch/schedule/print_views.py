"""Print pages (A4 print CSS, no navigation) and their PDF downloads.

PDFs are made by the background worker (``schedules.pdf``); a request only serves a finished file or
queues the job and shows a page that reloads itself until the file is there.
"""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, send_file, url_for

from ..forms import ConfirmForm
from ..schedules import pdf, printing
from ..security import login_required, own_event_or_404
from . import bp
from .views import version_or_404

KINDS = printing.KINDS


@bp.get("/print.css")
def print_css(slug: str):  # noqa: ARG001 - the blueprint's prefix carries the slug
    """The print stylesheet (a served file: CSP allows no inline styles)."""
    return Response(printing.PRINT_CSS.read_text(encoding="utf-8"), mimetype="text/css",
                    headers={"Cache-Control": "max-age=3600"})


@bp.get("/v/<int:number>/print/<any(master, tables, agenda):kind>")
@login_required
def print_page(slug: str, number: int, kind: str):
    """A print-ready page."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    return printing.print_html(event, found, kind)


@bp.get("/v/<int:number>/print/<any(master, tables, agenda):kind>.pdf")
@login_required
def print_pdf(slug: str, number: int, kind: str):
    """The page as an A4 PDF if the worker has made it; else queue it and show its progress."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    state = pdf.ensure_pdf(event, found, kind)
    if state.state == "ready":
        try:
            return send_file(state.path, mimetype="application/pdf", as_attachment=True,
                             download_name=f"{event.slug}-v{found.number}-{kind}.pdf")
        except FileNotFoundError:  # replaced by a newer render this instant: the page below waits
            pass
    return redirect(url_for("schedule.print_pdf_status", slug=slug, number=number, kind=kind), 303)


@bp.get("/v/<int:number>/print/<any(master, tables, agenda):kind>/pdf")
@login_required
def print_pdf_status(slug: str, number: int, kind: str):
    """Preparing your PDF: reloads itself until the file is ready, then links to it."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    state = pdf.ensure_pdf(event, found, kind)
    return render_template("organiser/schedule_print_pdf.html", event=event, version=found, kind=kind,
                           title=KINDS[kind], state=state, confirm=ConfirmForm())


@bp.post("/v/<int:number>/print/<any(master, tables, agenda):kind>/pdf")
@login_required
def retry_pdf(slug: str, number: int, kind: str):
    """Queue the PDFs of a version again (after a failed render)."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    pdf.queue_pdf_render(found)
    return redirect(url_for("schedule.print_pdf_status", slug=slug, number=number, kind=kind))


@bp.get("/v/<int:number>/print")
@login_required
def print_index(slug: str, number: int):
    """Links to every print page and PDF."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    return render_template("organiser/schedule_print.html", event=event, version=found, kinds=KINDS)

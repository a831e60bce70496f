"""Print pages (A4 print CSS, no navigation), their PDF downloads and the spreadsheet exports.

PDFs are made by the background worker (``schedules.pdf``); a request only serves a finished
file or queues the job and shows a page that reloads itself until the file is there.
"""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, send_file, url_for

from ..forms import ConfirmForm
from ..models import Event, ScheduleVersion
from ..schedules import export, pdf, printing
from ..security import own_event_view
from . import bp

KINDS = printing.KINDS
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/print.css")
def print_css(slug: str):  # noqa: ARG001 - the blueprint's prefix carries the slug
    """The print stylesheet (a served file: CSP allows no inline styles)."""
    return Response(printing.PRINT_CSS.read_text(encoding="utf-8"), mimetype="text/css",
                    headers={"Cache-Control": "max-age=3600"})


@bp.get("/v/<int:number>/print/<any(master, tables, agenda):kind>")
@own_event_view
def print_page(event: Event, version: ScheduleVersion, kind: str):
    """A print-ready page."""
    return printing.print_html(event, version, kind)


@bp.get("/v/<int:number>/print/<any(master, tables, agenda):kind>.pdf")
@own_event_view
def print_pdf(event: Event, version: ScheduleVersion, kind: str):
    """The page as an A4 PDF if the worker has made it; else queue it and show its progress."""
    state = pdf.ensure_pdf(event, version, kind)
    if state.state == "ready":
        try:
            return send_file(state.path, mimetype="application/pdf", as_attachment=True,
                             download_name=f"{event.slug}-v{version.number}-{kind}.pdf")
        except FileNotFoundError:  # replaced by a newer render this instant: the page below waits
            pass
    return redirect(url_for("schedule.print_pdf_status", slug=event.slug, number=version.number,
                            kind=kind), 303)


@bp.get("/v/<int:number>/print/<any(master, tables, agenda):kind>/pdf")
@own_event_view
def print_pdf_status(event: Event, version: ScheduleVersion, kind: str):
    """Preparing your PDF: reloads itself until the file is ready, then links to it."""
    state = pdf.ensure_pdf(event, version, kind)
    return render_template("organiser/schedule_print_pdf.html", event=event, version=version, kind=kind,
                           title=KINDS[kind], state=state, confirm=ConfirmForm())


@bp.post("/v/<int:number>/print/<any(master, tables, agenda):kind>/pdf")
@own_event_view
def retry_pdf(event: Event, version: ScheduleVersion, kind: str):
    """Queue the PDFs of a version again (after a failed render)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    pdf.queue_pdf_render(version)
    return redirect(url_for("schedule.print_pdf_status", slug=event.slug, number=version.number,
                            kind=kind))


@bp.get("/v/<int:number>/print")
@own_event_view
def print_index(event: Event, version: ScheduleVersion):
    """Links to every print page and PDF."""
    return render_template("organiser/schedule_print.html", event=event, version=version, kinds=KINDS)


@bp.get("/v/<int:number>/meetings.csv")
@own_event_view
def export_csv(event: Event, version: ScheduleVersion):
    """The version as CSV: one row per meeting."""
    return Response(export.schedule_csv(event, version), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{event.slug}-v{version.number}-meetings.csv"'})


@bp.get("/v/<int:number>/meetings.xlsx")
@own_event_view
def export_xlsx(event: Event, version: ScheduleVersion):
    """The version as an Excel workbook: all meetings, then one sheet per round."""
    return Response(export.schedule_xlsx(event, version), mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{event.slug}-v{version.number}-meetings.xlsx"'})

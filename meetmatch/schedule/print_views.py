"""Print pages (A4 print CSS, no navigation) and their PDF downloads."""

from __future__ import annotations

from flask import Response, render_template

from .. import printing
from ..models import Event, ScheduleVersion
from ..schedule_mail import meeting_items
from ..security import login_required, own_event_or_404
from . import bp, review
from .views import version_or_404

KINDS = {"master": "Master schedule", "tables": "Table cards", "agenda": "Agenda cards"}


@bp.get("/print.css")
def print_css(slug: str):  # noqa: ARG001 - the blueprint's prefix carries the slug
    """The print stylesheet (a served file: CSP allows no inline styles)."""
    return Response(printing.PRINT_CSS.read_text(encoding="utf-8"), mimetype="text/css",
                    headers={"Cache-Control": "max-age=3600"})


def _context(event: Event, version: ScheduleVersion, kind: str) -> dict:
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
        context["pages"] = printing.agenda_pages(cards)
    return context


@bp.get("/v/<int:number>/print/<any(master, tables, agenda):kind>")
@login_required
def print_page(slug: str, number: int, kind: str):
    """A print-ready page."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    return printing.render_print_html(kind, **_context(event, found, kind))


@bp.get("/v/<int:number>/print/<any(master, tables, agenda):kind>.pdf")
@login_required
def print_pdf(slug: str, number: int, kind: str):
    """The same page as an A4 PDF."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    pdf = printing.render_pdf(kind, **_context(event, found, kind))
    filename = f"{event.slug}-v{found.number}-{kind}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/v/<int:number>/print")
@login_required
def print_index(slug: str, number: int):
    """Links to every print page and PDF."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    return render_template("organiser/schedule_print.html", event=event, version=found, kinds=KINDS)

"""Print-ready schedules: the same HTML as the print pages, rendered to PDF with WeasyPrint."""

from __future__ import annotations

from pathlib import Path

from flask import render_template

PRINT_CSS = Path(__file__).resolve().parent / "schedule" / "static" / "print.css"


def render_print_html(template: str, *, pdf: bool = False, **context) -> str:
    """Render ``print/<template>.html``; for a PDF the stylesheet is handed to WeasyPrint."""
    return render_template(f"print/{template}.html", pdf=pdf, **context)


def render_pdf(template: str, **context) -> bytes:
    """A4 PDF of a print page (fonts from the system; no network access)."""
    from weasyprint import CSS, HTML

    html = render_print_html(template, pdf=True, **context)
    return HTML(string=html, base_url=str(PRINT_CSS.parent), url_fetcher=_no_fetch).write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS))])


def _no_fetch(url: str, *args, **kwargs):  # noqa: ARG001
    raise ValueError(f"print pages load nothing from the network ({url})")


def agenda_pages(cards: list, per_page: int = 4) -> list[list]:
    """Agenda cards grouped several to an A4 page, ready to cut."""
    return [cards[i:i + per_page] for i in range(0, len(cards), per_page)]

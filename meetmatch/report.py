"""The outcome report as a page, its charts, and its PDF (made by the worker, like the print PDFs).

``report_charts`` draws the figures of ``outcomes.outcome_report``; ``report_html`` is the page
the PDF is made from. A request only serves a finished PDF or queues a ``render_report_pdf``
job, whose file is named by a fingerprint of its HTML, so a changed report gets a new file.
"""

from __future__ import annotations

from pathlib import Path

from flask import render_template

from . import jobs
from .charts import Chart, bar_chart, grouped_bar_chart, scatter_chart
from .extensions import db
from .i18n import _, force_locale, language_of_event, lazy_gettext
from .jobs import JobContext, JobResult
from .models import Event
from .outcomes import OutcomeReport, outcome_report

JOB_KIND = "render_report_pdf"
OUTCOME_LABELS = {"held": lazy_gettext("held"), "no_show": lazy_gettext("no-show"),
                  "cancelled": lazy_gettext("cancelled"), "unknown": lazy_gettext("unknown")}


def report_charts(report: OutcomeReport) -> list[Chart]:
    """Outcomes, what people said they gained and gave, predicted vs realised, no-shows by round;
    every title and label in the current language (the page's, or the event's for the PDF)."""
    charts = [bar_chart("outcomes", _("What happened to the scheduled meetings"),
                        [str(label) for label in OUTCOME_LABELS.values()],
                        [report.counts[k] for k in OUTCOME_LABELS], ylabel=_("meetings"))]
    charts.append(grouped_bar_chart(
        "gained-gave", _("What people said they gained and could give"),
        [_("nothing"), _("a little"), _("a lot")],
        {_("gained"): report.gained_levels, _("could give"): report.gave_levels}, ylabel=_("answers")))
    charts.append(scatter_chart(
        "predicted-realised", _("Predicted score vs what both said they gained"),
        report.predicted_vs_realised, xlabel=_("predicted mutual score"),
        ylabel=_("realised benefit (mean of both)")))
    if report.rounds:
        charts.append(bar_chart("no-shows-by-round", _("No-shows by round"),
                                [_("round %(number)s", number=r) for r, _n, _m in report.rounds],
                                [n for _r, _m, n in report.rounds], ylabel=_("no-show meetings"),
                                colours=("#b42318",)))
    return charts


def report_context(event: Event) -> dict:
    report = outcome_report(event)
    return {"event": event, "report": report, "charts": report_charts(report) if report.scheduled else []}


def report_html(event: Event, *, pdf: bool = False) -> str:
    """The printable report (the PDF's HTML: no links out, no stylesheet tag), in the event's
    language whoever asks, so the page and the worker's PDF (named by its HTML) agree."""
    with force_locale(language_of_event(event)):
        return render_template("print/outcomes.html", pdf=pdf, title=_("Outcome report"),
                               **report_context(event))


# ------------------------------------------------------------------ the PDF


def report_pdf_path(event: Event, html: str) -> Path:
    from .schedules.pdf import fingerprint, pdf_dir

    return pdf_dir() / str(event.id) / f"report-{fingerprint(html)}.pdf"


def report_pdf_state(event: Event) -> tuple[str, Path]:
    """(ready | pending | failed | missing, the file)."""
    path = report_pdf_path(event, report_html(event, pdf=True))
    if path.is_file():
        return "ready", path
    job = jobs.latest_job(event.id, JOB_KIND)
    if job is not None and job.status in ("queued", "running"):
        return "pending", path
    if job is not None and job.status == "failed" and (job.params or {}).get("file") == path.name:
        return "failed", path
    return "missing", path


def queue_report_pdf(event: Event, path: Path) -> None:
    jobs.enqueue_job(event.id, JOB_KIND, {"file": path.name})


def _data_urls_only():
    """A WeasyPrint URL fetcher for the report's charts (data: URLs); nothing else is fetched."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before 68: a plain function
        from weasyprint import default_url_fetcher

        def fetch(url: str, *args, **kwargs):
            if not url.startswith("data:"):
                raise ValueError(f"the report loads nothing from the network ({url})")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch
    return URLFetcher(allowed_protocols={"data"})


def render_report_pdf_job(ctx: JobContext) -> JobResult:
    """Render the event's report as it is now (worker only: WeasyPrint is slow)."""
    from weasyprint import CSS, HTML

    from .schedules.pdf import remove_older_pdfs, write_atomically
    from .schedules.printing import PRINT_CSS

    event = db.session.get(Event, ctx.event_id)
    html = report_html(event, pdf=True)
    path = report_pdf_path(event, html)
    db.session.rollback()  # hold no transaction (SQLite's write lock) while rendering
    data = HTML(string=html, base_url=str(PRINT_CSS.parent), url_fetcher=_data_urls_only()).write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS))])
    write_atomically(path, data)
    remove_older_pdfs(path)
    return JobResult({"file": path.name})


def register_handlers() -> None:
    jobs.register_handler(JOB_KIND, render_report_pdf_job)

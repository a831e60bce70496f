"""The outcome report: feedback request, settings, the figures with charts, CSV and PDF."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for

from .. import feedback, report
from ..extensions import db
from ..forms import ConfirmForm
from ..history import blocked_reasons, returning_count
from ..i18n import _, fmt_datetime, ngettext
from ..models import Event, MeetingFeedback
from ..outcomes import feedback_csv, outcome_report
from ..security import own_event_view
from . import bp
from .confirm import confirm_page
from .feedback_forms import FeedbackSettingsForm


def _settings_form(event: Event, submitted: bool = False) -> FeedbackSettingsForm:
    if submitted:
        return FeedbackSettingsForm()
    return FeedbackSettingsForm(formdata=None, data={"feedback_after_hours": event.feedback_after_hours,
                                                     "history_rule": event.history_rule or "off"})


def _page(event: Event, form: FeedbackSettingsForm | None = None, status: int = 200):
    return render_template(
        "organiser/outcomes.html", **report.report_context(event), form=form or _settings_form(event),
        confirm=ConfirmForm(), to_ask=len(feedback.people_not_asked(event)),
        state=feedback.feedback_state(event), closes=feedback.feedback_closes_at(event),
        ends=feedback.event_end(event), first_end=feedback.first_round_end(event)), status


@bp.get("/events/<slug>/outcomes")
@own_event_view
def outcomes(event: Event):
    """Outcome report: did both sides gain?"""
    return _page(event)


@bp.post("/events/<slug>/outcomes/settings")
@own_event_view
def outcome_settings(event: Event):
    """Automatic feedback request and memory across events."""
    form = _settings_form(event, submitted=True)
    if not form.validate_on_submit():
        return _page(event, form, 400)
    event.feedback_after_hours = form.feedback_after_hours.data
    event.history_rule = form.history_rule.data
    db.session.commit()
    flash(_("Settings saved."), "success")
    return redirect(url_for("organiser.outcomes", slug=event.slug), 303)


@bp.route("/events/<slug>/outcomes/request", methods=["GET", "POST"])
@own_event_view
def request_feedback(event: Event):
    """Email every attendee who had meetings a link to their feedback page (once each), after a
    page that says who gets mail."""
    taken_place = feedback.meetings_have_taken_place(event)
    if request.method == "GET" and not taken_place:
        first_end = feedback.first_round_end(event)
        why = (_("The event has not happened yet: the first round ends %(when)s. Ask for feedback "
                 "once meetings have taken place; nobody is mailed now.", when=fmt_datetime(first_end))
               if first_end else _("The event has no rounds, so no meeting has taken place; "
                                   "nobody is mailed."))
        return confirm_page(event, title=_("Ask for feedback?"), what=[why],
                            back=url_for("organiser.outcomes", slug=event.slug), button=None)
    if request.method == "GET":
        people = feedback.people_not_asked(event)
        what = [ngettext("This emails %(num)s person who had meetings a link to say how their "
                         "meetings went.",
                         "This emails %(num)s people who had meetings a link to say how their "
                         "meetings went.", len(people)),
                _("Nobody is mailed twice.")]
        return confirm_page(event, title=_("Ask for feedback?"), what=what, people=people,
                            back=url_for("organiser.outcomes", slug=event.slug),
                            button=ngettext("Email %(num)s person", "Email %(num)s people",
                                            len(people)))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not taken_place:
        flash(_("No meeting has taken place yet, so nobody was asked for feedback."), "error")
    elif not feedback.people_to_ask(event):
        flash(_("Nobody has meetings in a published schedule yet."), "error")
    else:
        queued = feedback.request_feedback(event)
        flash(_("Feedback requests queued for %(n)s people.", n=queued) if queued
              else _("Everyone has already been asked; nobody was mailed again."), "success")
    return redirect(url_for("organiser.outcomes", slug=event.slug), 303)


@bp.get("/events/<slug>/outcomes.csv")
@own_event_view
def outcomes_csv(event: Event):
    """All feedback as CSV (one row per person per meeting; notes included: organiser only)."""
    return Response(feedback_csv(outcome_report(event)), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{event.slug}-feedback.csv"'})


@bp.get("/events/<slug>/outcomes.pdf")
@own_event_view
def outcomes_pdf(event: Event):
    """The report as a PDF once the worker has made it; else queue it and show a waiting page."""
    state, path = report.report_pdf_state(event)
    if state == "ready":
        return send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=f"{event.slug}-outcomes.pdf")
    if state == "missing":
        db.session.commit()  # end the read before the write (SQLite)
        report.queue_report_pdf(event, path)
        state = "pending"
    return render_template("organiser/outcomes_pdf.html", event=event, state=state), 202


@bp.get("/events/<slug>/outcomes/print")
@own_event_view
def outcomes_print(event: Event):
    """The printable report (what the PDF is made from)."""
    return report.report_html(event)


@bp.app_template_global()
def attendee_history(attendee):
    """The person's meetings at the organiser's earlier events, and their feedback at this one."""
    from ..history import past_meetings_of

    mine = db.session.execute(db.select(MeetingFeedback).filter_by(attendee_id=attendee.id)).scalars().all()
    return {"past": past_meetings_of(attendee), "given": mine,
            "blocked": blocked_reasons(attendee.event, [a for a in attendee.event.attendees if a.is_active])}


@bp.app_template_global()
def returning_attendees(event):
    """How many of the event's attendees came to one of the organiser's earlier events."""
    return returning_count(event)

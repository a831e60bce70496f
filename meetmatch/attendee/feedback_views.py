"""The attendee's feedback page, opened from their private link (GET never changes anything)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from .. import feedback
from ..forms import ConfirmForm
from ..i18n import _, ngettext
from ..models import Event
from ..security import public_event_view
from . import bp
from .views import _attendee_for_link


def _page(event: Event, attendee, token: str, *, errors=None, values=None, status: int = 200):
    return render_template(
        "attendee/feedback.html", event=event, attendee=attendee, token=token,
        items=feedback.feedback_items(attendee), state=feedback.feedback_state(event),
        closes=feedback.feedback_closes_at(event), errors=errors or {}, values=values,
        confirm=ConfirmForm(), note_max=feedback.NOTE_MAX), status


def _refuse_unless_open(event: Event) -> None:
    if feedback.feedback_state(event) != "open":
        abort(403)


@bp.route("/e/<slug>/manage/<token>/feedback", methods=["GET", "POST"], endpoint="feedback")
@public_event_view
def feedback_page(event: Event, token: str):
    """One page with all of one's meetings: did it happen, what I gained and gave."""
    attendee = _attendee_for_link(event, token)
    if request.method == "GET":
        return _page(event, attendee, token)
    _refuse_unless_open(event)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    keys = {it.key for it in feedback.feedback_items(attendee)}
    try:
        answers, errors = feedback.parse_answers(request.form, keys)
    except feedback.UnknownMeeting:
        abort(404)
    if errors:
        return _page(event, attendee, token, errors=errors, values=request.form, status=400)
    saved = feedback.save_answers(attendee, answers)
    flash(ngettext("Thank you: your answer about %(num)s meeting is saved. You can change it until the "
                   "feedback closes.", "Thank you: your answers about %(num)s meetings are saved. You can "
                   "change them until the feedback closes.", saved)
          if saved else _("Nothing to save: no meeting was answered."),
          "success" if saved else "info")
    return redirect(url_for("attendee.feedback", slug=event.slug, token=token), 303)


@bp.post("/e/<slug>/manage/<token>/feedback/all-useful")
@public_event_view
def feedback_all_useful(event: Event, token: str):
    """One click: every meeting not answered yet happened and was useful."""
    attendee = _attendee_for_link(event, token)
    _refuse_unless_open(event)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    saved = feedback.mark_all_useful(attendee)
    flash(ngettext("Thank you: %(num)s meeting recorded as held and useful.",
                   "Thank you: %(num)s meetings recorded as held and useful.", saved) if saved
          else _("All your meetings were already answered."), "success")
    return redirect(url_for("attendee.feedback", slug=event.slug, token=token), 303)


@bp.app_template_global()
def feedback_open_for(attendee) -> bool:
    """Whether the attendee's page links to their feedback page (open, and they had meetings)."""
    return feedback.feedback_state(attendee.event) == "open" and bool(feedback.feedback_items(attendee))

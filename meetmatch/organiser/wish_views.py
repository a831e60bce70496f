"""The organiser's side of attendees' wishes: open or close them, the numbers, the mail."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SubmitField
from wtforms.validators import NumberRange, Optional

from .. import wishes
from ..forms import ConfirmForm, SafeForm
from ..i18n import _, ngettext
from ..i18n import lazy_gettext as _l
from ..models import Event
from ..security import own_event_view
from . import bp
from .confirm import confirm_page


class WishSettingsForm(SafeForm):
    wishes_open = BooleanField(
        _l("Wishes are open"),
        description=_l("Listed attendees can see each other and ask to meet, or say whom they "
                       "would rather not meet. Close wishes before you build the final schedule."))
    close_at = DateTimeLocalField(
        _l("Close wishes automatically at (optional)"), format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("In the event's time zone. Empty: open until you close them."))
    limit = IntegerField(
        _l("\"I'd like to meet\" wishes per person"), default=5,
        validators=[NumberRange(min=0, max=50)],
        description=_l("\"I'd rather not meet\" has no limit."))
    submit = SubmitField(_l("Save"))


@bp.app_template_global()
def attendee_wishes(attendee):
    """An attendee's wishes, for the organiser's attendee page."""
    return wishes.attendee_wishes(attendee)


@bp.app_template_global()
def event_wish_stats(event):
    """The wish numbers of an event, for the organiser's event page."""
    return wishes.wish_stats(event, top=0)


@bp.route("/events/<slug>/wishes", methods=["GET", "POST"])
@own_event_view
def wishes_page(event: Event):
    """Attendees' wishes: settings, numbers, most wished-for people and the invitation mail."""
    form = WishSettingsForm(data={"wishes_open": event.wishes_open,
                                  "close_at": event.wishes_close_at,
                                  "limit": event.wish_limit})
    if form.validate_on_submit():
        wishes.update_wish_settings(event, is_open=bool(form.wishes_open.data),
                                    close_at=form.close_at.data, limit=form.limit.data)
        flash(_("Wishes are open.") if event.wishes_open else _("Wishes are closed."), "success")
        return redirect(url_for("organiser.wishes_page", slug=event.slug))
    return render_template("organiser/wishes.html", event=event, form=form,
                           stats=wishes.wish_stats(event), confirm=ConfirmForm(),
                           is_open=wishes.wishes_are_open(event)), 400 if form.errors else 200


@bp.route("/events/<slug>/wishes/invite", methods=["GET", "POST"])
@own_event_view
def invite_wishes(event: Event):
    """Mail every active attendee their suggestions and the link (once each), after a page that
    says who gets mail."""
    back = url_for("organiser.wishes_page", slug=event.slug)
    title = _("Email attendees their suggestions?")
    if request.method == "GET" and not wishes.wishes_are_open(event):
        return confirm_page(event, title=title, back=back, button=None, what=[
            _("Wishes are closed, so nobody is mailed. Open wishes first: the email invites "
              "attendees to say whom they would like to meet.")])
    if request.method == "GET" and event.suggestions_at is None:
        return confirm_page(event, title=title, back=back, button=None, what=[
            _("The suggestions are still being computed by the background worker; look again "
              "in a minute, so that every message carries them. Nobody is mailed now.")])
    if request.method == "GET":
        people = wishes.invitation_recipients(event)
        what = [ngettext("This emails %(num)s attendee their suggested matches and the link to say "
                         "whom they would like to meet.",
                         "This emails %(num)s attendees their suggested matches and the link to say "
                         "whom they would like to meet.", len(people)),
                _("Attendees who already had this email get nothing new.")]
        return confirm_page(event, title=title, what=what, people=people, back=back,
                            button=ngettext("Email %(num)s person", "Email %(num)s people",
                                            len(people)))
    if ConfirmForm().validate_on_submit():
        if not wishes.wishes_are_open(event):
            flash(_("Wishes are closed, so nobody was mailed. Open wishes first."), "error")
        elif event.suggestions_at is None:
            flash(_("The suggestions are still being computed by the background worker; try "
                    "again in a minute, so that every message carries them."), "error")
        else:
            n = wishes.queue_wish_invitations(event)
            flash(_("%(n)s message(s) queued. Attendees who already had it get nothing new.", n=n),
                  "success")
    return redirect(url_for("organiser.wishes_page", slug=event.slug))


@bp.post("/events/<slug>/wishes/suggestions")
@own_event_view
def refresh_suggestions(event: Event):
    """Ask the worker to compute suggestions again now."""
    if ConfirmForm().validate_on_submit():
        wishes.request_suggestions(event)
        flash(_("Suggestions are being computed by the background worker."), "info")
    return redirect(url_for("organiser.wishes_page", slug=event.slug))

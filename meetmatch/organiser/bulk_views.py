"""The registrations list's actions on the ticked people: withdraw (and undo), send their links
again, export them. Mailing and withdrawing ask first on a confirmation page (no JavaScript)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for

from .. import bulk_attendees
from ..forms import ConfirmForm
from ..i18n import gettext, ngettext
from ..models import Event
from ..security import own_event_view
from . import bp
from .confirm import confirm_page

ACTIONS = ("withdraw", "reactivate", "resend", "export")


def _selection(event: Event):
    """The ticked attendees: ``ids`` as checkboxes (the list) or one comma list (the confirm page)."""
    raw = request.form.getlist("ids")
    if len(raw) == 1 and "," in raw[0]:
        raw = raw[0].split(",")
    return bulk_attendees.selected_attendees(event, raw)


@bp.post("/events/<slug>/attendees/selected")
@own_event_view
def bulk_attendees_action(event: Event):
    """The list's buttons: export at once; withdraw, reactivate and resend via a confirmation."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    if action not in ACTIONS:
        abort(400)
    people = _selection(event)
    back = url_for("organiser.event", slug=event.slug)
    if not people:
        flash(gettext("Tick at least one person in the list first."), "error")
        return redirect(back)
    if action == "export":
        return Response(bulk_attendees.export_selected_csv(event, people), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{event.slug}-selected-attendees.csv"'})
    n = len(people)
    texts = {
        "withdraw": (ngettext("Withdraw %(num)d registration?", "Withdraw %(num)d registrations?", n),
                     [gettext("They are left out of the next build or rebuild of the schedule and get "
                              "no schedule mail. Nobody is mailed about it."),
                      gettext("You can undo this: tick them again and choose \"Reactivate\".")],
                     gettext("Withdraw them")),
        "reactivate": (ngettext("Reactivate %(num)d registration?", "Reactivate %(num)d registrations?", n),
                       [gettext("They are matched again at the next build or rebuild of the schedule.")],
                       gettext("Reactivate them")),
        "resend": (ngettext("Send %(num)d person their private link again?",
                            "Send %(num)d people their private links again?", n),
                   [gettext("Each active person gets an email with a new private link to their "
                            "registration; links they already have keep working. Withdrawn people "
                            "are skipped.")],
                   gettext("Send the links")),
    }
    title, what, button = texts[action]
    return confirm_page(event, title=title, what=what, button=button, back=back,
                        hidden={"ids": ",".join(str(a.id) for a in people)}, people=people,
                        danger=action == "withdraw",
                        action=url_for("organiser.bulk_attendees_confirmed", slug=event.slug, action=action))


@bp.post("/events/<slug>/attendees/selected/<any(withdraw, reactivate, resend):action>")
@own_event_view
def bulk_attendees_confirmed(event: Event, action: str):
    """Do what the confirmation page said."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    people = _selection(event)
    if action == "resend":
        n = bulk_attendees.resend_links(event, people)
        flash(ngettext("%(num)d private link is on its way.", "%(num)d private links are on their way.", n),
              "success")
    else:
        n = bulk_attendees.set_statuses(people, "withdrawn" if action == "withdraw" else "registered")
        if action == "withdraw":
            flash(ngettext("%(num)d registration withdrawn. To undo, tick them and choose Reactivate.",
                           "%(num)d registrations withdrawn. To undo, tick them and choose Reactivate.", n),
                  "info")
        else:
            flash(ngettext("%(num)d registration is active again.", "%(num)d registrations are active again.", n),
                  "success")
    return redirect(url_for("organiser.event", slug=event.slug))

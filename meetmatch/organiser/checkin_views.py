"""Check-in on the day: a searchable list (made for a phone) and check-in by scanned QR code."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from .. import checkin as checkins
from ..forms import ConfirmForm
from ..i18n import _, ngettext
from ..models import Event
from ..paging import page_of, requested_page
from ..security import current_organiser, event_attendee_or_404, own_event_view
from . import bp
from .confirm import confirm_page
from .feedback_forms import ScanForm


def _back(event: Event, query: str = ""):
    return redirect(url_for("organiser.checkin", slug=event.slug, q=query or None) + "#list", 303)


@bp.get("/events/<slug>/checkin")
@own_event_view
def checkin(event: Event):
    """Who is here: search by name, mark present or absent."""
    query = request.args.get("q", "")[:100]
    page = page_of(checkins.checkin_people(event, query), requested_page(request.args.get("page")))
    return render_template("organiser/checkin.html", event=event, query=query,
                           people=page.items, page=page,
                           counts=checkins.checkin_counts(event), scan_form=ScanForm(formdata=None),
                           confirm=ConfirmForm())


@bp.post("/events/<slug>/checkin/scan")
@own_event_view
def checkin_scan(event: Event):
    """Check in the person whose QR code was scanned (their private link)."""
    form = ScanForm()
    if not form.validate_on_submit():
        abort(400)
    person = checkins.attendee_from_scan(event, form.scan.data)
    if person is None:
        flash(_("That code is not a working private link of this event. Search for the name "
                "instead."), "error")
        return _back(event)
    if person.status == "withdrawn":
        flash(_("%(name)s has withdrawn. Open their page to register them again.", name=person.name),
              "error")
        return _back(event, person.name)
    checkins.check_in(person)
    flash(_("%(name)s is checked in.", name=person.name), "success")
    return _back(event)


@bp.post("/events/<slug>/checkin/<int:attendee_id>/<any(present, absent, undo):action>")
@own_event_view
def checkin_mark(event: Event, attendee_id: int, action: str):
    """Mark one person present or absent (a no-show), or undo a check-in."""
    person = event_attendee_or_404(event, attendee_id)
    if not ConfirmForm().validate_on_submit() or person.status == "withdrawn":
        abort(400)
    if action == "present":
        checkins.check_in(person)
        flash(_("%(name)s is checked in.", name=person.name), "success")
    elif action == "absent":
        checkins.mark_absent(person)
        flash(_("%(name)s is marked as a no-show. Rebuild the remaining rounds to give their "
                "partners someone else.", name=person.name), "info")
    else:
        checkins.undo_check_in(person)
        flash(_("Check-in of %(name)s undone.", name=person.name), "info")
    return _back(event, request.form.get("q", "")[:100])


@bp.route("/events/<slug>/checkin/absent-rest", methods=["GET", "POST"])
@own_event_view
def checkin_absent_rest(event: Event):
    """Mark everyone not checked in yet as a no-show, after a page that names them."""
    if request.method == "GET":
        people = checkins.not_checked_in(event)
        what = [ngettext("%(num)s person who has not checked in is marked as a no-show. Nobody is "
                         "mailed.",
                         "%(num)s people who have not checked in are marked as no-shows. Nobody is "
                         "mailed.", len(people)),
                _("The next rebuild of the remaining rounds leaves them out and gives their partners "
                  "someone else. Anyone who turns up after all is checked in with Arrived.")]
        return confirm_page(event, title=_("Mark the people not yet here as no-shows?"), what=what,
                            people=people, back=url_for("organiser.checkin", slug=event.slug),
                            button=ngettext("Mark %(num)s person as a no-show",
                                            "Mark %(num)s people as no-shows", len(people)),
                            danger=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = checkins.mark_rest_absent(event)
    flash(_("%(n)s people who had not checked in are marked as no-shows. Rebuild the remaining rounds "
            "to give their partners someone else.", n=count), "info")
    return _back(event)


@bp.app_template_global()
def organiser_can_check_in(attendee) -> bool:
    """True when the logged-in organiser runs this attendee's event: a phone that scanned the
    agenda card's QR code opens the attendee's page, which then offers "Check in"."""
    organiser = current_organiser()
    return organiser is not None and attendee.event.organiser_id == organiser.id

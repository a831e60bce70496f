"""Organiser privacy pages: the event's notice and retention, deleting an attendee or the
whole event (a confirmation page without JavaScript, then a POST with CSRF)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from .. import privacy, retention
from ..forms import ConfirmForm
from ..i18n import _
from ..models import Event
from ..security import event_attendee_or_404, own_event_view
from . import bp
from .forms import DeleteEventForm, PrivacySettingsForm


@bp.route("/events/<slug>/privacy", methods=["GET", "POST"])
@own_event_view
def privacy_settings(event: Event):
    """The event's privacy notice and how long personal data is kept."""
    form = PrivacySettingsForm(data=None if request.method == "POST" else {
        "notice": event.privacy_notice, "retention_days": event.retention_days})
    if form.validate_on_submit():
        changed = privacy.save_privacy_settings(event, form.notice.data, form.retention_days.data)
        flash(_("Privacy settings saved.") + (" " + _("New registrations agree to version %(v)s of "
              "the notice.", v=event.privacy_notice_version) if changed else ""), "success")
        return redirect(url_for("organiser.privacy_settings", slug=event.slug))
    return render_template(
        "organiser/privacy.html", event=event, form=form, default_notice=privacy.default_notice(event),
        erase_on=retention.erase_date(event), days=privacy.retention_days(event),
    ), 400 if form.is_submitted() else 200


@bp.route("/events/<slug>/attendees/<int:attendee_id>/delete", methods=["GET", "POST"])
@own_event_view
def delete_attendee(event: Event, attendee_id: int):
    """Confirm, then erase one attendee everywhere."""
    person = event_attendee_or_404(event, attendee_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = person.name
        privacy.erase_attendee(person)
        flash(_("%(name)s and all their data are deleted.", name=name), "success")
        return redirect(url_for("organiser.event", slug=event.slug))
    return render_template("organiser/delete_attendee.html", event=event, attendee=person,
                           form=form, preview=privacy.erasure_preview(person)
                           ), 400 if form.is_submitted() else 200


@bp.route("/events/<slug>/delete", methods=["GET", "POST"])
@own_event_view
def delete_event(event: Event):
    """Confirm by typing the event's address, then delete the event and everything in it."""
    form = DeleteEventForm()
    if form.validate_on_submit():
        if form.confirm_slug.data == event.slug:
            name = event.name
            privacy.delete_event(event)
            flash(_("The event %(name)s and all its data are deleted.", name=name), "success")
            return redirect(url_for("organiser.dashboard"))
        form.confirm_slug.errors.append(_("That is not this event's address (%(slug)s).",
                                          slug=event.slug))
    counts = {"attendees": len(event.attendees),
              "versions": len(retention.schedule_versions(event))}
    return render_template("organiser/delete_event.html", event=event, form=form,
                           counts=counts), 400 if form.is_submitted() else 200


@bp.app_template_global()
def retention_notice(event: Event):
    """The "personal data will be erased on …" banner of the organiser's event pages."""
    return retention.retention_notice(event)

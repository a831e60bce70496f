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
from .confirm import confirm_page
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


def _erasure_sentences(preview: privacy.ErasurePreview) -> list[str]:
    return [_("Their meetings (%(n)s) are cancelled; their partners see \"a cancelled meeting\".",
              n=preview.meetings),
            _("Emails to them (%(n)s) and their private links (%(links)s) are deleted, with "
              "everything else stored about them%(other)s.", n=preview.messages, links=preview.links,
              other="".join(f", {what} ({n})" for what, n in preview.other.items()))]


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
    what = [_("This deletes the registration of %(name)s (%(email)s) and everything they "
              "entered, for good and at once.", name=person.name, email=person.email),
            *_erasure_sentences(privacy.erasure_preview(person)),
            _("To keep them in the figures but out of the schedule, withdraw them instead.")]
    return confirm_page(
        event, title=_("Delete %(name)s?", name=person.name), what=what, danger=True, form=form,
        button=_("Delete %(name)s", name=person.name),
        back=url_for("organiser.attendee", slug=event.slug, attendee_id=person.id),
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
    what = [_("This deletes, for good and at once: the event, its rounds, topics and public page "
              "(%(path)s); all %(n)s attendees with everything they entered; %(versions)s "
              "schedule versions with their meetings and PDFs; every email of the event, sent "
              "or waiting.", path=url_for("attendee.event_page", slug=event.slug),
              n=len(event.attendees), versions=len(retention.schedule_versions(event))),
            _("Export the attendees (CSV) first if you need them.")]
    return confirm_page(
        event, title=_("Delete %(name)s?", name=event.name), what=what, danger=True, form=form,
        button=_("Delete this event and all its data"),
        back=url_for("organiser.privacy_settings", slug=event.slug),
    ), 400 if form.is_submitted() else 200


@bp.app_template_global()
def retention_notice(event: Event):
    """The "personal data will be erased on …" banner of the organiser's event pages."""
    return retention.retention_notice(event)

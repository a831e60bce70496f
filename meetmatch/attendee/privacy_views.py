"""Attendee privacy pages: the event's notice, "download my data", "delete me" and
"revoke all my links" (each a confirmation page and a POST; GET never changes anything)."""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for

from .. import privacy, registration
from ..forms import ConfirmForm
from ..i18n import _
from ..models import Event
from ..security import public_event_view
from . import bp
from .views import _attendee_for_link


@bp.get("/e/<slug>/privacy")
@public_event_view
def privacy_notice(event: Event):
    """The event's privacy notice (``?version=N``: an earlier one, as someone agreed to it)."""
    version = request.args.get("version", type=int)
    if version is not None and not 0 <= version <= event.privacy_notice_version:
        abort(404)
    text = privacy.notice_text(event, version)
    if text is None:
        abort(404)
    return render_template("attendee/privacy.html", event=event, text=text,
                           version=event.privacy_notice_version if version is None else version,
                           current=version in (None, event.privacy_notice_version))


@bp.get("/e/<slug>/manage/<token>/data.json")
@public_event_view
def download_data(event: Event, token: str):
    """Everything stored about the attendee, as a JSON file."""
    attendee = _attendee_for_link(event, token)
    body = json.dumps(privacy.attendee_data(attendee), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{event.slug}-my-data.json"'})


def _confirmed(event: Event, token: str, template: str, do, done: str, category: str,
               **page_values):
    """A manage-link action behind its confirmation page: GET (or a POST without a valid
    token) shows ``template``; a confirmed POST runs ``do(attendee)``, says ``done`` and goes
    to the event page (the link may have stopped working)."""
    attendee = _attendee_for_link(event, token)
    form = ConfirmForm()
    if form.validate_on_submit():
        do(attendee)
        flash(done, category)
        return redirect(url_for("attendee.event_page", slug=event.slug))
    values = {k: v(attendee) if callable(v) else v for k, v in page_values.items()}
    return render_template(template, event=event, attendee=attendee, form=form, token=token,
                           **values), 400 if form.is_submitted() else 200


@bp.route("/e/<slug>/manage/<token>/delete", methods=["GET", "POST"])
@public_event_view
def delete_me(event: Event, token: str):
    """Confirm, then erase the attendee everywhere."""
    return _confirmed(event, token, "attendee/delete_me.html", privacy.erase_attendee,
                      _("Your registration and everything we stored about you are deleted."),
                      "success", preview=privacy.erasure_preview)


@bp.route("/e/<slug>/manage/<token>/revoke-links", methods=["GET", "POST"])
@public_event_view
def revoke_links(event: Event, token: str):
    """Confirm, then make every private link stop working and mail one new link."""
    return _confirmed(event, token, "attendee/revoke_links.html", registration.revoke_all_links,
                      _("All your private links have stopped working, this one included. We "
                        "have emailed you a new one."), "info")


@bp.app_template_global()
def notice_version(event: Event, version: int | None = None) -> str:
    """A privacy notice version as consents record it ("e2", or the default's "2026-11")."""
    return registration.consent_version(event, version)

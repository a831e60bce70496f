"""The event's logo: upload (checked by content, size-limited, re-encoded) and remove."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from ..event_logo import MAX_UPLOAD_BYTES, LogoError, remove_event_logo, set_event_logo
from ..forms import ConfirmForm
from ..i18n import gettext, lazy_gettext
from ..models import Event
from ..security import own_event_view
from . import bp
from .confirm import confirm_page


class LogoForm(FlaskForm):
    image = FileField(lazy_gettext("Logo image"), validators=[FileRequired(lazy_gettext("Choose an image file."))],
                      description=lazy_gettext("PNG, JPEG, GIF or WebP, at most 1 MB. It is shown at most "
                                     "800 × 300 pixels on the event page, print pages and mail."))
    submit = SubmitField(lazy_gettext("Upload logo"))


@bp.route("/events/<slug>/logo", methods=["GET", "POST"])
@own_event_view
def event_logo(event: Event):
    """Upload or replace the event's logo."""
    form = LogoForm()
    if form.validate_on_submit():
        upload = form.image.data
        try:
            # a byte past the limit is enough to know the file is too large
            data = upload.read(MAX_UPLOAD_BYTES + 1)
        finally:
            upload.close()  # a large upload is a temporary file: give it back now
        try:
            set_event_logo(event, data)
        except LogoError as error:
            form.image.errors.append(str(error))
        else:
            flash(gettext("The logo is saved. It shows on the event page, print pages and mail."), "success")
            return redirect(url_for("organiser.event_logo", slug=event.slug))
    return render_template("organiser/event_logo.html", event=event, form=form,
                           confirm=ConfirmForm()), 400 if form.is_submitted() else 200


@bp.route("/events/<slug>/logo/remove", methods=["GET", "POST"])
@own_event_view
def remove_logo(event: Event):
    """Remove the logo, after a page that says where it disappears from."""
    if request.method == "GET":
        return confirm_page(event, title=gettext("Remove the logo?"),
                            what=[gettext("The logo disappears from the public page, the printouts "
                                          "and emails sent from now on. You can upload it again.")],
                            back=url_for("organiser.event_logo", slug=event.slug),
                            button=gettext("Remove the logo"), danger=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    remove_event_logo(event)
    flash(gettext("The logo is removed."), "info")
    return redirect(url_for("organiser.event_logo", slug=event.slug))

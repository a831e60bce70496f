"""The event's mail that has not gone out: failed, stuck or retrying, with a resend button."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from .. import mail
from ..extensions import db
from ..forms import ConfirmForm
from ..i18n import _, lazy_gettext, status_label
from ..models import OutboxMessage
from ..security import login_required, own_event_or_404
from . import bp
from .confirm import confirm_page

KIND_LABELS = {
    "registration_confirmation": lazy_gettext("Registration confirmation"),
    "manage_link": lazy_gettext("Manage link"),
    "schedule": lazy_gettext("Schedule"),
    "schedule_update": lazy_gettext("Schedule update"),
    "schedule_welcome": lazy_gettext("Welcome with schedule"),
    "schedule_test": lazy_gettext("Test copy"),
}
SCHEDULE_KINDS = ("schedule", "schedule_update", "schedule_welcome", "schedule_test")


def mail_kind_label(kind: str) -> str:
    """What kind of email a message is, in the page's language."""
    return str(KIND_LABELS.get(kind, kind.replace("_", " ").capitalize()))


@bp.app_context_processor
def undelivered_mail_helpers():
    """Pages with an event show its undelivered mail (the nav, the schedule's mail page)."""
    return {
        "undelivered_mail": mail.undelivered_messages,
        "count_undelivered_mail": mail.count_undelivered,
        "mail_kind_label": mail_kind_label,
        "mail_is_stuck": mail.is_stuck,
        "SCHEDULE_MAIL_KINDS": SCHEDULE_KINDS,
    }


@bp.get("/events/<slug>/mail")
@login_required
def undelivered_mail(slug: str):
    """Mail of this event that failed, is stuck or waits for another try."""
    event = own_event_or_404(slug)
    return render_template("organiser/undelivered_mail.html", event=event,
                           messages=mail.undelivered_messages(event.id))


@bp.get("/events/<slug>/mail/resend")
@login_required
def confirm_resend_message(slug: str):
    """Ask first: say who gets which email again (it mails a person)."""
    event = own_event_or_404(slug)
    message = _message_of(event, request.args.get("message_id", type=int))
    kind = mail_kind_label(message.kind)
    what = [_("The email “%(kind)s” to %(name)s <%(address)s> is sent again now.",
              kind=kind, name=message.to_name or message.to_addr, address=message.to_addr),
            _("Nobody else gets mail.")]
    return confirm_page(event, title=_("Send this email again?"), what=what, button=_("Resend"),
                        back=url_for("organiser.undelivered_mail", slug=event.slug),
                        hidden={"message_id": str(message.id)})


def _message_of(event, message_id: int | None) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id) if message_id else None
    if message is None or message.event_id != event.id:
        abort(404)
    return message


@bp.post("/events/<slug>/mail/resend")
@login_required
def resend_message(slug: str):
    """Send one undelivered message (``message_id`` in the form) again now."""
    event = own_event_or_404(slug)
    message = _message_of(event, request.form.get("message_id", type=int))
    if not ConfirmForm().validate_on_submit():
        abort(404)
    if mail.can_requeue(message):
        mail.requeue_message(message)
        db.session.commit()
        flash(_("The email to %(address)s is queued again.", address=message.to_addr), "success")
    else:
        flash(_("The email to %(address)s is already %(status)s; nothing to resend.",
                address=message.to_addr, status=status_label(message.status)), "info")
    return redirect(url_for("organiser.undelivered_mail", slug=event.slug))

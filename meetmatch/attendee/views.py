"""Attendee views: thin wrappers over ``registration`` services."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from .. import registration
from ..extensions import limiter
from ..forms import ConfirmForm
from ..i18n import _, chosen_language, current_language, use_attendee
from ..models import Event
from ..schedules.free_rounds import published_free_rounds
from ..schedules.review import published_agenda
from ..schedules.versions import registered_after_published
from ..security import public_event_view
from . import bp
from .dead_link import dead_link_page
from .forms import EditForm, RegistrationForm, ResendForm


def _register_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


def _resend_limit() -> str:
    return current_app.config["RATELIMIT_RESEND"]


def _post_only(request_method: str) -> bool:
    return request_method != "POST"


@bp.get("/")
def index():
    """Landing page."""
    return render_template("attendee/index.html")


@bp.get("/e/<slug>")
@public_event_view
def event_page(event: Event):
    """The public event page organisers share."""
    return render_template("attendee/event.html", event=event)


@bp.route("/e/<slug>/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, exempt_when=lambda: _post_only(request.method))
@public_event_view
def register(event: Event):
    """Registration form."""
    form = RegistrationForm()
    form.set_event_choices(event)
    if not event.registration_open:
        return render_template("attendee/closed.html", event=event), 403 if request.method == "POST" else 200
    if form.validate_on_submit():
        # A known email gets its link mailed instead; the answer is the same either way, so
        # the form never tells anyone who is registered.
        registration.register_attendee(event, form.data, language=current_language())
        return redirect(url_for("attendee.registered", slug=event.slug))
    status = 400 if form.is_submitted() else 200
    return render_template("attendee/register.html", event=event, form=form), status


@bp.get("/e/<slug>/registered")
@public_event_view
def registered(event: Event):
    """Confirmation page after a successful registration."""
    return render_template("attendee/registered.html", event=event)


@bp.route("/e/<slug>/link", methods=["GET", "POST"])
@limiter.limit(_resend_limit, exempt_when=lambda: _post_only(request.method))
@public_event_view
def resend_link(event: Event):
    """Re-send the private manage link; the answer is the same whether or not the email exists."""
    form = ResendForm()
    if form.validate_on_submit():
        registration.resend_manage_link(event, form.email.data)
        flash(_("If you are registered for this event, we have sent a new private link to that "
                "address."), "info")
        return redirect(url_for("attendee.event_page", slug=event.slug))
    status = 400 if form.is_submitted() else 200
    return render_template("attendee/resend.html", event=event, form=form), status


def _attendee_for_link(event: Event, token: str):
    attendee = registration.attendee_for_token(event, token)
    if attendee is None:
        abort(dead_link_page(event, token))
    if (choice := chosen_language()) and choice != attendee.language:
        registration.set_language(attendee, choice)  # their mail follows the switch too
    use_attendee(attendee)
    return attendee


@bp.route("/e/<slug>/manage/<token>", methods=["GET", "POST"])
@public_event_view
def manage(event: Event, token: str):
    """View and edit one's registration (GET never changes anything)."""
    attendee = _attendee_for_link(event, token)
    form = EditForm(data=None if request.method == "POST" else registration.profile_data(attendee))
    form.set_event_choices(event)
    if form.validate_on_submit():
        registration.update_attendee(attendee, form.data)
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("attendee.manage", slug=event.slug, token=token))
    status = 400 if form.is_submitted() else 200
    agenda = published_agenda(attendee)
    return render_template(
        "attendee/manage.html", event=event, attendee=attendee, form=form, token=token,
        confirm=ConfirmForm(), agenda=agenda, free_rounds=published_free_rounds(attendee, agenda),
        # no meeting because the published schedule was made before they registered
        registered_after=agenda == [] and registered_after_published(attendee),
    ), status


@bp.route("/e/<slug>/manage/<token>/withdraw", methods=["GET", "POST"])
@public_event_view
def withdraw(event: Event, token: str):
    """Withdraw one's registration, after a page that says what that means."""
    attendee = _attendee_for_link(event, token)
    if request.method == "GET":
        return render_template("attendee/withdraw.html", event=event, attendee=attendee,
                               token=token, confirm=ConfirmForm())
    if ConfirmForm().validate_on_submit():
        registration.set_status(attendee, "withdrawn")
        flash(_("Your registration is withdrawn. You will not be matched. Changed your mind? "
                "Use the button below to register again."), "info")
    return redirect(url_for("attendee.manage", slug=event.slug, token=token))


@bp.post("/e/<slug>/manage/<token>/reactivate")
@public_event_view
def reactivate(event: Event, token: str):
    """Undo a withdrawal."""
    attendee = _attendee_for_link(event, token)
    if ConfirmForm().validate_on_submit():
        registration.set_status(attendee, "registered")
        flash(_("Welcome back: your registration is active again."), "success")
    return redirect(url_for("attendee.manage", slug=event.slug, token=token))

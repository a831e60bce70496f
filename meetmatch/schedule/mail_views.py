"""Send schedules and updates, and follow each attendee's message."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, url_for

from ..forms import ConfirmForm
from ..models import Event, ScheduleVersion
from ..registration import active_attendees_by_name
from ..schedules import mail as schedule_mail
from ..schedules import versions
from ..security import current_organiser, event_attendee_or_404, own_event_view
from . import bp
from .forms import TestCopyForm


def _test_form(event: Event) -> TestCopyForm:
    form = TestCopyForm()
    form.attendee.choices = [(a.id, a.name) for a in active_attendees_by_name(event)]
    return form


def _back_to_status(version: ScheduleVersion):
    return redirect(url_for("schedule.mail_status", slug=version.event.slug, number=version.number))


@bp.get("/v/<int:number>/mail")
@own_event_view
def mail_status(event: Event, version: ScheduleVersion):
    """Queued / sent / failed per attendee, with resend and a test copy."""
    people = active_attendees_by_name(event)
    messages = schedule_mail.messages_for(version)
    updates = schedule_mail.messages_for(version, "update")
    failed = [a for a in people if (m := messages.get(a.id)) is not None and m.status == "failed"]
    return render_template("organiser/schedule_mail.html", event=event, version=version, people=people,
                           messages=messages, updates=updates, failed=failed, confirm=ConfirmForm(),
                           test_form=_test_form(event),
                           previous=versions.previous_published(version))


def _send(version: ScheduleVersion, send: Callable[[ScheduleVersion], int], done: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        count = send(version)
    except schedule_mail.SendRefused as refused:
        flash(str(refused), "error")
    else:
        flash(done.format(count=count), "success")
    return _back_to_status(version)


@bp.post("/v/<int:number>/send")
@own_event_view
def send(event: Event, version: ScheduleVersion):  # noqa: ARG001
    """Queue every attendee's schedule (once per version)."""
    return _send(version, schedule_mail.send_schedules,
                 "Queued {count} new schedule email(s); nobody gets the same version twice.")


@bp.post("/v/<int:number>/send-updates")
@own_event_view
def send_updates(event: Event, version: ScheduleVersion):  # noqa: ARG001
    """Email only the attendees whose meetings changed."""
    return _send(version, schedule_mail.send_updates,
                 "Queued {count} update email(s) to attendees whose meetings changed.")


@bp.post("/v/<int:number>/resend/<int:attendee_id>")
@own_event_view
def resend(event: Event, version: ScheduleVersion, attendee_id: int):
    """Send one person's schedule again."""
    person = event_attendee_or_404(event, attendee_id)
    if not ConfirmForm().validate_on_submit():
        abort(404)
    try:
        schedule_mail.resend_schedule(version, person)
    except schedule_mail.SendRefused as refused:
        flash(str(refused), "error")
    else:
        flash(f"{person.name}'s schedule is queued again.", "success")
    return _back_to_status(version)


@bp.post("/v/<int:number>/test-copy")
@own_event_view
def test_copy(event: Event, version: ScheduleVersion):
    """Send the organiser a copy of one attendee's email."""
    form = _test_form(event)
    if form.validate_on_submit():
        person = event_attendee_or_404(event, form.attendee.data)
        organiser = current_organiser()
        schedule_mail.send_test_copy(version, person, organiser.email, organiser.name)
        flash(f"A test copy of {person.name}'s email is on its way to {organiser.email}.", "success")
    return _back_to_status(version)

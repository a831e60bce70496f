"""Send schedules and updates, and follow each attendee's message."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from ..extensions import db
from ..forms import ConfirmForm
from ..models import Attendee
from ..registration import active_attendees_by_name
from ..schedules import mail as schedule_mail
from ..schedules import versions
from ..security import current_organiser, event_attendee_or_404, login_required, own_event_or_404
from . import bp
from .forms import TestCopyForm
from .views import version_or_404


def _test_form(event) -> TestCopyForm:
    form = TestCopyForm()
    form.attendee.choices = [(a.id, a.name) for a in active_attendees_by_name(event)]
    return form


@bp.get("/v/<int:number>/mail")
@login_required
def mail_status(slug: str, number: int):
    """Queued / sent / failed per attendee, with resend and a test copy."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    people = active_attendees_by_name(event)
    messages = schedule_mail.messages_for(found)
    updates = schedule_mail.messages_for(found, "update")
    failed = [a for a in people if (m := messages.get(a.id)) is not None and m.status == "failed"]
    return render_template("organiser/schedule_mail.html", event=event, version=found, people=people,
                           messages=messages, updates=updates, failed=failed, confirm=ConfirmForm(),
                           test_form=_test_form(event),
                           previous=versions.previous_published(found))


def _send(slug: str, number: int, action, done: str):
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        count = action(found)
    except schedule_mail.SendRefused as refused:
        flash(str(refused), "error")
    else:
        flash(done.format(count=count), "success")
    return redirect(url_for("schedule.mail_status", slug=event.slug, number=found.number))


@bp.post("/v/<int:number>/send")
@login_required
def send(slug: str, number: int):
    """Queue every attendee's schedule (once per version)."""
    return _send(slug, number, schedule_mail.send_schedules,
                 "Queued {count} new schedule email(s); nobody gets the same version twice.")


@bp.post("/v/<int:number>/send-updates")
@login_required
def send_updates(slug: str, number: int):
    """Email only the attendees whose meetings changed."""
    return _send(slug, number, schedule_mail.send_updates,
                 "Queued {count} update email(s) to attendees whose meetings changed.")


@bp.post("/v/<int:number>/resend/<int:attendee_id>")
@login_required
def resend(slug: str, number: int, attendee_id: int):
    """Send one person's schedule again."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    person = event_attendee_or_404(event, attendee_id)
    if not ConfirmForm().validate_on_submit():
        abort(404)
    try:
        schedule_mail.resend_schedule(found, person)
    except schedule_mail.SendRefused as refused:
        flash(str(refused), "error")
    else:
        flash(f"{person.name}'s schedule is queued again.", "success")
    return redirect(url_for("schedule.mail_status", slug=slug, number=number))


@bp.post("/v/<int:number>/test-copy")
@login_required
def test_copy(slug: str, number: int):
    """Send the organiser a copy of one attendee's email."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    form = _test_form(event)
    if form.validate_on_submit():
        person = db.session.get(Attendee, form.attendee.data)
        organiser = current_organiser()
        schedule_mail.send_test_copy(found, person, organiser.email, organiser.name)
        flash(f"A test copy of {person.name}'s email is on its way to {organiser.email}.", "success")
    return redirect(url_for("schedule.mail_status", slug=slug, number=number))

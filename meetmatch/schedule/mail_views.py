"""Send schedules and updates, and follow each attendee's message."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for

from ..forms import ConfirmForm
from ..i18n import _, ngettext
from ..models import Event, ScheduleVersion
from ..organiser.confirm import confirm_page
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
                           earlier=schedule_mail.had_earlier_schedule(version),
                           test_form=_test_form(event),
                           previous=versions.previous_published(version),
                           to_update=schedule_mail.update_recipients(version),
                           to_send=schedule_mail.schedule_recipients(version))


def _send(version: ScheduleVersion, send: Callable[[ScheduleVersion], int],
          done: Callable[[int], str]):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        count = send(version)
    except schedule_mail.SendRefused as refused:
        flash(str(refused), "error")
    else:
        flash(done(count), "success")
    return _back_to_status(version)


def _back_url(version: ScheduleVersion) -> str:
    return url_for("schedule.mail_status", slug=version.event.slug, number=version.number)


def _people(n: int) -> str:
    return ngettext("%(num)s person", "%(num)s people", n)


@bp.route("/v/<int:number>/send", methods=["GET", "POST"])
@own_event_view
def send(event: Event, version: ScheduleVersion):
    """Queue every attendee's schedule (once per version), after a confirmation page."""
    if request.method == "GET":
        people = schedule_mail.schedule_recipients(version)
        what = [_("This emails the full schedule of version %(number)s to %(people)s.",
                  number=version.number, people=_people(len(people)))]
        if versions.previous_published(version):
            what.append(_("Everyone gets it, also those whose meetings did not change. To tell only "
                          "the people whose meetings changed, go back and send updates instead."))
        if not people:
            what = [_("Everyone already has this version's schedule email; nobody gets it twice.")]
        return confirm_page(event, title=_("Send the full schedule to everyone?"), what=what,
                            people=people, back=_back_url(version),
                            button=_("Email %(people)s", people=_people(len(people))))
    return _send(version, schedule_mail.send_schedules,
                 lambda n: _("Queued %(num)s new schedule email(s); nobody gets the same "
                             "version twice.", num=n))


@bp.route("/v/<int:number>/send-updates", methods=["GET", "POST"])
@own_event_view
def send_updates(event: Event, version: ScheduleVersion):
    """Email only the attendees whose meetings changed, after a confirmation page."""
    if request.method == "GET":
        people = schedule_mail.update_recipients(version)
        old = versions.previous_published(version)
        what = [_("This emails %(people)s whose meetings changed since version %(number)s: what is "
                  "new, what is no longer planned, and their full schedule. Their calendar entries "
                  "are updated, and dropped meetings are removed from their calendars. Nobody "
                  "else gets mail.", people=_people(len(people)), number=old.number if old else "—")]
        return confirm_page(event, title=_("Send updates?"), what=what, people=people,
                            back=_back_url(version),
                            button=_("Email %(people)s", people=_people(len(people))))
    return _send(version, schedule_mail.send_updates,
                 lambda n: _("Queued %(num)s update email(s) to attendees whose meetings "
                             "changed.", num=n))


@bp.route("/v/<int:number>/resend/<int:attendee_id>", methods=["GET", "POST"])
@own_event_view
def resend(event: Event, version: ScheduleVersion, attendee_id: int):
    """Send one person's schedule again, after a confirmation page."""
    person = event_attendee_or_404(event, attendee_id)
    if request.method == "GET":
        return confirm_page(event, title=_("Send %(name)s's schedule again?", name=person.name),
                            what=[_("This emails version %(number)s of %(name)s's schedule to "
                                    "%(email)s once more.", number=version.number,
                                    name=person.name, email=person.email)],
                            back=_back_url(version), button=_("Send it again"))
    if not ConfirmForm().validate_on_submit():
        abort(404)
    try:
        schedule_mail.resend_schedule(version, person)
    except schedule_mail.SendRefused as refused:
        flash(str(refused), "error")
    else:
        flash(_("The schedule of %(name)s is queued again.", name=person.name), "success")
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
        flash(_("A test copy of the email to %(name)s is on its way to %(email)s.",
                name=person.name, email=organiser.email), "success")
    return _back_to_status(version)

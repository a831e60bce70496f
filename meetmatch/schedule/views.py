"""Build, progress, review, adjust and publish schedule versions."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, url_for

from .. import jobs
from ..extensions import db
from ..forms import ConfirmForm
from ..models import Event, Job, Meeting, ScheduleVersion
from ..registration import active_attendees_by_name
from ..schedules import adjust as adjustments
from ..schedules import engine_io, pdf, review, versions
from ..security import event_attendee_or_404, login_required, own_event_or_404
from . import bp
from .forms import AddMeetingForm, BuildForm, MoveForm, RebuildForm


def version_or_404(event: Event, number: int) -> ScheduleVersion:
    version = versions.version_by_number(event, number)
    if version is None:
        abort(404)
    return version


def _rebuild_form(event: Event) -> RebuildForm:
    form = RebuildForm()
    form.held_rounds.choices = [(n, f"Rounds 1–{n}" if n > 1 else "Round 1")
                                for n in range(1, len(event.rounds))] or [(0, "None")]
    return form


@bp.get("/")
@login_required
def index(slug: str):
    """Schedule versions, the current build, and the build button."""
    event = own_event_or_404(slug)
    all_versions = versions.versions_of(event)
    return render_template(
        "organiser/schedule.html", event=event, versions=all_versions,
        job=jobs.latest_job(event.id, "build_schedule"), form=BuildForm(),
        rebuild=_rebuild_form(event), published=versions.published_version(event.id),
        fingerprint=engine_io.current_fingerprint(event), confirm=ConfirmForm())


def _enqueue(event: Event, params: dict):
    job, created = jobs.enqueue_job(event.id, "build_schedule", params)
    if not created:
        flash("A build is already running for this event; here is its progress.", "info")
    return redirect(url_for("schedule.job", slug=event.slug, job_id=job.id))


@bp.post("/build")
@login_required
def build(slug: str):
    """Queue a build in the background worker (one per event at a time)."""
    event = own_event_or_404(slug)
    form = BuildForm()
    if not form.validate_on_submit():
        flash("The time limit must be between 1 and 600 seconds.", "error")
        return redirect(url_for("schedule.index", slug=slug))
    return _enqueue(event, {"time_limit": form.time_limit.data})


@bp.post("/rebuild")
@login_required
def rebuild(slug: str):
    """Rebuild the remaining rounds of the published schedule."""
    event = own_event_or_404(slug)
    form = _rebuild_form(event)
    published = versions.published_version(event.id)
    if published is None:
        flash("Publish a schedule first; a rebuild keeps the published rounds that were held.", "error")
        return redirect(url_for("schedule.index", slug=slug))
    if not form.validate_on_submit():
        flash("Choose how many rounds were held.", "error")
        return redirect(url_for("schedule.index", slug=slug))
    return _enqueue(event, {"time_limit": form.time_limit.data, "held_rounds": form.held_rounds.data,
                            "based_on_id": published.id})


@bp.get("/jobs/<int:job_id>")
@login_required
def job(slug: str, job_id: int):
    """Progress of a build: state, elapsed time, best score and bound."""
    event = own_event_or_404(slug)
    found = db.session.get(Job, job_id)
    if found is None or found.event_id != event.id:
        abort(404)
    version = db.session.get(ScheduleVersion, found.version_id) if found.version_id else None
    base = db.session.get(ScheduleVersion, version.based_on_id) if version and version.based_on_id else None
    changed = versions.count_changed_meetings(base, version) if base else None
    return render_template("organiser/schedule_job.html", event=event, job=found, version=version,
                           base=base, changed=changed,
                           kept=versions.details_of(version).get("kept", 0) if version else 0,
                           progress=json.loads(found.progress or "{}"),
                           params=json.loads(found.params or "{}"))


@bp.get("/v/<int:number>")
@login_required
def version(slug: str, number: int):
    """One version: summary, then every round table by table."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    return render_template("organiser/schedule_version.html", event=event, version=found,
                           summary=review.summary(event, found), rounds=review.by_round(event, found),
                           confirm=ConfirmForm(), tab="rounds",
                           fingerprint=engine_io.current_fingerprint(event))


@bp.get("/v/<int:number>/attendees")
@login_required
def by_attendee(slug: str, number: int):
    """One version, person by person."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    return render_template("organiser/schedule_attendees.html", event=event, version=found,
                           people=review.by_attendee(event, found), tab="attendees")


@bp.post("/v/<int:number>/publish")
@login_required
def publish(slug: str, number: int):
    """Publish a draft: attendees see it on their manage page."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    if ConfirmForm().validate_on_submit():
        versions.publish_version(found)
        pdf.queue_pdf_render(found)  # ready by the time the organiser goes to print
        flash(f"Version {found.number} is published. Attendees can see it now; send it by email "
              "from the Send page.", "success")
    return redirect(url_for("schedule.version", slug=slug, number=number))


@bp.post("/v/<int:number>/copy")
@login_required
def copy(slug: str, number: int):
    """Copy a version to a new draft (to adjust a published schedule)."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    draft = versions.copy_to_draft(found)
    flash(f"Draft version {draft.number} is a copy of version {found.number}.", "success")
    return redirect(url_for("schedule.adjust", slug=slug, number=draft.number))


def _meeting_or_404(found: ScheduleVersion, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.version_id != found.id:
        abort(404)
    return meeting


def _add_form(event: Event) -> AddMeetingForm:
    form = AddMeetingForm()
    choices = [(a.id, f"{a.name} ({a.organisation})" if a.organisation else a.name)
               for a in active_attendees_by_name(event)]
    form.attendee_a.choices = form.attendee_b.choices = choices
    return form


@bp.get("/v/<int:number>/adjust")
@login_required
def adjust(slug: str, number: int):
    """Hand adjustments of a draft: cancel, move, add."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    return render_template("organiser/schedule_adjust.html", event=event, version=found,
                           rounds=review.by_round(event, found), add_form=_add_form(event),
                           move_form=MoveForm(formdata=None), confirm=ConfirmForm())


def _adjusted(slug: str, number: int, action):
    try:
        message = action()
    except adjustments.AdjustmentRefused as refused:
        flash(f"Not changed: {refused}", "error")
    else:
        flash(message, "success")
    return redirect(url_for("schedule.adjust", slug=slug, number=number))


@bp.post("/v/<int:number>/meetings/<int:meeting_id>/cancel")
@login_required
def cancel_meeting(slug: str, number: int, meeting_id: int):
    """Cancel one meeting of a draft."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    meeting = _meeting_or_404(found, meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    names = f"{meeting.attendee_a.name} and {meeting.attendee_b.name}"
    return _adjusted(slug, number, lambda: (adjustments.cancel_meeting(found, meeting),
                                            f"Cancelled the meeting of {names}.")[1])


@bp.post("/v/<int:number>/meetings/<int:meeting_id>/move")
@login_required
def move_meeting(slug: str, number: int, meeting_id: int):
    """Move a meeting to another round or table."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    meeting = _meeting_or_404(found, meeting_id)
    form = MoveForm()
    if not form.validate_on_submit():
        flash("Not changed: give a round and a table number.", "error")
        return redirect(url_for("schedule.adjust", slug=slug, number=number))
    r, t = form.round_number.data, form.table_number.data
    return _adjusted(slug, number, lambda: (adjustments.move_meeting(found, meeting, r, t),
                                            f"Moved to round {r}, {event.table_label(t)}.")[1])


@bp.post("/v/<int:number>/meetings/add")
@login_required
def add_meeting(slug: str, number: int):
    """Add a meeting between two free people."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    form = _add_form(event)
    if not form.validate_on_submit():
        flash("Not changed: choose two people, a round and a table.", "error")
        return redirect(url_for("schedule.adjust", slug=slug, number=number))
    a = event_attendee_or_404(event, form.attendee_a.data)
    b = event_attendee_or_404(event, form.attendee_b.data)
    r, t = form.round_number.data, form.table_number.data
    return _adjusted(slug, number, lambda: (adjustments.add_meeting(found, a, b, r, t),
                                            f"Added {a.name} and {b.name} in round {r}.")[1])


@bp.get("/compare/<int:number>")
@login_required
def changes(slug: str, number: int):
    """Who changed between the previous published version and this one."""
    event = own_event_or_404(slug)
    found = version_or_404(event, number)
    old = versions.previous_published(found) if found.status == "published" else \
        versions.published_version(event.id)
    diff = versions.changes_between(old, found) if old else {}
    people = {a.id: a for a in event.attendees}
    return render_template("organiser/schedule_changes.html", event=event, version=found, old=old,
                           diff=diff, people=people,
                           changed_meetings=versions.count_changed_meetings(old, found) if old else None)

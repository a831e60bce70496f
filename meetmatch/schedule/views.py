"""Build, progress, review, adjust and publish schedule versions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for

from .. import jobs
from ..extensions import db
from ..forms import ConfirmForm
from ..i18n import _, ngettext
from ..models import Event, Job, SavedMeeting, ScheduleVersion
from ..organiser.confirm import confirm_page
from ..paging import page_of, requested_page
from ..registration import active_attendees_by_name
from ..schedules import adjust, engine_io, pdf, review, versions
from ..schedules.jobs import BUILD_SCHEDULE
from ..security import event_attendee_or_404, own_event_view
from . import bp
from .forms import AddMeetingForm, AddThirdForm, BuildForm, MoveForm, RebuildForm


def _rebuild_form(event: Event) -> RebuildForm:
    form = RebuildForm()
    # "None yet" (before the event): nothing is fixed but the published meetings that still fit
    form.held_rounds.choices = [(0, _("None yet"))] + [
        (n, _("Rounds 1–%(n)s", n=n) if n > 1 else _("Round %(n)s", n=1)) for n in range(1, len(event.rounds))]
    if not form.is_submitted():  # preselect the rounds the clock says are over
        form.held_rounds.data = max(0, min(review.rounds_over(event), len(event.rounds) - 1))
    return form


@bp.get("/")
@own_event_view
def index(event: Event):
    """Schedule versions, the current build, and the build button."""
    published = versions.published_version(event.id)
    all_versions = versions.versions_of(event)
    return render_template(
        "organiser/schedule.html", event=event, versions=all_versions,
        rebuilds={v.id for v in all_versions if versions.is_rebuild(v)},
        rounds_over=review.rounds_over(event),
        job=jobs.latest_job(event.id, BUILD_SCHEDULE), form=BuildForm(),
        rebuild=_rebuild_form(event), published=published,
        registered_after=versions.registered_after(event, published) if published else [],
        fingerprint=engine_io.current_fingerprint(event), confirm=ConfirmForm())


def _enqueue(event: Event, params: dict):
    job, created = jobs.enqueue_job(event.id, BUILD_SCHEDULE, params)
    if not created:
        flash(_("A build is already running for this event; here is its progress."), "info")
    return redirect(url_for("schedule.job", slug=event.slug, job_id=job.id))


@bp.route("/build", methods=["GET", "POST"])
@own_event_view
def build(event: Event):
    """Queue a build in the background worker (one per event at a time); once a schedule is
    published, a GET first asks whether to start from scratch."""
    form = BuildForm()
    if request.method == "GET":
        published = versions.published_version(event.id)
        what = [_("This builds a new draft from scratch, as if no round had been held: every "
                  "attendee's meetings may change, also in rounds that are over.")]
        if published:
            what.append(_("The published version %(number)s stays as it is until you publish the "
                          "new draft. On the day, rebuilding the remaining rounds is usually what "
                          "you want: it keeps the rounds already held.", number=published.number))
        return confirm_page(event, title=_("Build a new schedule from scratch?"), what=what,
                            back=url_for("schedule.index", slug=event.slug),
                            button=_("Build from scratch"), form=form)
    if not form.validate_on_submit():
        flash(_("The time limit must be between 1 and 600 seconds."), "error")
        return redirect(url_for("schedule.index", slug=event.slug))
    return _enqueue(event, {"time_limit": form.time_limit.data})


@bp.post("/rebuild")
@own_event_view
def rebuild(event: Event):
    """Rebuild the remaining rounds of the published schedule."""
    form = _rebuild_form(event)
    published = versions.published_version(event.id)
    if published is None:
        flash(_("Publish a schedule first; a rebuild keeps the published rounds that were held."), "error")
        return redirect(url_for("schedule.index", slug=event.slug))
    if not form.validate_on_submit():
        flash(_("Choose how many rounds were held."), "error")
        return redirect(url_for("schedule.index", slug=event.slug))
    return _enqueue(event, {"time_limit": form.time_limit.data, "held_rounds": form.held_rounds.data,
                            "based_on_id": published.id})


@bp.get("/jobs/<int:job_id>")
@own_event_view
def job(event: Event, job_id: int):
    """Progress of a build: state, elapsed time, best score and bound."""
    found = db.session.get(Job, job_id)
    if found is None or found.event_id != event.id or found.kind != BUILD_SCHEDULE:
        abort(404)
    version = found.version
    base = db.session.get(ScheduleVersion, version.based_on_id) if version and version.based_on_id else None
    changed, dropped = versions.count_meeting_changes(base, version) if base else (None, None)
    details = versions.details_of(version) if version else {}
    return render_template("organiser/schedule_job.html", event=event, job=found, version=version,
                           base=base, changed=changed, dropped=dropped,
                           sentence=review.summary(event, version)["sentence"] if version else "",
                           kept=details.get("kept", 0), notes=details.get("notes", []),
                           progress=found.progress or {}, params=found.params or {})


@bp.get("/v/<int:number>")
@own_event_view
def version(event: Event, version: ScheduleVersion):
    """One version: summary, then every round table by table."""
    published = versions.published_version(event.id)
    return render_template("organiser/schedule_version.html", event=event, version=version,
                           registered_after=versions.registered_after(event, version)
                           if published is not None and published.id == version.id else [],
                           published=published, rebuilt=versions.is_rebuild(version),
                           summary=review.summary(event, version), rounds=review.by_round(event, version),
                           confirm=ConfirmForm(), tab="rounds",
                           fingerprint=engine_io.current_fingerprint(event))


@bp.get("/v/<int:number>/attendees")
@own_event_view
def by_attendee(event: Event, version: ScheduleVersion):
    """One version, person by person."""
    page = page_of(review.by_attendee(event, version), requested_page(request.args.get("page")))
    return render_template("organiser/schedule_attendees.html", event=event, version=version,
                           people=page.items, page=page, tab="attendees")


@bp.route("/v/<int:number>/publish", methods=["GET", "POST"])
@own_event_view
def publish(event: Event, version: ScheduleVersion):
    """Publish a draft (attendees see it on their manage page), after a confirmation page."""
    if request.method == "GET":
        current = versions.published_version(event.id)
        what = [_("Attendees will see version %(number)s on their page from now on. Nobody is "
                  "emailed yet: you send it from the Email tab afterwards.", number=version.number)]
        if current is not None and current.id != version.id:
            changed = len(versions.changes_between(current, version))
            what.append(ngettext("It replaces version %(old)s; the meetings of %(num)s person "
                                 "differ from it.", "It replaces version %(old)s; the meetings of "
                                 "%(num)s people differ from it.", changed, old=current.number))
        return confirm_page(event, title=_("Publish version %(number)s?", number=version.number),
                            what=what,
                            back=url_for("schedule.version", slug=event.slug, number=version.number),
                            button=_("Publish version %(number)s", number=version.number))
    if ConfirmForm().validate_on_submit():
        versions.publish_version(version)
        pdf.queue_pdf_render(version)  # ready by the time the organiser goes to print
        flash(_("Version %(number)s is published. Attendees can see it now; send it by email "
                "from the Email page.", number=version.number), "success")
    return redirect(url_for("schedule.version", slug=event.slug, number=version.number))


@bp.post("/v/<int:number>/copy")
@own_event_view
def copy(event: Event, version: ScheduleVersion):
    """Copy a version to a new draft (to adjust a published schedule)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    draft = versions.copy_to_draft(version)
    flash(_("Draft version %(draft)s is a copy of version %(number)s.", draft=draft.number,
            number=version.number), "success")
    return redirect(url_for("schedule.adjust", slug=event.slug, number=draft.number))


def _meeting_or_404(version: ScheduleVersion, meeting_id: int) -> SavedMeeting:
    meeting = db.session.get(SavedMeeting, meeting_id)
    if meeting is None or meeting.version_id != version.id:
        abort(404)
    return meeting


def _people_choices(event: Event) -> list[tuple[int, str]]:
    """The pickers' people: active attendees by name (built once per page, for every picker)."""
    return [(a.id, f"{a.name} ({a.organisation})" if a.organisation else a.name)
            for a in active_attendees_by_name(event)]


def _add_form(people: list[tuple[int, str]]) -> AddMeetingForm:
    form = AddMeetingForm()
    form.attendee_a.choices = form.attendee_b.choices = people
    return form


def _third_form(people: list[tuple[int, str]]) -> AddThirdForm:
    form = AddThirdForm()
    form.attendee.choices = people
    return form


@bp.get("/v/<int:number>/adjust", endpoint="adjust")
@own_event_view
def adjust_page(event: Event, version: ScheduleVersion):
    """Hand adjustments of a draft: cancel, move, add."""
    people = _people_choices(event)
    return render_template("organiser/schedule_adjust.html", event=event, version=version,
                           rounds=review.by_round(event, version), add_form=_add_form(people),
                           third_form=_third_form(people) if event.allow_trios else None,
                           move_form=MoveForm(formdata=None), confirm=ConfirmForm())


def _adjusted(version: ScheduleVersion, change: Callable[[], object], done: str):
    """Make a hand change; flash ``done``, or the rule it would break, and show the page again."""
    try:
        change()
    except adjust.AdjustmentRefused as refused:
        flash(_("Not changed: %(reason)s", reason=refused), "error")
    else:
        flash(done, "success")
    return _back_to_adjust(version)


def _back_to_adjust(version: ScheduleVersion):
    return redirect(url_for("schedule.adjust", slug=version.event.slug, number=version.number))


@bp.route("/v/<int:number>/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@own_event_view
def cancel_meeting(event: Event, version: ScheduleVersion, meeting_id: int):
    """Cancel one meeting of a draft, after a confirmation page."""
    meeting = _meeting_or_404(version, meeting_id)
    a, b = meeting.attendee_a.name, meeting.attendee_b.name
    if meeting.attendee_c is not None:  # a trio: the three are "a" and "b" in the texts
        a, b = _("%(a)s, %(b)s", a=a, b=b), meeting.attendee_c.name
    if request.method == "GET":
        return confirm_page(
            event, title=_("Cancel the meeting of %(a)s and %(b)s?", a=a, b=b), danger=True,
            what=[_("%(a)s and %(b)s will not meet in round %(round)s (%(table)s) in draft "
                    "version %(number)s.", a=a, b=b, round=meeting.round_number,
                    table=event.table_label(meeting.table_number), number=version.number),
                  _("This is remembered: later rebuilds will not pair them again. The remembered "
                    "cancellation shows on %(a)s's and %(b)s's pages, where you can remove it.",
                    a=a, b=b)],
            back=url_for("schedule.adjust", slug=event.slug, number=version.number),
            button=_("Cancel the meeting"))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _adjusted(version, partial(adjust.cancel_meeting, version, meeting),
                     _("Cancelled the meeting of %(a)s and %(b)s. Rebuilds will not pair them again.",
                       a=a, b=b))


@bp.post("/v/<int:number>/meetings/<int:meeting_id>/move")
@own_event_view
def move_meeting(event: Event, version: ScheduleVersion, meeting_id: int):
    """Move a meeting to another round or table."""
    meeting = _meeting_or_404(version, meeting_id)
    form = MoveForm()
    if not form.validate_on_submit():
        flash(_("Not changed: give a round and a table number."), "error")
        return _back_to_adjust(version)
    r, t = form.round_number.data, form.table_number.data
    return _adjusted(version, partial(adjust.move_meeting, version, meeting, r, t),
                     _("Moved to round %(round)s, %(table)s.", round=r, table=event.table_label(t)))


@bp.post("/v/<int:number>/meetings/add")
@own_event_view
def add_meeting(event: Event, version: ScheduleVersion):
    """Add a meeting between two free people."""
    form = _add_form(_people_choices(event))
    if not form.validate_on_submit():
        flash(_("Not changed: choose two people, a round and a table."), "error")
        return _back_to_adjust(version)
    a = event_attendee_or_404(event, form.attendee_a.data)
    b = event_attendee_or_404(event, form.attendee_b.data)
    r, t = form.round_number.data, form.table_number.data
    return _adjusted(version, partial(adjust.add_meeting, version, a, b, r, t),
                     _("Added %(a)s and %(b)s in round %(round)s.", a=a.name, b=b.name, round=r))


@bp.post("/v/<int:number>/meetings/add-third")
@own_event_view
def add_third_person(event: Event, version: ScheduleVersion):
    """Seat somebody at a meeting as its third person."""
    form = _third_form(_people_choices(event))
    if not form.validate_on_submit():
        flash(_("Not changed: choose a person, a round and a table."), "error")
        return _back_to_adjust(version)
    person = event_attendee_or_404(event, form.attendee.data)
    r, t = form.round_number.data, form.table_number.data
    return _adjusted(version, partial(adjust.add_third_person, version, person, r, t),
                     _("%(name)s joins %(table)s in round %(round)s.", name=person.name,
                       table=event.table_label(t), round=r))


@bp.post("/v/<int:number>/meetings/<int:meeting_id>/remove/<int:attendee_id>")
@own_event_view
def remove_from_table(event: Event, version: ScheduleVersion, meeting_id: int, attendee_id: int):
    """Take one person out of a table of three."""
    meeting = _meeting_or_404(version, meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    person = event_attendee_or_404(event, attendee_id)
    return _adjusted(version, partial(adjust.remove_from_table, version, meeting, person.id),
                     _("%(name)s left the table; the other two still meet.", name=person.name))


@bp.get("/compare/<int:number>")
@own_event_view
def changes(event: Event, version: ScheduleVersion):
    """Who changed between the previous published version and this one."""
    old = versions.previous_published(version) if version.status == "published" else \
        versions.published_version(event.id)
    diff = versions.changes_between(old, version) if old else {}
    people = {a.id: a for a in event.attendees}
    changed, dropped = versions.count_meeting_changes(old, version) if old else (None, None)
    return render_template("organiser/schedule_changes.html", event=event, version=version, old=old,
                           diff=diff, people=people,
                           changed_meetings=changed, dropped_meetings=dropped)

"""Build: rows → Problem → background job → saved version → review → publish."""

from __future__ import annotations

from markupsafe import escape

from meetmatch.extensions import db
from meetmatch.matching import schedule_violations
from meetmatch.models import Job, OutboxMessage, SavedMeeting, ScheduleVersion
from meetmatch.schedules import engine_io, versions
from meetmatch.schedules.rulebook import placements_of
from meetmatch.worker import work_once


def _build_via_web(client, event):
    response = client.post(f"/organiser/events/{event.slug}/schedule/build", data={"time_limit": "2"})
    assert response.status_code == 302
    return response.headers["Location"]


def test_problem_from_event_uses_active_attendees_and_rules(app, small_event):
    event = small_event(num_tables=5)
    event.attendees[0].status = "withdrawn"
    db.session.commit()
    problem = engine_io.problem_from_event(event).problem
    assert problem.rounds == 4 and problem.tables == 5
    assert len(problem.attendees) == 9
    assert str(event.attendees[0].id) not in {p.id for p in problem.attendees}
    ben = next(p for p in problem.attendees if p.name == "Ben Okafor")
    assert ben.offers == ("UX design",) and ben.needs == ("Seed funding",)


def test_build_runs_in_worker_and_saves_a_version(app, client, login, small_event):
    event = small_event()
    login()
    progress_url = _build_via_web(client, event)
    page = client.get(progress_url).get_data(as_text=True)
    assert "data-refresh-seconds" in page and "queued" in page
    # a second press while one is queued starts nothing new
    assert _build_via_web(client, event) == progress_url
    assert db.session.query(Job).count() == 1
    assert work_once()["jobs"] == 1
    job = db.session.query(Job).one()
    assert job.status == "done", job.error
    version = db.session.get(ScheduleVersion, job.version_id)
    assert version.number == 1 and version.status == "draft"
    assert version.solver_status in ("optimal", "feasible")
    assert version.upper_bound >= version.objective > 0
    assert len(version.inputs_fingerprint) == 64
    assert len(version.meetings) >= 10
    progress = job.progress
    assert progress["phase"] == "done" and progress["objective"] == version.objective
    page = client.get(progress_url).get_data(as_text=True)
    assert "data-refresh-seconds" not in page and "Review version 1" in page
    # the saved schedule breaks no rule of the rulebook
    problem = engine_io.problem_from_event(event).problem
    assert not schedule_violations(problem, placements_of(version.meetings))
    # building again makes a new draft; the first stays as it was
    _build_via_web(client, event)
    work_once()
    assert [v.number for v in versions.versions_of(event)] == [2, 1]


def test_review_pages_and_publish_show_schedule_to_attendee(app, client, login, small_event):
    event = small_event()
    login()
    _build_via_web(client, event)
    work_once()
    base = f"/organiser/events/{event.slug}/schedule"
    version = versions.versions_of(event)[0]
    meeting = version.meetings[0]
    page = client.get(f"{base}/v/1").get_data(as_text=True)
    assert "Summary" in page and "Solver details" in page and "Round 4" in page
    assert meeting.attendee_a.name in page and str(escape(meeting.why)) in page  # reasons quote
    assert "Needs not met" in page and "Meetings per attendee" in page
    page = client.get(f"{base}/v/1/attendees").get_data(as_text=True)
    assert "Ada Lovelace" in page and "target" in page
    index = client.get(f"{base}/").get_data(as_text=True)
    assert "Version 1" in index and "current" in index
    # not published yet: the attendee sees no schedule
    from meetmatch.registration import manage_url  # noqa: F401
    assert versions.published_meetings_for(meeting.attendee_a) is None
    response = client.post(f"{base}/v/1/publish")
    assert response.status_code == 302
    db.session.refresh(version)
    assert version.status == "published" and version.published_at is not None
    mine = versions.published_meetings_for(meeting.attendee_a)
    assert meeting.id in [m.id for m in mine]


def test_manage_page_shows_published_schedule(app, client, small_event):
    from meetmatch.registration import issue_manage_link

    event = small_event()
    inputs = engine_io.problem_from_event(event)
    from meetmatch.matching import solve

    version = engine_io.save_schedule(event, inputs, solve(inputs.problem, time_limit=2), seed=0)
    versions.publish_version(version)
    m = version.meetings[0]
    person = m.attendee_a
    with app.test_request_context():  # a link is a URL
        url = issue_manage_link(person, "test")
    db.session.commit()
    page = client.get(url.removeprefix("http://localhost")).get_data(as_text=True)
    assert "Your schedule" in page and m.attendee_b.name in page


def test_unmet_request_and_bad_input_are_explained(app, client, login, small_event):
    from meetmatch.models import PairRule, PairRuleKind

    event = small_event(rounds=2)
    people = event.attendees
    # Ada must meet Ben, Chloe, Dev and Eva: impossible in 2 rounds
    for other in people[1:5]:
        db.session.add(PairRule(event_id=event.id, attendee_a_id=people[0].id,
                                attendee_b_id=other.id, kind=PairRuleKind.MUST_MEET))
    db.session.commit()
    login()
    _build_via_web(client, event)
    work_once()
    page = client.get(f"/organiser/events/{event.slug}/schedule/v/1").get_data(as_text=True)
    assert "What the schedule could not satisfy" in page and "Requested meeting" in page
    assert "Ada Lovelace and" in page
    # an invalid input: a host table beyond the number of tables
    people[2].host_table = 9
    event.num_tables = 4
    db.session.commit()
    url = _build_via_web(client, event)
    work_once()
    job = db.session.query(Job).order_by(Job.id.desc()).first()
    assert job.status == "failed"
    page = client.get(url).get_data(as_text=True)
    assert "Chloe Martin" in page and "host table" in page and "Settings" in page


def test_cli_build_schedule_shows_progress(app, small_event):
    from meetmatch.schedule.cli import build_schedule_command

    event = small_event()
    result = app.test_cli_runner().invoke(build_schedule_command, [event.slug, "--time-limit", "2"])
    assert result.exit_code == 0, result.output
    assert "bound" in result.output and "Saved draft version 1" in result.output
    assert db.session.query(SavedMeeting).count() > 0
    missing = app.test_cli_runner().invoke(build_schedule_command, ["nope"])
    assert missing.exit_code == 2


def test_progress_page_shows_best_score_and_bound_while_running(app, client, login, small_event):
    from meetmatch import jobs

    event = small_event()
    job, created = jobs.enqueue_job(event.id, "build_schedule", {"time_limit": 30})
    job.status = "running"
    job.progress = {"phase": "search", "elapsed": 4.25, "objective": 12.5, "upper_bound": 20.0}
    db.session.commit()
    login()
    page = client.get(f"/organiser/events/{event.slug}/schedule/jobs/{job.id}").get_data(as_text=True)
    # the solver's phase in words (meetmatch.i18n.PHASE_LABELS), not its internal name
    assert 'data-refresh-seconds="2"' in page and "running (improving the schedule)" in page
    assert "4.2 s of at most 30 s" in page and "12.50" in page and "20.00" in page
    index = client.get(f"/organiser/events/{event.slug}/schedule/").get_data(as_text=True)
    assert "A build is running" in index
    # another organiser's session cannot see it
    client.post("/organiser/logout")
    assert client.get(f"/organiser/events/{event.slug}/schedule/jobs/{job.id}").status_code == 302


def test_other_organisers_get_404(app, client, login, make_organiser, published):
    event, version = published()
    make_organiser(email="other@example.com")
    login(email="other@example.com")
    base = f"/organiser/events/{event.slug}/schedule"
    for url in (f"{base}/", f"{base}/v/1", f"{base}/v/1/print/master.pdf", f"{base}/v/1/mail"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base}/build").status_code == 404
    assert client.post(f"{base}/v/1/send").status_code == 404
    # and nothing happened: no build queued, no PDF queued, no mail queued
    assert db.session.query(Job).count() == 0
    assert db.session.query(OutboxMessage).count() == 0


def test_cli_follows_a_build_the_worker_already_runs(app, small_event):
    import threading

    from meetmatch import jobs
    from meetmatch.schedule.cli import build_schedule_command

    event = small_event()
    job, _ = jobs.enqueue_job(event.id, "build_schedule", {"time_limit": 2})  # pressed on the web
    db.session.commit()
    stop = threading.Event()

    def worker():
        with app.app_context():
            while not stop.is_set():
                work_once()
                stop.wait(0.2)
            db.session.remove()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        result = app.test_cli_runner().invoke(build_schedule_command, [event.slug])
    finally:
        stop.set()
        thread.join(30)
    assert result.exit_code == 0, result.output
    assert "already queued or running; following it" in result.output
    assert "Saved draft version 1" in result.output
    assert db.session.query(Job).count() == 1


def test_progress_is_recorded_even_from_a_solver_thread(app, small_event, monkeypatch):
    import threading

    from meetmatch import jobs
    from meetmatch.worker import register_handlers

    register_handlers()
    event = small_event()
    job, _ = jobs.enqueue_job(event.id, "build_schedule", {"time_limit": 2})
    real_build = engine_io.build_schedule
    notes = []

    def build_reporting_from_a_thread(event, *, progress, **kwargs):
        db.session.commit()  # as build_schedule does before solving
        # what CP-SAT may do: call the progress callback from a thread of its own
        t = threading.Thread(target=progress, args=({"phase": "search", "elapsed": 0.5,
                                                     "objective": 1.0, "upper_bound": 2.0},))
        t.start()
        t.join()
        db.session.expire_all()
        notes.append(db.session.get(Job, job.id).progress)
        return real_build(event, progress=None, **kwargs)

    monkeypatch.setattr(engine_io, "build_schedule", build_reporting_from_a_thread)
    jobs.run_job(jobs.claim_job(job.id))
    assert notes == [{"phase": "search", "elapsed": 0.5, "objective": 1.0, "upper_bound": 2.0}]
    assert db.session.get(Job, job.id).status == "done"


def test_too_few_tables_names_who_is_short_and_what_to_change(app, client, login, small_event):
    event = small_event(num_tables=2, min_meetings=3)
    version = engine_io.build_schedule(event, time_limit=2)
    assert all(m.table_number in (1, 2) for m in version.meetings)
    details = versions.details_of(version)
    assert details["short"], "10 people, 2 tables, 4 rounds: 16 meetings cannot give everyone 3"
    login()
    page = client.get(f"/organiser/events/{event.slug}/schedule/v/{version.number}").get_data(as_text=True)
    assert "Fewest meetings per attendee" in page and "Add tables under Settings" in page
    short_names = [a.name for a in event.attendees if a.id in details["short"]]
    assert all(name in page for name in short_names)


def test_cli_build_that_cannot_be_solved_exits_1_with_the_reason(app, small_event):
    from meetmatch.schedule.cli import build_schedule_command

    event = small_event()
    event.attendees[2].host_table = 9
    event.num_tables = 4
    db.session.commit()
    result = app.test_cli_runner().invoke(build_schedule_command, [event.slug, "--time-limit", "2"])
    assert result.exit_code == 1
    assert "Chloe Martin" in result.output and "host table" in result.output
    job = db.session.query(Job).order_by(Job.id.desc()).first()
    assert job.status == "failed" and job.finished_at is not None


def test_cli_build_that_crashes_leaves_no_job_running(app, small_event, monkeypatch):
    """An unexpected error must not leave the job 'running': that would block every later build."""
    from meetmatch.schedule.cli import build_schedule_command
    from meetmatch.schedules import engine_io

    event = small_event()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(engine_io, "build_schedule", broken)
    result = app.test_cli_runner().invoke(build_schedule_command, [event.slug, "--time-limit", "2"])
    assert result.exit_code == 1 and "disk full" in result.output
    job = db.session.query(Job).order_by(Job.id.desc()).first()
    assert job.status == "failed"
    monkeypatch.undo()
    again = app.test_cli_runner().invoke(build_schedule_command, [event.slug, "--time-limit", "2"])
    assert again.exit_code == 0, again.output


def test_rounds_removed_from_the_event_are_ignored_not_an_error(app, small_event):
    """An attendee registered for round 4; the organiser then cut the event to 3 rounds."""
    from meetmatch.schedules import engine_io

    event = small_event()
    late, early = event.attendees[0], event.attendees[1]
    late.available_rounds = "4"
    early.available_rounds = "1,4"
    db.session.delete(event.rounds[-1])
    db.session.commit()
    db.session.refresh(event)
    assert len(event.rounds) == 3
    problem = engine_io.problem_from_event(event).problem
    by_id = {p.id: p for p in problem.attendees}
    assert by_id[str(late.id)].available_rounds == ()
    assert by_id[str(early.id)].available_rounds == (1,)
    version = engine_io.build_schedule(event, time_limit=2.0)
    assert version.solver_status in ("optimal", "feasible")
    assert all(late.id not in (m.attendee_a_id, m.attendee_b_id) for m in version.meetings)
    assert all(m.round_number == 1 for m in version.meetings if early.id in (m.attendee_a_id, m.attendee_b_id))

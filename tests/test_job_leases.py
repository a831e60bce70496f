"""Jobs after a crash and with several workers: heartbeats and leases (issue 9, defect 4)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from meetmatch import jobs
from meetmatch.extensions import db
from meetmatch.models import Job, ScheduleVersion, utcnow
from meetmatch.schedules.jobs import BUILD_SCHEDULE
from meetmatch.worker import register_handlers

from .helpers import PROJECT_ROOT, server_env, stop_process

TOPICS = ("Seed funding", "UX design", "Mentoring", "Recruiting", "Sales", "Legal", "Hiring",
          "Data", "Design systems", "Pricing")

WORDS = ("pricing", "hiring", "python", "sales", "retail", "funding", "angels", "design", "brand",
         "legal", "contracts", "cloud", "security", "marketing", "growth", "export", "china",
         "logistics", "robots", "health", "clinics", "schools", "energy", "solar", "batteries")


def read_job(job_id: int) -> Job:
    """The job as stored now, detached: reading its fields opens no transaction (on SQLite the
    test process must not hold the write lock that the workers need)."""
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    db.session.expunge(job)
    db.session.commit()
    return job


def wait_for(condition, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(every)


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    script = Path(sys.executable).parent / "meetmatch"
    with log.open("w") as out:
        return subprocess.Popen([str(script), "worker"], cwd=PROJECT_ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)


def held_by(job: Job, process: subprocess.Popen) -> bool:
    return job.status == "running" and (job.claimed_by or "").endswith(f":{process.pid}")


@pytest.mark.slow
def test_a_killed_workers_build_is_taken_over_once_and_a_live_one_never(
        app, database_url, tmp_path, make_event, make_attendee):
    event = make_event(rounds=10, topics=TOPICS)
    words = random.Random(9)
    for n in range(200):  # each with text for the encoder: the build takes a while
        make_attendee(event, offers=words.sample(TOPICS, 3), needs=words.sample(TOPICS, 2),
                      organisation=f"Org {n % 17}",
                      offers_text=" ".join(words.sample(WORDS, 6)),
                      needs_text=" ".join(words.sample(WORDS, 4)))
    job, _ = jobs.enqueue_job(event.id, BUILD_SCHEDULE, {"time_limit": 6})
    job_id, event_id = job.id, event.id
    db.session.commit()
    # The real text model: encoding 200 profiles makes the build last long enough to kill it.
    env = server_env(database_url, tmp_path / "instance", MEETMATCH_SCORER="e5-small",
                     MEETMATCH_JOB_LEASE_SECONDS="2", MEETMATCH_WORKER_POLL_SECONDS="0.2")
    first = start_worker(env, tmp_path / "first.log")
    second = None
    try:
        wait_for(lambda: held_by(read_job(job_id), first), 60, "the first worker to claim the build")
        second = start_worker(env, tmp_path / "second.log")
        # Longer than a lease with both alive: the second worker leaves the live job alone.
        beats = set()
        until = time.monotonic() + 3
        while time.monotonic() < until:
            seen = read_job(job_id)
            assert held_by(seen, first), (seen.status, seen.claimed_by, seen.error)
            beats.add(seen.heartbeat_at)
            time.sleep(0.3)
        assert len(beats) >= 2, "the first worker's heartbeat did not renew its lease"
        assert second.poll() is None
        os.kill(first.pid, signal.SIGKILL)  # mid-build, no chance to clean up
        first.wait(timeout=10)
        killed_at = utcnow()
        taken = wait_for(lambda: held_by(job := read_job(job_id), second) and job, 30,
                         "the second worker to take the build over")
        # Not before the lease ran out (2 s after the last beat; the kill came after that beat).
        assert taken.started_at >= killed_at + timedelta(seconds=0.5)
        assert taken.attempts == 2
        done = wait_for(lambda: (job := read_job(job_id)).status != "running" and job, 60,
                        "the build to finish")
        assert done.status == "done", done.error
        assert done.claimed_by.endswith(f":{second.pid}")
        saved = db.session.execute(
            db.select(ScheduleVersion).filter_by(event_id=event_id)).scalars().all()
        assert [v.id for v in saved] == [done.version_id]  # exactly one build was saved
        assert len(saved[0].meetings) > 0
        db.session.commit()
    finally:
        stop_process(first)
        if second is not None:
            stop_process(second)
    second_log = (tmp_path / "second.log").read_text()
    assert "took over job" in second_log, second_log
    assert "Traceback" not in second_log, second_log


@pytest.fixture
def lease(app):
    app.config.update(JOB_LEASE_SECONDS=1.0, JOB_MAX_ATTEMPTS=2)
    return app


def age(job_id: int, seconds: float, claimed_by: str = "elsewhere:1") -> None:
    """Make the job look like a running one whose worker last beat ``seconds`` ago."""
    job = db.session.get(Job, job_id)
    job.status, job.claimed_by = "running", claimed_by
    job.heartbeat_at = utcnow() - timedelta(seconds=seconds)
    job.attempts = max(job.attempts, 1)
    db.session.commit()


def test_a_job_with_a_fresh_heartbeat_is_never_taken_or_failed(lease, make_event):
    event = make_event()
    job, _ = jobs.enqueue_job(event.id, BUILD_SCHEDULE)
    age(job.id, 0.2)
    assert jobs.claim_next_job() is None
    assert jobs.take_over_job(job.id) is None
    seen = read_job(job.id)
    assert (seen.status, seen.claimed_by, seen.attempts) == ("running", "elsewhere:1", 1)


def test_a_silent_job_is_taken_over_and_after_its_last_attempt_failed(lease, make_event):
    event = make_event()
    job, _ = jobs.enqueue_job(event.id, BUILD_SCHEDULE)
    age(job.id, 1.5)
    taken = jobs.claim_next_job()
    assert taken is not None and taken.id == job.id
    assert (taken.claimed_by, taken.attempts) == (jobs.WORKER_ID, 2)
    age(job.id, 1.5, claimed_by="elsewhere:2")  # this worker died too
    assert jobs.claim_next_job() is None
    seen = read_job(job.id)
    assert seen.status == "failed" and "stopped 2 times" in seen.error
    # a failed job no longer blocks a new build
    again, created = jobs.enqueue_job(event.id, BUILD_SCHEDULE)
    assert created and again.id != job.id


def test_a_worker_that_lost_its_lease_saves_nothing_and_records_nothing(lease, make_event,
                                                                        make_attendee):
    event = make_event()
    for n in range(6):
        make_attendee(event, offers=["UX design"] if n % 2 else ["Mentoring"],
                      needs=["Mentoring"] if n % 2 else ["UX design"])
    register_handlers()
    job, _ = jobs.enqueue_job(event.id, BUILD_SCHEDULE, {"time_limit": 1})
    claimed = jobs.claim_job(job.id)
    # Another worker took the job over while this one stalled (its claim is no longer ours).
    db.session.get(Job, job.id).claimed_by = "other-host:99"
    db.session.commit()
    finished = jobs.run_job(claimed)
    assert (finished.status, finished.claimed_by) == ("running", "other-host:99")
    assert finished.version_id is None
    assert db.session.query(ScheduleVersion).filter_by(event_id=event.id).count() == 0


def test_the_heartbeat_renews_the_lease_while_a_handler_is_busy(lease, make_event):
    event = make_event()
    beats: list = []
    release = threading.Event()

    def busy(ctx):  # a handler that reports nothing for several lease lengths
        release.wait(4)
        return jobs.JobResult({"waited": True})

    jobs.register_handler("test_busy", busy)
    try:
        job, _ = jobs.enqueue_job(event.id, "test_busy")
        claimed = jobs.claim_job(job.id)
        result: dict = {}

        def run():
            with lease.app_context():
                result["job"] = jobs.run_job(db.session.get(Job, claimed.id))
                result["status"] = result["job"].status
                db.session.remove()

        thread = threading.Thread(target=run)
        thread.start()
        for _ in range(6):
            time.sleep(0.5)
            beats.append(read_job(job.id).heartbeat_at)
            assert jobs.claim_next_job() is None  # never stale while its worker beats
        release.set()
        thread.join(10)
    finally:
        jobs.HANDLERS.pop("test_busy", None)
    assert result["status"] == "done"
    assert len(set(beats)) >= 3

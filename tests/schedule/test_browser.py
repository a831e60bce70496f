"""End to end in a real headless Chromium: login → build (background worker) → review → publish
→ print page + PDF (made by the worker) → send → a loopback SMTP server receives one email per attendee."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import icalendar
import pytest
from pypdf import PdfReader

from meetmatch import jobs
from meetmatch.extensions import db
from meetmatch.models import ScheduleVersion
from meetmatch.schedules import versions

from ..helpers import (
    CHROMIUM_ARGS,
    PROJECT_ROOT,
    chromium_or_skip,
    log_in_organiser,
    serve_in_thread,
)

ARTIFACTS = PROJECT_ROOT / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def chromium_path():
    return chromium_or_skip()


@pytest.fixture
def app_config(app_config, smtp_server, tmp_path):
    return app_config | {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port, "WTF_CSRF_ENABLED": True,
                         "PDF_DIR": str(tmp_path / "pdf")}  # shared with the worker process


@pytest.fixture
def live_server(app):
    with serve_in_thread(app) as base:
        yield base


@pytest.fixture
def worker_process(app, tmp_path, smtp_server):
    """``meetmatch worker`` as its own process on the test database."""
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SECRET_KEY": "test-secret", "MEETMATCH_ENV": "testing",
           "MEETMATCH_INSTANCE_PATH": str(tmp_path / "worker-instance"),
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_server.port),
           "MEETMATCH_WORKER_POLL_SECONDS": "0.3", "MEETMATCH_SOLVER_TIME_LIMIT": "3",
           "MEETMATCH_PUBLIC_BASE_URL": app.config["PUBLIC_BASE_URL"],
           "MEETMATCH_PDF_DIR": app.config["PDF_DIR"]}
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    meetmatch = shutil.which("meetmatch", path=str(Path(sys.executable).parent))
    proc = subprocess.Popen([meetmatch, "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)
    yield proc
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _visible(locator) -> bool:
    try:
        return locator.is_visible()
    except Exception:  # noqa: BLE001 - the page is reloading itself
        return False


def test_organiser_builds_publishes_prints_and_sends(
        app, db_kind, small_event, smtp, chromium_path, live_server, worker_process, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    event = small_event()
    slug = event.slug
    db.session.commit()  # end this thread's transaction: SQLite takes the write lock at BEGIN
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(accept_downloads=True)
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        log_in_organiser(page, live_server)
        page.goto(f"{live_server}/organiser/events/{slug}/schedule/")
        page.get_by_label("Time limit (seconds)").fill("3")
        page.get_by_role("button", name="Build schedule").click()
        expect(page.get_by_role("heading", name="Building the schedule")).to_be_visible()
        # the page reloads itself (static/refresh.js) until the worker is done
        try:
            page.get_by_role("link", name="Review version 1").wait_for(timeout=60_000)
        except Exception as error:
            log = (tmp_path / "worker.log").read_text()
            raise AssertionError(f"build did not finish.\nPage: {page.inner_text('main')}\n"
                                 f"Worker log: {log[-3000:]}") from error
        page.get_by_role("link", name="Review version 1").click()
        expect(page.get_by_role("heading", name="Summary")).to_be_visible()
        assert "Solver details" in page.content()
        page.get_by_role("link", name="Publish version 1").click()  # a page says what happens
        page.get_by_role("button", name="Publish version 1").click()
        expect(page.get_by_text("Version 1 is published")).to_be_visible()
        page.get_by_role("link", name="By attendee").click()
        expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
        page.get_by_role("link", name="Print").click()
        page.get_by_role("link", name="Master schedule").click()
        page.get_by_role("columnheader", name="Round 1 · 13:00–13:15").first.wait_for()  # repeated per page
        page.screenshot(path=str(ARTIFACTS / f"print-master-{db_kind}.png"), full_page=True)
        # Publishing queued the PDFs in the worker: the link downloads the file if it is made,
        # else it opens "Preparing your PDF…", which reloads itself until it offers the file.
        downloads = []
        page.on("download", lambda download: downloads.append(download))
        page.get_by_role("link", name="Download PDF").click()
        ready = page.get_by_role("heading", name="Your PDF is ready")
        _wait(lambda: downloads or _visible(ready), 60, "the PDF")
        if not downloads:
            assert page.url.endswith("/print/master/pdf")
            with page.expect_download() as download_info:
                page.get_by_role("link", name="Download PDF").click()
            downloads.append(download_info.value)
        pdf_path = tmp_path / "master.pdf"
        downloads[0].save_as(pdf_path)
        page.goto(f"{live_server}/organiser/events/{slug}/schedule/v/1/print")
        page.get_by_role("link", name="Email").click()
        page.get_by_role("link", name="Send schedules to 10 attendees").click()
        page.get_by_role("button", name="Email 10 people").click()
        expect(page.get_by_text("Queued 10 new schedule email(s)")).to_be_visible()
        _wait(lambda: len(smtp.received) >= 10, 30, "ten emails")
        page.goto(f"{live_server}/organiser/events/{slug}/schedule/v/1/send")  # again: nothing new
        page.get_by_role("button", name="Email 0 people").click()
        time.sleep(1.5)
        page.reload()
        assert page.locator(".badge.sent").count() == 10
        browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems

    db.session.expire_all()
    version = db.session.execute(db.select(ScheduleVersion).filter_by(event_id=event.id)).scalar_one()
    render = jobs.latest_job(event.id, "render_pdf")
    assert render.status == "done" and render.version_id == version.id
    assert version.status == "published" and version.meetings
    reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for m in version.meetings:
        assert m.attendee_a.name in text and m.attendee_b.name in text
    assert len(smtp.received) == 10
    for person in event.attendees:
        [message] = smtp.to(person.email)
        body = message.get_body(("plain",)).get_content()
        meetings = versions.meetings_for(version, person.id)
        [ics] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
        vevents = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")
        assert len(vevents) == len(meetings)
        for m in meetings:
            assert m.partner_of(person.id).name in body
            assert any(m.partner_of(person.id).name in str(v["summary"]) for v in vevents)
        assert f"{live_server}/e/{slug}/manage/" in body
    db.session.rollback()  # release SQLite's lock so the worker can stop promptly

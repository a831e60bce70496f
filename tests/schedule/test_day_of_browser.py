"""The day of, in a real Chromium: rounds have been held, someone did not come back → rebuild the
remaining rounds → publish → send updates: only the people whose meetings changed are mailed
(checked at the real SMTP server); the full resend asks first and sends nothing when cancelled."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from meetmatch.extensions import db
from meetmatch.schedules import engine_io, versions
from meetmatch.schedules import mail as schedule_mail

from ..helpers import log_in_organiser
from .test_browser import _wait, app_config, chromium_path, live_server, worker_process  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_rebuild_then_send_updates_only_to_the_changed(
        app, small_event, smtp, chromium_path, live_server, worker_process, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    event = small_event()
    v1 = engine_io.build_schedule(event, time_limit=2.0)
    versions.publish_version(v1)
    schedule_mail.send_schedules(v1)
    _wait(lambda: len(smtp.received) >= 10, 60, "the first schedules")
    # two rounds are over by the clock; Ada met people in them and did not come back
    now = datetime.now(ZoneInfo(event.timezone)).replace(tzinfo=None, second=0, microsecond=0)
    for r in event.rounds:
        r.starts_at = now + timedelta(minutes=20 * (r.number - 3))
    ada = event.attendees[0]
    ada.status = "no_show"
    slug, ada_email = event.slug, ada.email
    db.session.commit()  # end this thread's transaction: SQLite takes the write lock at BEGIN
    smtp.received.clear()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        page = browser.new_page()
        log_in_organiser(page, live_server)
        page.goto(f"{live_server}/organiser/events/{slug}/schedule/")
        # once rounds are held, rebuilding is the main action; starting over asks first
        assert page.get_by_role("heading", name="Rebuild the remaining rounds").is_visible()
        assert page.get_by_label("Rounds already held").input_value() == "2"
        page.get_by_role("link", name="Build a new schedule from scratch").click()
        expect(page.get_by_role("heading", name="Build a new schedule from scratch?")).to_be_visible()
        page.get_by_role("link", name="Cancel, go back").click()
        page.get_by_label("Time limit (seconds)").fill("3")
        page.get_by_role("button", name="Rebuild remaining rounds").click()
        try:
            page.get_by_role("link", name="Review version 2").wait_for(timeout=60_000)
        except Exception as error:
            raise AssertionError((tmp_path / "worker.log").read_text()[-3000:]) from error
        page.get_by_role("link", name="Review version 2").click()
        page.get_by_role("link", name="Publish version 2").click()
        page.get_by_role("button", name="Publish version 2").click()
        page.get_by_role("link", name="Email").click()
        db.session.expire_all()
        v2 = versions.published_version(event.id)
        changed = {a.email for a in event.attendees
                   if a.id in versions.changes_between(v1, v2) and a.is_active}
        assert changed and ada_email not in changed
        db.session.commit()
        main = page.locator("#send-updates")
        assert main.inner_text() == f"Send updates to the {len(changed)} people whose meetings changed"
        main.click()
        expect(page.get_by_role("heading", name="Send updates?")).to_be_visible()
        page.get_by_role("button", name=f"Email {len(changed)} people").click()
        _wait(lambda: len(smtp.received) >= len(changed), 60, "the updates")
        # the full resend to everyone: a confirmation that says how many; cancelling sends nothing
        page.get_by_role("link", name="Send the full schedule to everyone").click()
        expect(page.get_by_text("This emails the full schedule of version 2 to 9 people")).to_be_visible()
        page.get_by_role("link", name="Cancel, go back").click()
        time.sleep(2)
        browser.close()
    assert {m["To"].addresses[0].addr_spec for m in smtp.received} == changed
    assert len(smtp.received) == len(changed)
    db.session.rollback()  # release SQLite's lock so the worker can stop promptly

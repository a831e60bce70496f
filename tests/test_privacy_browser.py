"""The attendee's "Download my data" and "Delete me" in a real Chromium against a real gunicorn
(issue 9): a JSON file with their registration, then a confirmation page and erasure, the
last step with JavaScript off (the pages need none)."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from meetmatch.config import normalise_database_url

from . import test_attendee_browser as shared
from .helpers import register_in_browser
from .test_attendee_browser import send_mail_and_read_link, watch_console

browser = shared.browser  # that module's fixtures: Chromium, and gunicorn per database
server = shared.server

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]


def test_download_my_data_then_delete_me(browser, server, tmp_path):
    base, database_url, instance = server
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = watch_console(page)

    page.goto(f"{base}/e/demo")
    page.get_by_role("link", name="Privacy notice").click()
    page.wait_for_url(f"{base}/e/demo/privacy")
    assert "download everything we hold about you" in page.inner_text("main")
    register_in_browser(page, base, "Dana Delete", "dana@example.com", "UX design",
                        "Quokka-grade bookkeeping help")
    link = send_mail_and_read_link(database_url, instance / "mail", base, "dana@example.com")

    page.goto(link)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data (JSON)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "demo-my-data.json"
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["registration"]["name"] == "Dana Delete"
    assert data["registration"]["needs_text"] == "Quokka-grade bookkeeping help"
    assert data["consent"]["given_at"] and data["consent"]["privacy_notice"]
    assert [m["kind"] for m in data["emails"]] == ["registration_confirmation"]
    assert problems == [], problems
    context.close()

    # The delete itself with JavaScript off: a confirmation page and a plain form POST.
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(link)
    page.get_by_role("link", name="Delete me").click()
    assert "a cancelled meeting" in page.inner_text("main")
    page.get_by_role("button", name="Delete everything").click()
    page.wait_for_url(f"{base}/e/demo")
    assert "everything we stored about you are deleted" in page.inner_text("main")
    assert page.goto(link).status == 404
    context.close()

    engine = sa.create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        assert conn.execute(sa.text(
            "SELECT count(*) FROM attendee WHERE email = 'dana@example.com'")).scalar_one() == 0
        assert conn.execute(sa.text(
            "SELECT count(*) FROM outbox_message WHERE to_addr = 'dana@example.com'")).scalar_one() == 0
    engine.dispose()
    mails = [p.read_bytes() for p in (instance / "mail").glob("*.eml")]
    assert not any(b"dana@example.com" in m for m in mails)

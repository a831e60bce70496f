"""In a real headless Chromium: two attendees give feedback on their shared meeting through
their own links, then the organiser's report shows one two-way meeting."""

from __future__ import annotations

import pytest

from meetmatch import feedback
from meetmatch.extensions import db

from ..helpers import CHROMIUM_ARGS, PROJECT_ROOT, chromium_or_skip, log_in_organiser
from ..schedule.test_browser import live_server  # noqa: F401 - a fixture
from .conftest import token_of

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]


@pytest.fixture
def app_config(app_config):
    return app_config | {"WTF_CSRF_ENABLED": True}


def _give_feedback(page, url: str, meeting_id: int, gained: str, gave: str) -> None:
    page.goto(url)
    page.check(f'input[name="happened-{meeting_id}"][value="yes"]')
    page.check(f'input[name="gained-{meeting_id}"][value="{gained}"]')
    page.check(f'input[name="gave-{meeting_id}"][value="{gave}"]')
    page.check(f'input[name="follow_up-{meeting_id}"]')
    page.fill(f"#note-{meeting_id}", "Useful, thanks")
    page.get_by_role("button", name="Save my feedback").click()
    page.get_by_text("your answer about 1 meeting is saved").wait_for()
    assert page.is_checked(f'input[name="gained-{meeting_id}"][value="{gained}"]')  # shown again, editable


def test_two_attendees_give_feedback_and_the_report_shows_one_two_way_meeting(
        app, db_kind, seeded, live_server):  # noqa: F811 - the fixture imported above
    from playwright.sync_api import sync_playwright

    chromium = chromium_or_skip()
    event, who, rows = seeded()
    feedback.request_feedback(event)
    ada, ben = token_of(who["Ada"]), token_of(who["Ben"])
    meeting = rows[("Ada", "Ben")].id
    slug = event.slug
    db.session.commit()  # end this thread's transaction: SQLite takes the write lock at BEGIN
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        for token, gained, gave in ((ada, "2", "1"), (ben, "1", "2")):
            context = browser.new_context()  # each attendee on their own device
            page = context.new_page()
            page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
            _give_feedback(page, f"{live_server}/e/{slug}/manage/{token}/feedback", meeting, gained, gave)
            page.screenshot(path=str(ARTIFACTS / f"feedback-{db_kind}.png"), full_page=True)
            context.close()
        page = browser.new_page()
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        log_in_organiser(page, live_server)
        page.goto(f"{live_server}/organiser/events/{slug}/outcomes")
        figures = page.locator("table.figures")
        row = figures.locator("tr", has_text="Two-way / one-way / neither / not rated")
        assert row.locator("td").nth(1).inner_text().split() == ["1", "/", "0", "/", "0", "/", "0"]
        assert "100%" in figures.locator("tr", has_text="Realised two-way share").inner_text()
        held = figures.locator("tr", has_text="Held / no-show / cancelled / unknown").locator("td").nth(1)
        assert held.inner_text().split() == ["1", "/", "0", "/", "0", "/", "6"]
        charts = page.locator("figure.chart img")
        assert charts.count() == 4
        assert all(charts.nth(i).evaluate("img => img.naturalWidth > 0") for i in range(4))  # the SVGs draw
        page.screenshot(path=str(ARTIFACTS / f"outcomes-{db_kind}.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})  # check-in on a phone
        page.goto(f"{live_server}/organiser/events/{slug}/checkin")
        page.get_by_label("Find a name").fill("ben")
        page.get_by_role("button", name="Search").click()
        page.get_by_role("button", name="Present: Ben Test").click()
        page.get_by_text("Ben Test is checked in.").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(ARTIFACTS / f"checkin-phone-{db_kind}.png"), full_page=True)
        browser.close()
    assert problems == []

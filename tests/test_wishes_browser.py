"""In a real headless Chromium: two attendees find each other under "Suggested for you" (made
by the real worker process), both press "I'd like to meet", the organiser builds and publishes,
and both schedules show that meeting with "You both asked to meet" (issue 10)."""

from __future__ import annotations

import re

import pytest

from meetmatch.extensions import db
from meetmatch.models import Event, utcnow

from .helpers import CHROMIUM_ARGS, log_in_organiser
from .schedule.test_browser import _wait, app_config, live_server, worker_process  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]



@pytest.fixture
def chromium_path():
    from .helpers import chromium_or_skip
    return chromium_or_skip()


@pytest.fixture
def scorer(monkeypatch):
    # The worker process reads its scorer from the environment: word matching is enough here.
    monkeypatch.setenv("MEETMATCH_SCORER", "lexical")


def test_two_attendees_wish_to_meet_and_both_schedules_say_so(
        app, scorer, make_event, make_attendee, chromium_path, live_server,  # noqa: F811
        worker_process, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    from meetmatch.registration import issue_manage_link

    event = make_event(rounds=2)
    event.wishes_open = True
    ida = make_attendee(event, "Ida Berg", offers=["UX design"], needs=["Seed funding"],
                        organisation="Pixelry", listed_at=utcnow(), offers_text="onboarding reviews")
    leo = make_attendee(event, "Leo Sund", offers=["Seed funding"], needs=["UX design"],
                        organisation="Fund AB", listed_at=utcnow())
    make_attendee(event, "Eva Holm", offers=["Mentoring"], needs=["Recruiting"],
                  organisation="Coach", listed_at=utcnow())
    make_attendee(event, "Max Lind", offers=["Recruiting"], needs=["Mentoring"],
                  organisation="Hire", listed_at=utcnow())
    links = {p.id: issue_manage_link(p, "test") for p in (ida, leo)}
    links = {k: v.replace("http://localhost", live_server) for k, v in links.items()}
    slug, ida_id, leo_id, event_id = event.slug, ida.id, leo.id, event.id
    db.session.commit()

    def suggestions_ready() -> bool:
        done = db.session.execute(db.select(Event.suggestions_at).filter_by(
            id=event_id)).scalar_one() is not None
        db.session.commit()  # never hold SQLite's write lock while waiting for the worker
        return done

    try:
        _wait(suggestions_ready, 60, "the worker's suggestions")
    except AssertionError as error:
        raise AssertionError((tmp_path / "worker.log").read_text()[-3000:]) from error
    db.session.commit()
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)

        def no_favicon(context):
            # The icon is fetched in the background; a page left early drops that request and
            # the threaded test server's open file turns into a ResourceWarning (an error
            # here). It is answered in the browser instead: not what this test is about.
            context.route("**/favicon.*", lambda route: route.fulfill(status=204, body=""))
            return context
        for me, other_id, other_name in ((ida_id, leo_id, "Leo Sund"),
                                         (leo_id, ida_id, "Ida Berg")):
            context = no_favicon(browser.new_context(viewport={"width": 390, "height": 800},
                                                     is_mobile=True))
            page = context.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.goto(links[me])
            page.get_by_role("link", name="Who is coming and suggested matches").click()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390  # a phone
            card = page.locator(f"#suggested-{other_id}")
            assert other_name in card.inner_text()
            assert re.search(r"You can help \w+ with", card.inner_text())
            card.get_by_role("button", name=f"I'd like to meet {other_name}").click()
            assert f"You would like to meet {other_name}." in page.inner_text("main")
            assert "You'd like to meet" in page.locator(f"#suggested-{other_id}").inner_text()
            context.close()

        organiser = no_favicon(browser.new_context()).new_page()
        log_in_organiser(organiser, live_server)
        organiser.goto(f"{live_server}/organiser/events/{slug}/wishes")
        assert organiser.locator("#stat-mutual").inner_text() == "1"
        organiser.goto(f"{live_server}/organiser/events/{slug}/schedule/")
        organiser.get_by_label("Time limit (seconds)").fill("3")
        organiser.get_by_role("button", name="Build schedule").click()
        organiser.get_by_role("link", name="Review version 1").wait_for(timeout=90_000)
        organiser.get_by_role("link", name="Review version 1").click()
        assert "Mutual wishes met: 1 of 1" in organiser.inner_text("main")
        # Publishing asks for a confirmation first (a link, then the button on its page).
        organiser.get_by_role("link", name="Publish version 1").click()
        organiser.get_by_role("button", name="Publish version 1").click()
        expect(organiser.get_by_text("Version 1 is published")).to_be_visible()

        for me, other_name in ((ida_id, "Leo Sund"), (leo_id, "Ida Berg")):
            page = no_favicon(browser.new_context()).new_page()
            page.goto(links[me])
            row = page.locator("tr", has_text=other_name)
            assert "You both asked to meet." in row.inner_text()
            page.close()
        browser.close()
    assert problems == [], problems

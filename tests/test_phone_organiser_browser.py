"""Organiser pages an organiser opens on a phone at the door, in Swedish, in a real headless
Chromium at 390 px: the printable master schedule, agenda cards and outcome report and the outcomes page fit
without sideways scrolling (issue 11 audit: they were 467 and 550 px wide)."""

from __future__ import annotations

import pytest

from meetmatch.extensions import db

from .helpers import launch_chromium, log_in_organiser, serve_in_thread

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300), pytest.mark.one_db]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_print_pages_and_outcomes_fit_a_phone_in_swedish(app):
    from meetmatch.demo import seed_demo_event
    from meetmatch.schedules import engine_io, versions

    event, _ = seed_demo_event()
    event.language = "sv"
    version = engine_io.build_schedule(event, time_limit=5.0)
    versions.publish_version(version)
    slug, number = event.slug, version.number
    db.session.close()  # no read transaction left open: the server's requests write (QR links)
    with serve_in_thread(app) as base, launch_chromium() as browser:
        page = browser.new_context(**PHONE, locale="en-GB").new_page()  # logs in in English
        log_in_organiser(page, base, email="organiser@example.com", password="demo-organiser")
        page.goto(f"{base}/organiser/?lang=sv")  # then switches to Swedish
        for path in (f"/organiser/events/{slug}/schedule/v/{number}/print/master",
                     f"/organiser/events/{slug}/schedule/v/{number}/print/agenda",
                     f"/organiser/events/{slug}/outcomes/print",
                     f"/organiser/events/{slug}/outcomes?lang=sv"):
            page.goto(base + path)
            assert page.locator("html").get_attribute("lang") == "sv", (path, page.inner_text("body")[:300])
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} is {width} px wide on a 390 px phone"
        assert "Vad som hände med de planerade mötena" in page.inner_text("main")

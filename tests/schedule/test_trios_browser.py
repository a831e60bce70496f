"""The organiser's schedule page with a table of three, in a real headless Chromium: the trio
row names all three people, and the Adjust tab takes one of them out."""

from __future__ import annotations

import pytest

from meetmatch.extensions import db
from meetmatch.schedules import engine_io

from ..helpers import launch_chromium, log_in_organiser, serve_in_thread
from .test_trios import SEVEN

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]


@pytest.fixture
def app_config(app_config):
    return app_config | {"WTF_CSRF_ENABLED": True}


def test_organiser_sees_a_trio_and_takes_the_third_person_out(app, small_event):
    event = small_event(people=SEVEN, rounds=2, allow_trios=True)
    version = engine_io.build_schedule(event, time_limit=2.0)
    trio = next(m for m in version.meetings if m.attendee_c_id is not None)
    a, b, c = trio.attendee_a.name, trio.attendee_b.name, trio.attendee_c.name
    base_path = f"/organiser/events/{event.slug}/schedule/v/{version.number}"
    trio_id, round_number, c_id = trio.id, trio.round_number, trio.attendee_c_id
    db.session.commit()  # end the test's read transaction: the server writes
    with launch_chromium() as browser, serve_in_thread(app) as base:
        page = browser.new_page()
        log_in_organiser(page, base)
        page.goto(base + base_path)
        section = page.locator(f"section[aria-labelledby=round-{round_number}]")
        row = section.locator("tr", has_text=f"and {c}")
        assert row.count() == 1
        text = row.inner_text()
        assert a in text and b in text and c in text
        assert section.get_by_text("Sitting out").count() == 0
        page.goto(base + base_path + "/adjust")
        form = page.locator(f"form[action$='/meetings/{trio_id}/remove/{c_id}']")
        form.get_by_role("button", name=f"Remove {c}").click()
        page.wait_for_load_state()
        assert f"{c} left the table; the other two still meet." in page.content()
        page.goto(base + base_path)
        section = page.locator(f"section[aria-labelledby=round-{round_number}]")
        assert section.locator("tr", has_text=f"and {c}").count() == 0
        assert c in section.get_by_text("Sitting out").inner_text()
    db.session.expire_all()
    assert db.session.get(type(trio), trio_id).attendee_c_id is None

"""Phone-sized pages in a real headless Chromium (390 × 844, touch): the attendee's schedule
page and the schedule mail fit without sideways scrolling and keep the "Why"; the mail still
reads in order without any CSS; the registration form is compact with JavaScript (a searchable
topic picker), works as plain checkboxes without it, has 44 px tap targets, and a failed submit
focuses the error summary, which lists the errors in page order."""

from __future__ import annotations

import re

import pytest

from meetmatch.extensions import db
from meetmatch.models import Attendee, Event, OutboxMessage

from .helpers import launch_chromium, serve_in_thread

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300), pytest.mark.one_db]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def browser():
    with launch_chromium() as browser:
        yield browser


@pytest.fixture
def live_server(app):
    with serve_in_thread(app) as base:
        yield base


@pytest.fixture
def demo(app):
    from meetmatch.demo import seed_demo_event

    event, _ = seed_demo_event()
    return event


def _published_with_mail(event: Event) -> tuple[Attendee, OutboxMessage]:
    """Build and publish the demo's schedule, queue everyone's mail; the person with the most
    meetings (the longest page) and their schedule mail."""
    from meetmatch.schedules import engine_io, mail, versions

    version = engine_io.build_schedule(event, time_limit=5.0)
    versions.publish_version(version)
    mail.send_schedules(version)
    busiest = max(event.attendees, key=lambda a: len(versions.meetings_for(version, a.id)))
    message = db.session.execute(db.select(OutboxMessage).filter_by(
        attendee_id=busiest.id, kind="schedule")).scalar_one()
    return busiest, message


def _no_sideways_scroll(page) -> int:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    return width


def _inside_screen(locator) -> None:
    for i in range(locator.count()):
        box = locator.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box


def test_schedule_page_and_mail_fit_a_phone(browser, live_server, demo):
    person, message = _published_with_mail(demo)
    link = re.search(r"http://127\.0\.0\.1:\d+/e/demo/manage/\S+", message.body_text).group(0)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(link)
    assert "Your schedule" in page.inner_text("main")
    _no_sideways_scroll(page)
    whys = page.locator("table.agenda td.why")
    assert whys.count() >= 4
    _inside_screen(whys)
    assert all(whys.nth(i).is_visible() and whys.nth(i).inner_text().strip() for i in range(whys.count()))
    # each meeting is a card: the cells stack (the "Why" under the partner, not beside it)
    first = page.locator("table.agenda tbody tr").first
    partner = first.locator("td").nth(3).bounding_box()
    why = first.locator("td.why").bounding_box()
    assert why["y"] >= partner["y"] + partner["height"] - 1
    context.close()

    # The HTML mail, as a phone's mail app shows it; then with every bit of CSS taken away.
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_content(message.body_html)
    _no_sideways_scroll(page)
    text = page.inner_text("body")
    assert "Why:" in text
    bare = re.sub(r'\sstyle="[^"]*"', "", message.body_html)
    bare = re.sub(r"<head>.*?</head>", "", bare, flags=re.S)
    assert "style" not in bare
    page.set_content(bare)
    _no_sideways_scroll(page)
    lines = page.inner_text("body")
    from meetmatch.schedules import review

    items = review.published_agenda(person)
    positions = [lines.index(it.partner) for it in items]
    assert positions == sorted(positions)  # the meetings in time order
    for it in items:  # each meeting's when, who and why, one under the other
        block = lines[lines.index(it.partner) - 80: lines.index(it.partner) + len(it.partner) + 400]
        assert f"{it.starts_at:%H:%M}–{it.ends_at:%H:%M}" in block and it.table in block
        assert "Why: " + " ".join(it.why.split())[:40] in " ".join(block.split())
    context.close()


def test_registration_form_on_a_phone(browser, live_server, demo, capsys):
    heights = {}
    for javascript in (False, True):
        context = browser.new_context(**PHONE, java_script_enabled=javascript)
        page = context.new_page()
        page.goto(f"{live_server}/e/demo/register")
        _no_sideways_scroll(page)
        heights[javascript] = page.evaluate("document.documentElement.scrollHeight")
        offers = page.get_by_role("group", name="What I can offer")
        if not javascript:  # plain checkboxes: every topic is there to tick
            assert offers.locator(".picker-search").count() == 0
            assert offers.get_by_label("Seed funding").is_visible()
        context.close()
    with capsys.disabled():
        print(f"\nregistration form at 390 px: {heights[False]} px without JavaScript, "
              f"{heights[True]} px with the topic picker")
    assert heights[True] < 3700 and heights[True] < heights[False] - 400

    context = browser.new_context(**PHONE)
    page = context.new_page()
    for path in ("/e/demo", "/e/demo/link", "/e/demo/manage/" + "x" * 43):  # event, resend, dead link
        page.goto(live_server + path)
        _no_sideways_scroll(page)
    page.goto(f"{live_server}/e/demo/register")
    offers = page.get_by_role("group", name="What I can offer")
    search = offers.get_by_role("searchbox")
    search.fill("fund")
    shown = [t.strip() for t in offers.locator("li:visible label").all_inner_texts()]
    assert shown and all("fund" in t.lower() for t in shown), shown
    search.press("Enter")  # picks the first match, does not submit the form
    assert page.url.endswith("/e/demo/register")
    chip = offers.locator(".chip")
    assert chip.count() == 1 and shown[0] in chip.inner_text()
    assert offers.get_by_label(shown[0], exact=True).is_checked()

    # Tap targets: every button, text box and checkbox row is at least 44 px tall.
    targets = page.locator("main button:visible, main input[type=submit]:visible, main input[type=text]:visible, "
                           "main input[type=email]:visible, main input[type=search]:visible, main fieldset li:visible, "
                           "main .field.checkbox label:visible")
    assert targets.count() > 10
    small = [(targets.nth(i).evaluate("e => e.outerHTML.slice(0, 80)"), box["height"])
             for i in range(targets.count()) if (box := targets.nth(i).bounding_box())["height"] < 44]
    assert not small, small

    chip.click()  # removing the chip unticks the topic
    assert not offers.get_by_label(shown[0], exact=True).is_checked() and offers.locator(".chip").count() == 0

    # A failed submit: focus on the summary, errors listed in the order of the fields on the page.
    page.get_by_role("button", name="Register").click()
    page.wait_for_selector(".errors-summary")
    assert page.evaluate("document.activeElement.classList.contains('errors-summary')")
    targets = page.locator(".errors-summary a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert len(targets) >= 3 and "#email" in targets
    tops = [page.locator(t).first.evaluate("e => e.getBoundingClientRect().top + window.scrollY") for t in targets]
    assert tops == sorted(tops), list(zip(targets, tops, strict=True))
    context.close()

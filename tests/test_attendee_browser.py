"""A real headless Chromium against a real gunicorn: register, follow the mailed link, edit.

Chromium comes from Debian (`/usr/bin/chromium`; `playwright install` cannot download here).
Without it the test is skipped locally, but fails in CI (where .ci/run installs it).
"""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from meetmatch.config import normalise_database_url

from .helpers import (
    PROJECT_ROOT,
    SECRET,
    fresh_database,
    gunicorn,
    launch_chromium,
    register_in_browser,
    seed_demo,
    server_env,
)

ARTIFACTS = PROJECT_ROOT / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def browser():
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory):
    """One gunicorn per database for this module (starting one costs seconds): (base, url, dir)."""
    kind = request.param
    if kind not in (request.config.getoption("--db") or ["sqlite", "postgresql"]):
        pytest.skip(f"--db leaves out {kind}")
    tmp_path = tmp_path_factory.mktemp(f"browser-{kind}")
    with fresh_database(kind, tmp_path, prefix="browser_") as database_url:
        migrate(database_url, tmp_path)
        seed_demo(database_url, tmp_path)
        env = server_env(database_url, tmp_path)
        with gunicorn(env, tmp_path / "gunicorn.log", workers=2) as base:
            yield base, database_url, tmp_path
    log = (tmp_path / "gunicorn.log").read_text()
    assert "Traceback" not in log, log[-3000:]


def migrate(database_url: str, tmp_path: Path) -> None:
    """Migrations in-process (test_concurrency runs them through the `meetmatch` CLI)."""
    import warnings

    from flask_migrate import upgrade

    from meetmatch import create_app
    from meetmatch.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET, "TESTING": True,
                      "MAIL_FILE_DIR": str(tmp_path / "mail")})
    with app.app_context(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'get_engine' is deprecated", DeprecationWarning)
        upgrade()
        db.session.remove()
        db.engine.dispose()


def send_mail_and_read_link(database_url: str, mail_dir: Path, base: str, to: str) -> str:
    """Run the sender once (as the worker would) and return the manage link mailed to `to`."""
    from meetmatch import create_app, mail
    from meetmatch.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET, "TESTING": True,
                      "MAIL_FILE_DIR": str(mail_dir)})
    with app.app_context():
        assert mail.send_due_messages()["sent"] >= 1
        db.session.remove()
        db.engine.dispose()
    for path in sorted(mail_dir.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"].addresses[0].addr_spec == to:
            text = message.get_body(("plain",)).get_content()
            return re.search(rf"{re.escape(base)}/e/demo/manage/\S+", text).group(0)
    raise AssertionError(f"no mail to {to}")


def watch_console(page) -> list[str]:
    """Collect script errors and CSP violations (a refused form answers 400: that one is expected)."""
    problems: list[str] = []

    def on_console(message):
        if message.type in ("error", "warning") and "status of 400" not in message.text:
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_register_follow_mailed_link_and_edit(browser, server):
    base, database_url, tmp_path = server
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = watch_console(page)

    page.goto(f"{base}/e/demo")
    assert page.get_by_role("heading", level=1).inner_text() == "Startup & Investor Afternoon"
    page.get_by_role("link", name="Register").click()
    page.wait_for_url(f"{base}/e/demo/register")

    # First a mistake (no consent): the errors are shown and nothing typed is lost.
    page.get_by_label("Your name", exact=True).fill("Brenda Browser")
    page.get_by_label("Email", exact=True).fill("brenda@example.com")
    page.get_by_label("Organisation", exact=True).fill("Tabby Labs")
    page.get_by_role("group", name="What I can offer").get_by_label("UX design").check()
    page.get_by_role("group", name="What I need").get_by_label("Seed funding").check()
    page.get_by_label("What I need, in my own words").fill("a seed lead who knows SaaS")
    page.get_by_role("group", name="Rounds I can attend").get_by_label(re.compile("^Round 5")).uncheck()
    page.get_by_role("button", name="Register").click()
    assert "Please accept the privacy notice" in page.locator(".errors-summary").inner_text()
    assert page.get_by_label("Your name", exact=True).input_value() == "Brenda Browser"
    assert page.get_by_role("group", name="What I can offer").get_by_label("UX design").is_checked()
    assert not page.get_by_role("group", name="Rounds I can attend").get_by_label(re.compile("^Round 5")).is_checked()

    page.get_by_label(re.compile("^I agree")).check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(f"{base}/e/demo/registered")
    assert "You are registered" in page.inner_text("main")

    link = send_mail_and_read_link(database_url, tmp_path / "mail", base, "brenda@example.com")
    page.goto(link)
    assert "Brenda Browser" in page.inner_text("main")
    assert page.get_by_label("Organisation", exact=True).input_value() == "Tabby Labs"
    page.get_by_label("Organisation", exact=True).fill("Tabby Labs AB")
    page.get_by_role("group", name="What I need").get_by_label("Mentoring").check()
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(link)
    assert "Your changes are saved." in page.inner_text("main")
    page.reload()
    assert page.get_by_label("Organisation", exact=True).input_value() == "Tabby Labs AB"
    assert page.get_by_role("group", name="What I need").get_by_label("Mentoring").is_checked()

    engine = sa.create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        row = conn.execute(sa.text(
            "SELECT organisation, available_rounds, status FROM attendee WHERE email = 'brenda@example.com'")).one()
        needs = conn.execute(sa.text(
            "SELECT t.name FROM attendee_need n JOIN topic t ON t.id = n.topic_id "
            "JOIN attendee a ON a.id = n.attendee_id WHERE a.email = 'brenda@example.com' ORDER BY t.name")).scalars().all()
    engine.dispose()
    assert tuple(row) == ("Tabby Labs AB", "1,2,3,4", "registered")
    assert needs == ["Mentoring", "Seed funding"]
    assert problems == [], problems  # no CSP violations, no script errors
    context.close()


def test_phone_viewport_and_keyboard_only(browser, server):
    base, _, _ = server
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = watch_console(page)
    page.goto(f"{base}/e/demo/register")
    # Nothing is wider than the phone: no sideways scrolling, inputs fit the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for field in ("#name", "#email", "#offers_text"):
        box = page.locator(field).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, field
    # Tap targets are big enough to hit with a thumb.
    box = page.get_by_role("button", name="Register").bounding_box()
    assert box["height"] >= 32
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "register-phone.png"), full_page=True)

    # Keyboard only: Tab through the form, type into text fields, Space on checkboxes, Enter to send.
    page.goto(f"{base}/e/demo/register")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    typed = {"name": "Kim Keyboard", "email": "kim@example.com"}
    ticked = set()
    for _ in range(120):
        page.keyboard.press("Tab")
        name, kind = page.evaluate("[document.activeElement.name, document.activeElement.type]")
        if name in typed:
            page.keyboard.type(typed.pop(name))
        elif kind == "checkbox" and name in ("offers", "needs", "consent") and name not in ticked:
            page.keyboard.press("Space")
            ticked.add(name)
        elif kind == "submit":
            break
    assert not typed and ticked == {"offers", "needs", "consent"}
    focus_ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus_ring != "none"  # the focused control is visible
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/e/demo/registered")
    assert problems == [], problems
    context.close()


def test_registration_works_without_javascript(browser, server):
    base, _, _ = server
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    register_in_browser(page, base, "Nora NoScript", "nora@example.com", "Mentoring",
                        "a pilot customer")
    assert "You are registered" in page.inner_text("main")
    context.close()

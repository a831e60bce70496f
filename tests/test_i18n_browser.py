"""Chromium in Swedish: switch language on the public page, register, get the confirmation at a
real SMTP server in Swedish, open the mailed link in a fresh browser: the manage page is Swedish
with Swedish dates in the event's time zone, and a change saves."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import sqlalchemy as sa
from babel.dates import format_date

from meetmatch.config import normalise_database_url

from .helpers import SECRET
from .smtp import serve_smtp
from .test_attendee_browser import browser, server, watch_console  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]


def _send_mail(database_url: str, tmp_path, smtp_port: int) -> None:
    """What the worker does: send the queued mail, here through the loopback SMTP server."""
    from meetmatch import create_app, mail
    from meetmatch.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET, "TESTING": True,
                      "MAIL_FILE_DIR": str(tmp_path / "mail"), "SMTP_HOST": "127.0.0.1",
                      "SMTP_PORT": smtp_port})
    with app.app_context():
        assert mail.send_due_messages()["sent"] >= 1
        db.session.remove()
        db.engine.dispose()


def test_swedish_registration_mail_and_manage_page(browser, server):  # noqa: F811
    base, database_url, tmp_path = server
    engine = sa.create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        first_start, zone = conn.execute(sa.text(
            "SELECT r.starts_at, e.timezone FROM round r JOIN event e ON e.id = r.event_id "
            "WHERE e.slug = 'demo' ORDER BY r.number LIMIT 1")).one()
    if isinstance(first_start, str):  # SQLite hands back text
        first_start = datetime.fromisoformat(first_start)
    swedish_date = format_date(first_start, "EEEE d MMMM y", locale="sv")  # e.g. "lördag 12 december 2026"

    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = watch_console(page)
    page.goto(f"{base}/e/demo")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("nav.languages").get_by_role("link", name="Svenska").click()
    page.wait_for_url(f"{base}/e/demo?lang=sv")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_role("heading", name="Så går det till").is_visible()
    header = page.locator("main p.muted").first.inner_text()
    assert f"{swedish_date}, {first_start:%H:%M}" in header and zone in header

    page.get_by_role("link", name="Anmäl dig").click()
    page.wait_for_url(f"{base}/e/demo/register")
    page.get_by_role("button", name="Anmäl dig").click()  # empty: the errors are Swedish
    summary = page.locator(".errors-summary").inner_text()
    assert "Rätta" in summary and "Skriv ditt namn." in summary
    page.get_by_label("Ditt namn", exact=True).fill("Sara Svensson")
    page.get_by_label("E-post", exact=True).fill("sara@example.com")
    page.get_by_label("Det här kan jag erbjuda, med egna ord").fill("Jag kan granska er prissättning")
    page.get_by_label("Det här behöver jag, med egna ord").fill("En pilotkund inom logistik")
    page.get_by_label(re.compile("^Jag godkänner")).check()
    page.get_by_role("button", name="Anmäl dig").click()
    page.wait_for_url(f"{base}/e/demo/registered")
    assert "Du är anmäld." in page.inner_text("main")
    context.close()

    with serve_smtp() as smtp:
        _send_mail(database_url, tmp_path, smtp.port)
        [message] = smtp.to("sara@example.com")
    assert message["Subject"] == "Du är anmäld till Startup & Investor Afternoon"
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("Hej Sara Svensson!")
    assert "Din privata länk för att se, ändra eller återkalla din anmälan:" in text
    link = re.search(rf"{re.escape(base)}/e/demo/manage/\S+", text).group(0)

    # A fresh browser (no session, an English Accept-Language): the stored choice decides.
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems += watch_console(page)
    page.goto(link)
    assert page.locator("html").get_attribute("lang") == "sv"
    main = page.inner_text("main")
    assert "Anmäld som Sara Svensson" in main and "Ändra din anmälan" in main
    assert swedish_date in main
    page.get_by_label("Organisation", exact=True).fill("Svenssons Logistik AB")
    page.get_by_role("button", name="Spara ändringar").click()
    page.wait_for_url(link)
    assert "Dina ändringar är sparade." in page.inner_text("main")
    context.close()

    with engine.connect() as conn:
        row = conn.execute(sa.text(
            "SELECT organisation, language FROM attendee WHERE email = 'sara@example.com'")).one()
    engine.dispose()
    assert tuple(row) == ("Svenssons Logistik AB", "sv")
    assert problems == [], problems

"""Helpers the fixtures and tests share: a fresh database, a free port, the real command line,
a real gunicorn on loopback (configured only through the environment), and Chromium."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRET = "live-server-test-secret-0123456789abcdef"
# The one place the tests' PostgreSQL comes from (conftest.py imports it from here).
POSTGRES_URL = os.environ.get(
    "MEETMATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextlib.contextmanager
def fresh_database(kind: str, tmp_path: Path, prefix: str = "t_") -> Iterator[str]:
    """A URL to an empty database: a SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / f'{prefix}test.sqlite'}"
        return
    import uuid

    import sqlalchemy as sa

    schema = prefix + uuid.uuid4().hex[:12]
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}{'&' if '?' in POSTGRES_URL else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """A clean environment: nothing from the developer's MEETMATCH_* settings leaks in."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MEETMATCH_") and k not in ("SECRET_KEY", "DATABASE_URL", "SMTP_HOST")}
    return env | {
        "PYTHONPATH": str(PROJECT_ROOT),
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "MEETMATCH_INSTANCE_PATH": str(instance),
        "MEETMATCH_MAIL_FILE_DIR": str(instance / "mail"),
        "MEETMATCH_RATELIMIT_ENABLED": "false",
        # Production settings, but plain HTTP on loopback: a Secure cookie would never come back.
        "MEETMATCH_SESSION_COOKIE_SECURE": "false",
        # As in app_config: the worker's daily retention pass never erases a fixture's event.
        "MEETMATCH_RETENTION_DAYS": "3650",
    } | extra


def meetmatch_cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the `meetmatch` console script (the app's Flask CLI)."""
    script = Path(sys.executable).parent / "meetmatch"
    command = ([str(script)] if script.exists()
               else [sys.executable, "-c", "from meetmatch.cli import main; main()"])
    result = subprocess.run([*command, *args], cwd=PROJECT_ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log: Path, workers: int = 3) -> Iterator[str]:
    """Serve wsgi:app with several worker processes on 127.0.0.1; yield the base URL."""
    port = free_port()
    env = env | {"MEETMATCH_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}  # links in mail point here
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
             "--timeout", "60", "--graceful-timeout", "5", "wsgi:app"],
            cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, "gunicorn exited:\n" + log.read_text()
                try:
                    with urllib.request.urlopen(base + "/", timeout=5) as response:
                        if response.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                assert time.monotonic() < deadline, "gunicorn did not start:\n" + log.read_text()
                time.sleep(0.2)
            yield base
        finally:
            stop_process(process)


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM (a graceful stop), then SIGKILL if it has not ended within ``timeout``."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def seed_demo(database_url: str, instance: Path) -> None:
    """Load the demo event in-process (quicker than another CLI start-up)."""
    from meetmatch import create_app
    from meetmatch.demo import seed_demo_event
    from meetmatch.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET, "TESTING": True,
                      "MAIL_FILE_DIR": str(instance / "mail")})
    with app.app_context():
        seed_demo_event()
        db.session.remove()
        db.engine.dispose()


CHROMIUM = "/usr/bin/chromium"  # Debian's; `playwright install` cannot download here


def chromium_or_skip() -> str:
    """Chromium's path for the browser tests: skipped without it, but CI must have it."""
    import pytest

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); skipped outside CI")
    return CHROMIUM


def log_in_organiser(page, base_url: str, email: str = "org@example.com",
                     password: str = "correct horse battery") -> None:
    """Log in through the organiser login page of a live server (Playwright ``page``)."""
    page.goto(f"{base_url}/organiser/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def register_in_browser(page, base_url: str, name: str, email: str, offer_topic: str,
                        need_text: str, slug: str = "demo") -> None:
    """Fill and send the English registration form of a live server (Playwright ``page``)."""
    page.goto(f"{base_url}/e/{slug}/register")
    page.get_by_label("Your name", exact=True).fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_role("group", name="What I can offer").get_by_label(offer_topic).check()
    page.get_by_label("What I need, in my own words").fill(need_text)
    page.get_by_label(re.compile("^I agree")).check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(f"{base_url}/e/{slug}/registered")


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextlib.contextmanager
def launch_chromium(args: list[str] = CHROMIUM_ARGS) -> Iterator:
    """A headless Chromium (Playwright ``Browser``), closed afterwards; skipped without one."""
    chromium = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=args)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def serve_in_thread(app) -> Iterator[str]:
    """The test's own app on a loopback port (a werkzeug server in a thread); its base URL, which
    also becomes PUBLIC_BASE_URL so mailed links point at it."""
    import threading

    from werkzeug.serving import make_server

    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(5)


def listed_three(event, make_attendee) -> tuple:
    """Ida and Leo, who suit each other, and Eva, who suits nobody; all three listed on the
    event's "Who is coming" page (the wish tests' cast)."""
    from meetmatch.models import utcnow

    ida = make_attendee(event, "Ida Berg", offers=["UX design"], needs=["Seed funding"],
                        organisation="Pixelry", listed_at=utcnow())
    leo = make_attendee(event, "Leo Sund", offers=["Seed funding"], needs=["UX design"],
                        organisation="Fund AB", listed_at=utcnow())
    eva = make_attendee(event, "Eva Holm", offers=["Mentoring"], needs=["Recruiting"],
                        organisation="Coach", listed_at=utcnow())
    return ida, leo, eva

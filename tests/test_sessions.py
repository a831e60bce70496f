"""Organiser sessions end (issue 9, #5): a session cookie copied before a logout or a password
change no longer opens anything afterwards, and logins end after an idle and an absolute
lifetime. Cookies are signed by the client, so the server keeps what ends them: each
organiser's session generation, raised by logout and a new password."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from meetmatch import security
from meetmatch.accounts import set_organiser_password

DASHBOARD = "/organiser/"


class Clock:
    """The clock session lifetimes are measured with, moved by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 10, 9, 0, tzinfo=UTC).timestamp()

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta).total_seconds()


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(security, "session_clock", lambda: clock.now)
    return clock


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def with_cookie(app, value: str):
    """Another browser that was handed a copy of the cookie."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def is_logged_in(client) -> bool:
    response = client.get(DASHBOARD)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/organiser/login")
    return response.status_code == 200


def test_a_cookie_copied_before_logout_is_refused_after_it(app, client, make_organiser, login):
    make_organiser()
    assert login().status_code == 302
    copied = session_cookie(client)
    assert is_logged_in(with_cookie(app, copied))
    assert client.post("/organiser/logout").status_code == 302
    assert not is_logged_in(client)
    assert not is_logged_in(with_cookie(app, copied))
    page = with_cookie(app, copied).get(DASHBOARD, follow_redirects=True).get_data(as_text=True)
    assert "Log in" in page


def test_logout_ends_the_sessions_on_other_devices_too(app, make_organiser):
    make_organiser()
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        device.post("/organiser/login", data={"email": "org@example.com",
                                              "password": "correct horse battery"})
        assert is_logged_in(device)
    laptop.post("/organiser/logout")
    assert not is_logged_in(phone)
    # Logging in again works, and that new session is not ended by the old logout.
    phone.post("/organiser/login", data={"email": "org@example.com", "password": "correct horse battery"})
    assert is_logged_in(phone)


def test_a_new_password_from_the_command_line_ends_old_sessions(app, client, make_organiser, login):
    make_organiser()
    login()
    copied = session_cookie(client)
    result = app.test_cli_runner().invoke(
        args=["create-organiser", "org@example.com", "--password", "a brand new passphrase"])
    assert result.exit_code == 0, result.output
    assert not is_logged_in(client)
    assert not is_logged_in(with_cookie(app, copied))
    assert login().status_code == 401  # the old password
    assert login(password="a brand new passphrase").status_code == 302
    assert is_logged_in(client)


def test_a_new_password_set_by_the_service_ends_old_sessions(app, client, make_organiser, login):
    make_organiser()
    login()
    set_organiser_password("org@example.com", "another passphrase")
    assert not is_logged_in(client)


def test_a_session_of_one_organiser_survives_another_organisers_logout(app, make_organiser):
    make_organiser()
    make_organiser(email="other@example.com")
    mine, theirs = app.test_client(), app.test_client()
    mine.post("/organiser/login", data={"email": "org@example.com", "password": "correct horse battery"})
    theirs.post("/organiser/login", data={"email": "other@example.com",
                                          "password": "correct horse battery"})
    theirs.post("/organiser/logout")
    assert is_logged_in(mine)


def test_a_cookie_without_a_generation_is_refused(app, make_organiser):
    """A cookie signed before sessions carried their generation (or by anyone with only an id)."""
    organiser = make_organiser()
    old_style = app.session_interface.get_signing_serializer(app).dumps(
        {"organiser_id": organiser.id})
    assert not is_logged_in(with_cookie(app, old_style))


def test_an_idle_session_ends(app, client, make_organiser, login, clock):
    make_organiser()
    login()
    idle = app.config["SESSION_IDLE_MINUTES"]
    clock.advance(minutes=idle - 1)
    assert is_logged_in(client)  # each request starts the idle time again
    clock.advance(minutes=idle - 1)
    assert is_logged_in(client)
    clock.advance(minutes=idle + 1)
    response = client.get(DASHBOARD, follow_redirects=True)
    assert "Your session has ended. Please log in again." in response.get_data(as_text=True)
    assert not is_logged_in(client)


def test_a_busy_session_still_ends_after_the_absolute_lifetime(app, client, make_organiser, login,
                                                               clock):
    make_organiser()
    login()
    copied = session_cookie(client)
    step = app.config["SESSION_IDLE_MINUTES"] / 2
    elapsed = 0.0
    while elapsed + step < app.config["SESSION_MAX_HOURS"] * 60:
        clock.advance(minutes=step)
        elapsed += step
        assert is_logged_in(client), f"logged out after {elapsed} minutes"
    clock.advance(minutes=step + 1)  # past the absolute lifetime, though never idle for long
    assert not is_logged_in(client)
    assert not is_logged_in(with_cookie(app, copied))


def test_lifetimes_come_from_the_configuration(make_app, make_organiser, clock):
    app = make_app(SESSION_IDLE_MINUTES=5, SESSION_MAX_HOURS=0.5)
    with app.app_context():
        make_organiser()
        client = app.test_client()
        client.post("/organiser/login", data={"email": "org@example.com", "password": "correct horse battery"})
        clock.advance(minutes=4)
        assert is_logged_in(client)
        clock.advance(minutes=6)
        assert not is_logged_in(client)
        client.post("/organiser/login", data={"email": "org@example.com", "password": "correct horse battery"})
        for _ in range(7):
            clock.advance(minutes=4)
            assert is_logged_in(client)  # up to 28 minutes, never 5 idle
        clock.advance(minutes=4)
        assert not is_logged_in(client)  # 32 minutes


def test_the_browser_drops_the_cookie_after_the_absolute_lifetime(app, make_organiser):
    make_organiser()
    response = app.test_client().post(
        "/organiser/login", data={"email": "org@example.com", "password": "correct horse battery"})
    expires = parsedate_to_datetime(response.headers["Set-Cookie"].split("Expires=")[1].split(";")[0])
    lifetime = expires - datetime.now(UTC)
    assert lifetime <= timedelta(hours=app.config["SESSION_MAX_HOURS"], minutes=1)  # not 31 days

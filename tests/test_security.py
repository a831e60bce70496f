"""Hardening (issue 2): CSRF, headers and CSP, cookies, size limits, rate limits, escaping, secrets."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from flask import g

from meetmatch import config as config_module
from meetmatch import create_app
from meetmatch.extensions import db, limiter
from meetmatch.models import Attendee

from .helpers import PROJECT_ROOT

XSS = "<script>alert(1)</script>"


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


# --- CSRF -------------------------------------------------------------------------------------

@pytest.fixture
def csrf_app(app, make_app):  # after `app`: fixtures then share this app's session
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app


def test_every_post_without_csrf_token_is_refused(csrf_app, make_event, make_attendee):
    event = make_event()
    person = make_attendee(event)
    client = csrf_app.test_client()
    values = {"slug": event.slug, "token": "x" * 43, "attendee_id": person.id,
              "other_id": person.id}
    posts = [rule for rule in csrf_app.url_map.iter_rules()
             if "POST" in rule.methods and rule.endpoint.split(".")[0] in ("attendee", "organiser")]
    assert len(posts) >= 12
    for rule in posts:
        # Every argument gets a value: a new route with a new argument is tested, not skipped.
        args = {k: values.get(k, min(getattr(rule._converters[k], "items", {1})))
                for k in rule.arguments}
        url = rule.build(args, append_unknown=False)[1]
        response = client.post(url, data={"name": "x", "email": "a@example.com", "status": "withdrawn"})
        assert response.status_code == 400, url
        assert "Bad request" in response.get_data(as_text=True)
    db.session.expire_all()
    assert person.status == "registered"


def test_registration_with_csrf_token_works(csrf_app, make_event, registration_data):
    event = make_event()
    client = csrf_app.test_client()
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    data = registration_data(event)
    assert client.post(f"/e/{event.slug}/register", data=data).status_code == 400
    assert db.session.execute(db.select(Attendee)).first() is None
    data["csrf_token"] = csrf_token(page)
    assert client.post(f"/e/{event.slug}/register", data=data).status_code == 302
    assert db.session.execute(db.select(Attendee)).scalar_one().email == "alice@example.com"


def test_manage_and_organiser_posts_with_csrf_token_work(csrf_app, make_event, make_organiser,
                                                         registration_data, outbox):
    event = make_event()
    client = csrf_app.test_client()
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    client.post(f"/e/{event.slug}/register", data=registration_data(event) | {"csrf_token": csrf_token(page)})
    path = re.search(r"http://localhost(/\S+)", outbox()[0].body_text).group(1)
    page = client.get(path).get_data(as_text=True)
    response = client.post(path + "/withdraw", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert db.session.execute(db.select(Attendee.status)).scalar_one() == "withdrawn"

    page = client.get("/organiser/login").get_data(as_text=True)
    bad = client.post("/organiser/login", data={"email": "org@example.com", "password": "correct horse battery"})
    assert bad.status_code == 400
    response = client.post("/organiser/login", data={"email": "org@example.com", "password": "correct horse battery",
                                                     "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    # Login starts a new session. Flask-WTF caches the token in g, and g outlives requests here
    # (the test's app context is reused by each request), so drop it as a new request would.
    g.pop("csrf_token", None)
    page = client.get(f"/organiser/events/{event.slug}").get_data(as_text=True)
    response = client.post(f"/organiser/events/{event.slug}/registration", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    db.session.expire_all()
    assert not event.registration_open


# --- Headers, CSP, cookies, sizes -------------------------------------------------------------

def public_and_organiser_pages(client, make_event, make_attendee, register, manage_path, login, name=XSS):
    event = make_event(name=name, venue=name, description=name, topics=(name, "Mentoring"))
    register(event, name=name, organisation=name, title=name, offers_text=name, needs_text=name,
             email="xss@example.com")
    person = db.session.execute(db.select(Attendee)).scalar_one()
    login()
    slug = event.slug
    return event, [
        "/", f"/e/{slug}", f"/e/{slug}/register", f"/e/{slug}/registered", f"/e/{slug}/link",
        manage_path("xss@example.com"), "/organiser/login", "/organiser/", "/organiser/events/new",
        f"/organiser/events/{slug}", f"/organiser/events/{slug}/edit",
        f"/organiser/events/{slug}/attendees/{person.id}", f"/organiser/events/{slug}/import",
        f"/organiser/events/{slug}?q={name}", "/e/nope",
    ]


def test_security_headers_and_no_inline_script_or_style(client, make_event, make_attendee, register,
                                                        manage_path, login):
    _, pages = public_and_organiser_pages(client, make_event, make_attendee, register, manage_path, login)
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        page = response.get_data(as_text=True)
        for script in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in script, (url, script)
        assert not re.search(r"<[^>]+\sstyle=", page), url
        assert not re.search(r"<[^>]+\son[a-z]+=", page, re.I), url
        assert "<style" not in page, url
    with client.get("/static/style.css") as response:
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_script_in_user_input_is_shown_as_text_on_every_page_and_in_mail(
        client, make_event, make_attendee, register, manage_path, login, outbox):
    event, pages = public_and_organiser_pages(client, make_event, make_attendee, register, manage_path, login)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for url in pages:
        page = client.get(url).get_data(as_text=True)
        assert XSS not in page, url
    showing_the_name = [url for url in pages if url not in (
        "/", "/organiser/login", "/organiser/events/new", "/e/nope")]
    for url in showing_the_name:
        assert escaped in client.get(url).get_data(as_text=True), url
    [message] = outbox()
    assert XSS not in message.body_html and escaped in message.body_html
    assert XSS in message.body_text  # plain text shows exactly what was typed
    assert XSS in message.subject
    # A failed form shows the input back escaped too.
    response = client.post(f"/e/{event.slug}/register", data={"name": XSS, "email": XSS})
    assert XSS not in response.get_data(as_text=True)
    assert escaped in response.get_data(as_text=True)


def test_session_cookie_flags_in_production(make_app, make_organiser, tmp_path):
    app = make_app(ENV="production", TESTING=False, SECRET_KEY="a-real-secret-9fK2xQ7mLp4ZrT8wNb6Tm3Yc5Fd1")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    with app.app_context():
        from meetmatch.accounts import set_organiser_password

        set_organiser_password("org@example.com", "correct horse battery")
    response = app.test_client().post(
        "/organiser/login", data={"email": "org@example.com", "password": "correct horse battery"},
        base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_request_size_is_limited(client, make_event, make_organiser, login):
    event = make_event()
    login()
    big = b"--b\r\nContent-Disposition: form-data; name=file; filename=a.csv\r\n\r\n" + b"x" * (3 << 20)
    response = client.post(f"/organiser/events/{event.slug}/import", data=big,
                           content_type="multipart/form-data; boundary=b")
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)
    response = client.post(f"/e/{event.slug}/register", data=b"name=" + b"x" * (3 << 20),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413


# --- Rate limits ------------------------------------------------------------------------------

@pytest.fixture
def limited_app(app, make_app):  # after `app`: the limiter is one per process, the last init wins
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        limiter.reset()
        yield app
        limiter.reset()


def test_registration_is_rate_limited(limited_app, make_event, registration_data):
    event = make_event()
    client = limited_app.test_client()
    codes = [client.post(f"/e/{event.slug}/register",
                         data=registration_data(event, email=f"p{i}@example.com")).status_code
             for i in range(6)]
    assert codes == [302] * 5 + [429]
    response = client.post(f"/e/{event.slug}/register", data=registration_data(event, email="late@example.com"))
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert client.get(f"/e/{event.slug}/register").status_code == 200  # reading is never limited
    assert db.session.execute(db.select(db.func.count(Attendee.id))).scalar() == 5


def test_link_resend_is_rate_limited(limited_app, make_event):
    event = make_event()
    client = limited_app.test_client()
    codes = [client.post(f"/e/{event.slug}/link", data={"email": f"p{i}@example.com"}).status_code
             for i in range(4)]
    assert codes == [302, 302, 302, 429]


def test_login_is_rate_limited(limited_app, make_organiser):
    make_organiser()
    client = limited_app.test_client()
    codes = [client.post("/organiser/login", data={"email": "org@example.com", "password": "guess"}).status_code
             for _ in range(6)]
    assert codes == [401] * 5 + [429]
    right = client.post("/organiser/login", data={"email": "org@example.com", "password": "correct horse battery"})
    assert right.status_code == 429


# --- Secrets ----------------------------------------------------------------------------------

@pytest.mark.parametrize("secret", [None, "", config_module.DEV_SECRET_KEY])
def test_refuses_to_start_in_production_without_a_real_secret(tmp_path, secret):
    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}", "SECRET_KEY": secret}
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(settings)


def _start(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith("MEETMATCH_") and k not in ("SECRET_KEY", "DATABASE_URL")}
    environment |= {"MEETMATCH_INSTANCE_PATH": str(tmp_path), "PYTHONPATH": str(PROJECT_ROOT)} | env
    return subprocess.run([sys.executable, "-c", "import wsgi"], cwd=PROJECT_ROOT, env=environment,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.slow  # three fresh Python processes
def test_wsgi_refuses_default_secret_from_the_environment(tmp_path):
    refused = _start(tmp_path)
    assert refused.returncode != 0
    assert "SECRET_KEY is missing or is the development default" in refused.stderr
    assert _start(tmp_path, SECRET_KEY="s3cret-7Hq9ZkP2wLx4Rv8Nb6Tm3Yc5Fd1Gj0Ue").returncode == 0, "real secret"
    assert _start(tmp_path, MEETMATCH_ENV="development").returncode == 0, "development"


def test_forwarded_headers_are_trusted_only_when_configured(make_app):
    """Behind a TLS proxy: HTTPS (HSTS) and the client address come from X-Forwarded-* headers."""
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    direct = make_app().test_client().get("/", headers=forwarded)
    assert "Strict-Transport-Security" not in direct.headers  # a client could fake these headers
    proxied_app = make_app(TRUSTED_PROXIES=1)
    seen = {}

    @proxied_app.get("/_whoami")
    def whoami():
        from flask import request

        seen["addr"] = request.remote_addr
        return "ok"

    proxied = proxied_app.test_client().get("/_whoami", headers=forwarded)
    assert proxied.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert seen["addr"] == "203.0.113.9"

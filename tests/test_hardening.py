"""Smaller hardening (issue 9, #11): private downloads are never cached, invisible and
bidirectional-override characters are refused, production refuses weak secrets and debug mode,
and the demo never brings its published password to a production server."""

from __future__ import annotations

import io
import re
import secrets

import pytest
from flask.cli import ScriptInfo

from meetmatch import ConfigError, create_app
from meetmatch.demo import DEMO_ORGANISER_EMAIL, DEMO_ORGANISER_PASSWORD, DEMO_SLUG
from meetmatch.extensions import db
from meetmatch.models import Attendee, Event, Organiser

from .helpers import SECRET as LIVE_SERVER_SECRET

STRONG_SECRET = "kV9q-2Lr_x7TzW4bN8cH3mYp6FdJs1Ag"


def attendees():
    db.session.expire_all()
    return db.session.execute(db.select(Attendee).order_by(Attendee.id)).scalars().all()


# --- Caching -----------------------------------------------------------------------------------

def test_attendee_export_is_never_stored_by_a_cache(client, make_event, make_attendee, login):
    event = make_event()
    make_attendee(event, name="Alice Park", email="alice@example.com")
    login()
    response = client.get(f"/organiser/events/{event.slug}/attendees.csv")
    assert response.status_code == 200 and "alice@example.com" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_may_still_be_cached(client):
    response = client.get("/static/style.css")
    response.close()
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


# --- Invisible characters ----------------------------------------------------------------------

INVISIBLE = {
    "right-to-left override": "\u202e",
    "left-to-right embedding": "\u202a",
    "pop directional formatting": "\u202c",
    "first strong isolate": "\u2068",
    "pop directional isolate": "\u2069",
    "zero width space": "\u200b",
    "right-to-left mark": "\u200f",
    "byte order mark": "\ufeff",
    "word joiner": "\u2060",
    "soft hyphen": "\u00ad",
    "Hangul filler": "\u3164",
    "tag letter": "\U000e0041",
}


@pytest.mark.parametrize("field", ["name", "organisation", "needs_text"])
@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_registration_refuses_invisible_characters(client, make_event, registration_data, field, char):
    event = make_event()
    value = {"name": "Ann{}gnp.exe", "organisation": "Pixel{}ry", "needs_text": "a seed{} lead"}[field]
    response = client.post(f"/e/{event.slug}/register",
                           data=registration_data(event, **{field: value.format(char)}))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Remove the invisible control characters" in page and f'id="{field}-error"' in page
    assert attendees() == []


@pytest.mark.parametrize("name", [
    "Mehrnaz Nik\u200cnam",            # Persian zero-width non-joiner between letters
    "\u0dc1\u0dca\u200d\u0dbb\u0dd3 Perera",  # Sinhala "Sri" needs a zero-width joiner
    "Dev \U0001f469\u200d\U0001f4bb",  # an emoji made with a joiner
    "Zoë Ö'Brien-Łukasz",
])
def test_registration_keeps_names_that_need_joiners(client, make_event, registration_data, name):
    event = make_event()
    response = client.post(f"/e/{event.slug}/register", data=registration_data(event, name=name))
    assert response.status_code == 302
    assert [a.name for a in attendees()] == [name]


@pytest.mark.parametrize("field", ["name", "description"])
def test_event_form_refuses_a_bidi_override(client, make_event, login, field):
    event = make_event()
    login()
    data = {"name": "Summit", "slug": event.slug, "description": "Welcome", "venue": "Hall A",
            "day": "2026-12-10", "timezone": "Europe/Stockholm", "custom_rounds": "13:00 15",
            "topics": "A\nB", "registration_open": "y", "mutuality": ""}
    bad = client.post(f"/organiser/events/{event.slug}/edit",
                      data=data | {field: "Bring your \u202egnp.exe"})
    assert bad.status_code == 400
    assert "Remove the invisible control characters" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).name.startswith("Test event")
    assert client.post(f"/organiser/events/{event.slug}/edit", data=data).status_code == 302


def test_csv_import_refuses_invisible_characters(client, make_event, login):
    event = make_event()
    login()
    text = "name,email\nAlice Park,alice@example.com\nBen\u2066 Okafor,ben@example.com\n"
    response = client.post(f"/organiser/events/{event.slug}/import",
                           data={"file": (io.BytesIO(text.encode()), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Line 3: invisible control characters in name" in response.get_data(as_text=True)
    assert attendees() == []


# --- Production: secrets and debug -------------------------------------------------------------

def _production(tmp_path, **settings):
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite'}", "ENV": "production",
            "SECRET_KEY": STRONG_SECRET, "RATELIMIT_ENABLED": False} | settings


@pytest.mark.parametrize("secret, why", [
    ("short-but-random-7Fq2", "characters; use at least 32"),
    ("x" * 64, "different characters"),
    ("a-real-secret-" + "x" * 32, "different characters"),
    ("s3cret-" * 8, "different characters"),
    ("0123456789abcdef" * 4, "repeats a shorter pattern"),
])
def test_production_refuses_a_weak_secret_key(tmp_path, secret, why):
    with pytest.raises(ConfigError, match="SECRET_KEY is too weak") as refused:
        create_app(_production(tmp_path, SECRET_KEY=secret))
    assert why in str(refused.value)
    assert secret not in str(refused.value)  # the key itself never reaches a log


@pytest.mark.parametrize("secret", [secrets.token_hex(32), secrets.token_urlsafe(32),
                                    secrets.token_hex(16), LIVE_SERVER_SECRET])
def test_production_accepts_a_random_secret_key(tmp_path, secret):
    assert create_app(_production(tmp_path, SECRET_KEY=secret)).config["SECRET_KEY"] == secret


def test_weak_secret_key_is_fine_outside_production(tmp_path):
    create_app(_production(tmp_path, ENV="development", SECRET_KEY="dev"))


def test_flask_debug_is_ignored_in_production(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    # As `meetmatch run` / `flask run` load it: the CLI sets app.debug from FLASK_DEBUG afterwards.
    app = ScriptInfo(create_app=lambda: create_app(_production(tmp_path))).load_app()
    assert app.debug is False

    from flask.helpers import get_debug_flag

    assert get_debug_flag() is False  # `run` decides on its debugger and reloader from this

    @app.get("/_boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/_boom", base_url="https://localhost")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "secret internals" not in page


def test_flask_debug_still_works_in_development(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = ScriptInfo(create_app=lambda: create_app(_production(tmp_path, ENV="development"))).load_app()
    assert app.debug is True


# --- seed-demo in production -------------------------------------------------------------------

@pytest.fixture
def production_app(make_app):
    app = make_app(ENV="production", TESTING=False, SECRET_KEY=STRONG_SECRET)
    with app.app_context():
        yield app


def _demo_login(app, password):
    return app.test_client().post("/organiser/login", base_url="https://localhost",
                                  data={"email": DEMO_ORGANISER_EMAIL, "password": password})


def test_seed_demo_refuses_production_without_force(production_app):
    result = production_app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "production" in result.output and "--force" in result.output
    assert db.session.execute(db.select(Event)).first() is None
    assert db.session.execute(db.select(Organiser)).first() is None


def test_seed_demo_in_production_never_uses_the_published_password(production_app):
    result = production_app.test_cli_runner().invoke(args=["seed-demo", "--force"])
    assert result.exit_code == 0, result.output
    password = re.search(rf"Organiser login: {re.escape(DEMO_ORGANISER_EMAIL)} / (\S+)",
                         result.output).group(1)
    assert password != DEMO_ORGANISER_PASSWORD and len(password) >= 16
    assert db.session.execute(db.select(Event).filter_by(slug=DEMO_SLUG)).scalar_one()
    assert _demo_login(production_app, DEMO_ORGANISER_PASSWORD).status_code == 401
    assert _demo_login(production_app, password).status_code == 302
    again = production_app.test_cli_runner().invoke(args=["seed-demo", "--force"])
    assert again.exit_code == 0 and "(password unchanged)" in again.output
    assert _demo_login(production_app, password).status_code == 302


def test_seed_demo_in_production_replaces_a_published_password_left_from_before(production_app):
    from meetmatch.accounts import set_organiser_password

    set_organiser_password(DEMO_ORGANISER_EMAIL, DEMO_ORGANISER_PASSWORD)  # e.g. seeded in development
    result = production_app.test_cli_runner().invoke(args=["seed-demo", "--force"])
    assert result.exit_code == 0, result.output
    assert DEMO_ORGANISER_PASSWORD not in result.output
    assert _demo_login(production_app, DEMO_ORGANISER_PASSWORD).status_code == 401

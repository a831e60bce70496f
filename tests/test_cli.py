"""The `meetmatch` command: create-organiser and seed-demo."""

from __future__ import annotations

from meetmatch.demo import DEMO_ORGANISER_EMAIL, DEMO_ORGANISER_PASSWORD, DEMO_SLUG
from meetmatch.extensions import db
from meetmatch.models import Attendee, Event, Organiser


def test_create_organiser_prompts_for_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-organiser", "Ada@Example.com", "--name", "Ada"],
                           input="long enough pw\nlong enough pw\n")
    assert result.exit_code == 0, result.output
    assert "Created organiser ada@example.com." in result.output
    assert "long enough pw" not in result.output  # the prompt hides what is typed
    organiser = db.session.execute(db.select(Organiser)).scalar_one()
    assert organiser.name == "Ada" and organiser.check_password("long enough pw")
    result = runner.invoke(args=["create-organiser", "ada@example.com"], input="another password\nanother password\n")
    assert "Updated organiser ada@example.com." in result.output
    db.session.expire_all()
    assert organiser.check_password("another password")


def test_create_organiser_refuses_short_or_mismatched_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-organiser", "ada@example.com"], input="short\nshort\n")
    assert result.exit_code != 0 and "at least 8 characters" in result.output
    result = runner.invoke(args=["create-organiser", "ada@example.com"],
                           input="long enough pw\ndifferent pw\n")
    assert result.exit_code != 0
    assert db.session.execute(db.select(Organiser)).first() is None


def test_seed_demo_is_idempotent(app, client, login):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Created the demo event" in first.output
    assert f"{DEMO_ORGANISER_EMAIL} / {DEMO_ORGANISER_PASSWORD}" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "Kept the demo event" in second.output
    assert db.session.execute(db.select(db.func.count(Event.id))).scalar() == 1
    assert db.session.execute(db.select(db.func.count(Organiser.id))).scalar() == 1
    count = db.session.execute(db.select(db.func.count(Attendee.id))).scalar()
    assert 35 <= count <= 45
    # The printed login works and shows the demo event.
    login(DEMO_ORGANISER_EMAIL, DEMO_ORGANISER_PASSWORD)
    assert "Startup &amp; Investor Afternoon" in client.get("/organiser/").get_data(as_text=True)
    assert client.get(f"/organiser/events/{DEMO_SLUG}").status_code == 200


def test_help_without_secret_key_says_why_in_one_line(tmp_path):
    """A new user's first `meetmatch --help` in production mode: the command list and one
    note about SECRET_KEY, not a page of traceback."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "MEETMATCH_ENV", "FLASK_APP")}
    env["MEETMATCH_INSTANCE_PATH"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-c", "from meetmatch.cli import main; main(prog_name='meetmatch')", "--help"], capture_output=True,
                            text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "SECRET_KEY is missing" in result.stderr
    for command in ("worker", "seed-demo", "solve", "build-schedule", "backup"):
        assert f"\n  {command} " in result.stdout

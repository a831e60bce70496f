"""Manage-link tokens never reach a log line: gunicorn's access log (the README's command
line), the development server's request lines and Flask's exception lines."""

from __future__ import annotations

import logging
import re
import urllib.error
import urllib.request

import pytest

from meetmatch.extensions import db
from meetmatch.log_privacy import redact

from .helpers import gunicorn, server_env


def test_redact_replaces_only_the_token():
    assert redact('GET /e/demo/manage/AbC-_12x/withdraw?x=1 HTTP/1.1') == \
        'GET /e/demo/manage/[token]/withdraw?x=1 HTTP/1.1'
    assert redact("/e/demo/register") == "/e/demo/register"


def test_development_server_and_app_logs_are_redacted(app, caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("werkzeug").info('%s - - "%s" %s %s', "127.0.0.1",
                                       "GET /e/demo/manage/s3cretT0ken HTTP/1.1", 200, "-")
    app.logger.error("Exception on %s [%s]", "/e/demo/manage/s3cretT0ken/delete", "POST")
    text = caplog.text
    assert "s3cretT0ken" not in text
    assert text.count("/e/demo/manage/[token]") == 2


@pytest.mark.slow
def test_gunicorn_access_log_never_shows_a_token(app, database_url, make_event, register,
                                                 manage_path, tmp_path):
    event = make_event()
    register(event)
    path = manage_path("alice@example.com")
    token = path.rsplit("/", 1)[1]
    db.session.remove()
    log = tmp_path / "gunicorn.log"
    env = server_env(database_url, tmp_path, GUNICORN_CMD_ARGS=(
        "--access-logfile - --logger-class meetmatch.log_privacy.RedactingGunicornLogger"))
    with gunicorn(env, log, workers=1) as base:
        for suffix in ("", "/data.json", "/nope"):
            request = urllib.request.Request(base + path + suffix,
                                             headers={"Referer": base + path})
            try:
                urllib.request.urlopen(request, timeout=10).read()
            except urllib.error.HTTPError as error:
                assert error.code == 404
    text = log.read_text()
    assert token not in text
    assert len(re.findall(rf"GET /e/{event.slug}/manage/\[token\]", text)) == 3, text

"""Schedule mail can be queued where there is no web request (the worker, the CLI, a shell)."""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

from flask import has_request_context

from meetmatch.schedules import mail as schedule_mail
from meetmatch.worker import work_once


def test_send_schedules_without_a_request_uses_the_public_base_url(app, published):
    app.config["PUBLIC_BASE_URL"] = "https://meet.example.org/"
    event, version = published()
    assert not has_request_context()
    assert schedule_mail.send_schedules(version) == len(event.attendees)
    work_once()
    files = sorted(Path(app.config["MAIL_FILE_DIR"]).glob("*.eml"))
    assert len(files) == len(event.attendees)
    message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    [link] = re.findall(r"https://meet\.example\.org/e/[^\s]+/manage/[^\s]+", text)
    assert link.startswith(f"https://meet.example.org/e/{event.slug}/manage/")
    # the link works: it opens the attendee's page with their schedule
    response = app.test_client().get(link.removeprefix("https://meet.example.org"))
    assert response.status_code == 200 and "Your schedule" in response.get_data(as_text=True)

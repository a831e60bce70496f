"""The outbox lease migration: mail stuck in 'sending' before it is sent after it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from meetmatch import mail
from meetmatch.extensions import db
from meetmatch.models import OutboxMessage

LEASES = "0ef7c87ebb40"  # the migration that adds lease_until, message_id and queued_at


def test_mail_stuck_in_sending_before_the_upgrade_is_sent_after_it(make_app):
    app = make_app(create_schema=False)
    with app.app_context():
        scripts = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        upgrade(revision=scripts.get_revision(LEASES).down_revision)
        now = datetime(2026, 11, 1, 12, 0)
        with db.engine.begin() as conn:  # a worker died mid-send under the old code
            conn.execute(sa.text(
                "INSERT INTO outbox_message (kind, to_name, to_addr, subject, body_text, status, "
                "attempts, next_attempt_at, created_at) VALUES ('manage_link', 'Bo', 'bo@example.com', "
                "'Your link', 'Hello', 'sending', 1, :now, :now)"), {"now": now})
        upgrade()
        assert mail.send_due_messages() == {"sent": 1, "retry": 0, "failed": 0}
        row = db.session.execute(db.select(OutboxMessage)).scalar_one()
        assert row.status == "sent" and row.attempts == 2
        [eml] = list(Path(app.config["MAIL_FILE_DIR"]).glob("*.eml"))
        assert b"Message-ID: <outbox1.20261101120000@meetmatch.invalid>" in eml.read_bytes()
        db.session.remove()

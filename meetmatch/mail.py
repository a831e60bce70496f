"""The outbox: queue mail in the caller's transaction, send it later from the worker.

``queue_message`` adds a row to the session of the change that causes the mail, so the mail
exists exactly when the change commits. ``send_due_messages`` (run by ``meetmatch worker``)
claims queued rows one at a time with a compare-and-set update, sends them over SMTP (or
writes ``.eml`` files when no SMTP server is configured) and marks each one sent. Temporary
SMTP failures (4xx, connection errors) are retried with exponential backoff; permanent ones
(5xx) are recorded and never retried. A claimed row is never claimed again, so no message is
sent twice even with several workers.
"""

from __future__ import annotations

import base64
import json
import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from sqlalchemy import update

from .extensions import db
from .mail_headers import MAIL_POLICY, check_mail_from, header_text, header_text_problem
from .models import OutboxMessage, utcnow

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "text/calendar"
    data: bytes


def already_queued(dedupe_key: str | None) -> bool:
    """True when a message with this dedupe key is already in the outbox (queued, sent or failed)."""
    return dedupe_key is not None and db.session.execute(
        db.select(OutboxMessage.id).filter_by(dedupe_key=dedupe_key)
    ).scalar_one_or_none() is not None


def queue_message(
    *,
    kind: str,
    to_addr: str,
    to_name: str,
    template: str,
    context: dict[str, Any],
    event_id: int | None = None,
    attendee_id: int | None = None,
    dedupe_key: str | None = None,
    attachments: list[Attachment] | None = None,
) -> OutboxMessage | None:
    """Render ``email/<template>.txt`` (+ ``.html`` and ``_subject.txt``) into an outbox row.

    The row is added to the current session and committed with the caller's change. With a
    ``dedupe_key`` that is already queued or sent, nothing is added and None is returned.
    """
    if already_queued(dedupe_key):
        return None
    subject = " ".join(render_template(f"email/{template}_subject.txt", **context).split())
    body_text = render_template(f"email/{template}.txt", **context)
    body_html = render_template(f"email/{template}.html", **context)
    message = OutboxMessage(
        kind=kind,
        to_addr=to_addr,
        to_name=to_name,
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        event_id=event_id,
        attendee_id=attendee_id,
        dedupe_key=dedupe_key,
        attachments=_encode_attachments(attachments) if attachments else None,
    )
    db.session.add(message)
    return message


def _encode_attachments(attachments: list[Attachment]) -> str:
    return json.dumps(
        [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "data": base64.b64encode(a.data).decode("ascii"),
            }
            for a in attachments
        ]
    )


def decode_attachments(raw: str | None) -> list[Attachment]:
    if not raw:
        return []
    return [
        Attachment(item["filename"], item["content_type"], base64.b64decode(item["data"]))
        for item in json.loads(raw)
    ]


def build_email(message: OutboxMessage, mail_from: str) -> EmailMessage:
    """A MIME message whose headers are exactly the ones set here.

    Names and subjects go through ``header_text`` (one line, no encoded-word syntax); the
    message is built with ``MAIL_POLICY`` and rendered once here, so a header that would still
    break into extra lines raises (and the message fails) instead of being sent.
    """
    if header_text_problem(message.to_addr):
        raise ValueError(f"the address {message.to_addr!r} cannot be put in a mail header")
    sender = check_mail_from(mail_from)
    email = EmailMessage(policy=MAIL_POLICY)
    email["Subject"] = header_text(message.subject)
    email["From"] = sender
    email["To"] = Address(display_name=header_text(message.to_name), addr_spec=message.to_addr)
    email["Date"] = format_datetime(datetime.now(UTC))
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}", domain=sender.domain)
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    for attachment in decode_attachments(message.attachments):
        maintype, subtype = attachment.content_type.split("/", 1)
        email.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    email.as_bytes()  # renders every header through the verifying policy; raises if unsafe
    return email


class PermanentFailure(Exception):
    pass


class TemporaryFailure(Exception):
    pass


def _deliver(email: EmailMessage, config: dict[str, Any]) -> None:
    host = config.get("SMTP_HOST")
    if not host:
        _write_file(email, Path(config["MAIL_FILE_DIR"]))
        return
    smtp_class = smtplib.SMTP_SSL if config.get("SMTP_SSL") else smtplib.SMTP
    try:
        with smtp_class(host, int(config.get("SMTP_PORT") or 25), timeout=30) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD", ""))
            smtp.send_message(email)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            raise PermanentFailure(_describe(error)) from error
        raise TemporaryFailure(_describe(error)) from error
    except smtplib.SMTPResponseException as error:
        if 500 <= error.smtp_code < 600:
            raise PermanentFailure(f"{error.smtp_code} {_decode(error.smtp_error)}") from error
        raise TemporaryFailure(f"{error.smtp_code} {_decode(error.smtp_error)}") from error
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        raise TemporaryFailure(_describe(error)) from error


def _decode(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


def _write_file(email: EmailMessage, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%d-%H%M%S-%f")
    (directory / f"{stamp}.eml").write_bytes(bytes(email))


def _claim(message_id: int) -> bool:
    """Compare-and-set queued → sending; only one worker can win a message."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "queued")
        .values(status="sending", attempts=OutboxMessage.attempts + 1)
    ).rowcount
    db.session.commit()
    return claimed == 1


def send_due_messages(limit: int = 50) -> dict[str, int]:
    """Send up to ``limit`` due messages; return counts of sent, retried and failed."""
    config = current_app.config
    counts = {"sent": 0, "retry": 0, "failed": 0}
    due_ids = db.session.execute(
        db.select(OutboxMessage.id)
        .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).scalars().all()
    db.session.commit()
    for message_id in due_ids:
        if not _claim(message_id):
            continue
        message = db.session.get(OutboxMessage, message_id)
        try:
            try:
                built = build_email(message, config["MAIL_FROM"])
            except Exception as error:  # e.g. an unparsable address: it will never send, so say so
                raise PermanentFailure(f"cannot build the message: {_describe(error)}") from error
            _deliver(built, config)
        except PermanentFailure as error:
            message.status = "failed"
            message.last_error = str(error)
            counts["failed"] += 1
        except TemporaryFailure as error:
            message.last_error = str(error)
            if message.attempts >= int(config.get("MAIL_MAX_ATTEMPTS", 6)):
                message.status = "failed"
                counts["failed"] += 1
            else:
                message.status = "queued"
                delay = min(BACKOFF_BASE_SECONDS * 2 ** (message.attempts - 1), BACKOFF_MAX_SECONDS)
                message.next_attempt_at = utcnow() + timedelta(seconds=delay)
                counts["retry"] += 1
        else:
            message.status = "sent"
            message.sent_at = utcnow()
            message.last_error = None
            counts["sent"] += 1
        db.session.commit()
        log.info("outbox %s → %s: %s", message.id, message.to_addr, message.status)
    return counts


def requeue_message(message: OutboxMessage) -> None:
    """Send a failed message again (the organiser pressed "resend")."""
    message.status = "queued"
    message.next_attempt_at = utcnow()
    message.last_error = None

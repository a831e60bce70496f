"""The outbox: queue mail in the caller's transaction, send it later from the worker.

``queue_message`` adds a row to the session of the change that causes the mail, so the mail
exists exactly when the change commits; its Message-ID is fixed then, once.
``send_due_messages`` (run by ``meetmatch worker``) sends due rows in three steps, and never
holds a transaction while it talks to the SMTP server (on SQLite that would hold the database's
write lock and stall every registration behind a slow mail server):

1. claim: a compare-and-set update marks the row ``sending`` with a lease (``lease_until``) and
   counts the attempt; the message is built and the transaction commits;
2. deliver over SMTP (or write an ``.eml`` file when no SMTP server is configured), outside
   any transaction;
3. record the outcome in a new short transaction, only if this attempt still holds the claim.

A worker that dies mid-send leaves its row ``sending``; once the lease has passed, another
worker sends it again with the same Message-ID, so a copy that did arrive is recognisable.
Temporary SMTP failures (4xx, connection errors) are retried with exponential backoff capped
at MAIL_BACKOFF_MAX_SECONDS for MAIL_RETRY_HOURS; permanent ones (5xx) fail at once.
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
from sqlalchemy import and_, case, or_, update

from .extensions import db
from .i18n import force_locale, gettext, language_of, language_of_event, ngettext
from .mail_headers import MAIL_POLICY, check_mail_from, header_text, header_text_problem
from .models import Attendee, Event, OutboxMessage, utcnow

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
INTERRUPTED = ("The previous attempt was interrupted (the worker stopped while sending); "
               "sent again with the same Message-ID.")


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
    language: str | None = None,
) -> OutboxMessage | None:
    """Render ``email/<template>.txt`` (+ ``.html`` and ``_subject.txt``) into an outbox row.

    The row is added to the current session and committed with the caller's change. With a
    ``dedupe_key`` that is already queued or sent, nothing is added and None is returned.
    The mail is in ``language``; by default the recipient attendee's (their choice, else the
    event's), else the event's default language.
    """
    if already_queued(dedupe_key):
        return None
    with force_locale(language or mail_language(attendee_id, event_id)):
        subject = " ".join(render_template(f"email/{template}_subject.txt", **context).split())
        body_text = render_template(f"email/{template}.txt", **context)
        body_html = render_template(f"email/{template}.html", **context)
    now = utcnow()
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
        message_id=make_msgid(domain=_mail_domain(current_app.config["MAIL_FROM"])),
        queued_at=now,
        next_attempt_at=now,
    )
    db.session.add(message)
    return message


def mail_language(attendee_id: int | None, event_id: int | None) -> str:
    """The language of mail to this attendee (or, without one, of the event)."""
    attendee = db.session.get(Attendee, attendee_id) if attendee_id is not None else None
    if attendee is not None:
        return language_of(attendee)
    event = db.session.get(Event, event_id) if event_id is not None else None
    return language_of_event(event)


def _mail_domain(mail_from: str) -> str:
    try:
        return check_mail_from(mail_from).domain
    except ValueError:
        return "meetmatch.invalid"


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
    reply_to = _reply_to(message.event_id)
    if reply_to is not None:
        email["Reply-To"] = reply_to
    email["Date"] = format_datetime(datetime.now(UTC))
    email["Message-ID"] = message.message_id or _fallback_message_id(message, sender.domain)
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    for attachment in decode_attachments(message.attachments):
        # "text/calendar; charset=utf-8; method=REQUEST": the parameters go on the part's header
        ctype, *extra = (part.strip() for part in attachment.content_type.split(";"))
        maintype, subtype = ctype.split("/", 1)
        params = dict(p.split("=", 1) for p in extra if "=" in p)
        email.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename,
            params=params,
        )
    email.as_bytes()  # renders every header through the verifying policy; raises if unsafe
    return email


def contact_address(event: Event | None) -> str | None:
    """The event's contact address when it is safe to put in a header (the form checks it;
    older rows may not have been), else None."""
    contact = (event.contact_email or "").strip() if event is not None else ""
    if not contact or header_text_problem(contact) or contact.count("@") != 1 or " " in contact:
        return None
    return contact


def _reply_to(event_id: int | None) -> Address | None:
    """The event's contact for Reply-To: answers reach the organiser, not the sending address.
    Read when the mail is built, so a corrected address applies to mail still queued."""
    event = db.session.get(Event, event_id) if event_id is not None else None
    contact = contact_address(event)
    if contact is None:
        return None
    try:
        return Address(display_name=header_text(event.name), addr_spec=contact)
    except (ValueError, IndexError):
        return None


def _fallback_message_id(message: OutboxMessage, domain: str) -> str:
    """Rows queued before Message-IDs were stored: derived from the row, so retries share it."""
    created = (message.created_at or datetime(1970, 1, 1)).strftime("%Y%m%d%H%M%S")
    return f"<outbox{message.id}.{created}@{domain or 'meetmatch.invalid'}>"


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


def _claimable(now: datetime):
    """Due and queued, or claimed by a worker whose lease has run out (it died mid-send)."""
    return or_(
        and_(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == "sending",
             or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now)),
    )


def _claim(message_id: int) -> bool:
    """Compare-and-set to ``sending`` with a lease; only one worker can win an attempt.

    The caller commits (after building the message, in the same short transaction).
    """
    now = utcnow()
    lease = timedelta(seconds=float(current_app.config.get("MAIL_LEASE_SECONDS", 600)))
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now))
        .values(
            status="sending",
            attempts=OutboxMessage.attempts + 1,
            lease_until=now + lease,
            last_error=case((OutboxMessage.status == "sending", INTERRUPTED),
                            else_=OutboxMessage.last_error),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1


@dataclass(frozen=True)
class _Attempt:
    """What step 3 needs, copied out so nothing touches the database during delivery."""

    id: int
    attempt: int
    to_addr: str
    window_start: datetime
    language: str = "en"  # the event's: our own words in ``last_error`` are in it


def _record(attempt: _Attempt, **values: Any) -> bool:
    """Store an outcome, if this attempt still holds the claim (its lease may have passed and
    another worker may have claimed the row since)."""
    recorded = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == attempt.id, OutboxMessage.status == "sending",
               OutboxMessage.attempts == attempt.attempt)
        .values(lease_until=None, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not recorded:
        log.warning("outbox %s: attempt %s lost its claim; outcome not recorded",
                    attempt.id, attempt.attempt)
    return recorded == 1


def retry_delay(attempts: int, config: dict[str, Any]) -> timedelta:
    """Exponential backoff after ``attempts`` failed tries: 30 s, 1 min, 2 min … capped."""
    cap = float(config.get("MAIL_BACKOFF_MAX_SECONDS", 1800))
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** min(attempts - 1, 30), cap))


def _after_temporary_failure(attempt: _Attempt, error: str, config: dict[str, Any]) -> dict[str, Any]:
    """Queue again, or give up once the retry window (or an optional attempt cap) is used up."""
    now = utcnow()
    window_end = attempt.window_start + timedelta(hours=float(config.get("MAIL_RETRY_HOURS", 48)))
    cap = int(config.get("MAIL_MAX_ATTEMPTS") or 0)
    if now >= window_end or (cap and attempt.attempt >= cap):
        with force_locale(attempt.language):
            why = ngettext("Gave up after %(num)s attempt: %(error)s",
                           "Gave up after %(num)s attempts: %(error)s", attempt.attempt, error=error)
        return {"status": "failed", "last_error": why[:1000]}
    return {"status": "queued", "last_error": error,
            "next_attempt_at": min(now + retry_delay(attempt.attempt, config), window_end)}


def _claim_and_build(message_id: int, mail_from: str) -> tuple[_Attempt, EmailMessage | None] | None:
    """Step 1, one short transaction: claim, build, commit.

    None: another worker has it. A message that cannot be built is marked failed at once
    (it would never send) and comes back without an email.
    """
    if not _claim(message_id):
        db.session.commit()
        return None
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    event = db.session.get(Event, message.event_id) if message.event_id else None
    attempt = _Attempt(message.id, message.attempts, message.to_addr,
                       message.queued_at or message.created_at, language_of_event(event))
    try:
        built = build_email(message, mail_from)
    except Exception as error:  # e.g. an unparsable address or an unsafe header
        with force_locale(attempt.language):
            why = gettext("Cannot build the message: %(error)s", error=_describe(error))
        _record(attempt, status="failed", last_error=why[:1000])
        return attempt, None
    db.session.commit()  # the claim is visible; no transaction stays open while we deliver
    return attempt, built


def _send_one(message_id: int, config: dict[str, Any]) -> str | None:
    """Claim, deliver and record one message; returns "sent", "retry", "failed" or None."""
    claimed = _claim_and_build(message_id, config["MAIL_FROM"])
    if claimed is None:
        return None
    attempt, built = claimed
    if built is None:
        return "failed"
    try:
        _deliver(built, config)
    except PermanentFailure as error:
        outcome = {"status": "failed", "last_error": str(error)}
    except TemporaryFailure as error:
        outcome = _after_temporary_failure(attempt, str(error), config)
    else:
        # Sent: the body (manage links, schedules) is purged; the headers stay for the
        # organiser's lists and to recognise a retry (privacy: nothing kept that is not needed).
        outcome = {"status": "sent", "sent_at": utcnow(), "last_error": None,
                   "body_text": "", "body_html": None, "attachments": None}
    log.info("outbox %s → %s: %s", attempt.id, attempt.to_addr, outcome["status"])
    if not _record(attempt, **outcome):
        return None
    return {"sent": "sent", "queued": "retry"}.get(outcome["status"], "failed")


def send_due_messages(limit: int = 50) -> dict[str, int]:
    """Send up to ``limit`` due messages; return counts of sent, retried and failed."""
    config = current_app.config
    counts = {"sent": 0, "retry": 0, "failed": 0}
    due_ids = db.session.execute(
        db.select(OutboxMessage.id)
        .where(_claimable(utcnow()))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).scalars().all()
    db.session.commit()
    for message_id in due_ids:
        result = _send_one(message_id, config)
        if result is not None:
            counts[result] += 1
    return counts


def is_stuck(message: OutboxMessage, now: datetime | None = None) -> bool:
    """Claimed by a worker whose lease ran out: it stopped mid-send; the next worker retries."""
    now = now or utcnow()
    return message.status == "sending" and (message.lease_until is None or message.lease_until < now)


def can_requeue(message: OutboxMessage) -> bool:
    """Anything not sent, except a message a live worker is sending right now (a resend then
    could race it and send twice)."""
    return message.status in ("failed", "queued") or is_stuck(message)


def requeue_message(message: OutboxMessage) -> None:
    """Send a failed (or stuck, or retrying) message again now, with a fresh retry window (the
    organiser pressed "resend"). The Message-ID stays: it is the same message."""
    now = utcnow()
    message.status = "queued"
    message.next_attempt_at = now
    message.queued_at = now
    message.lease_until = None
    message.last_error = None


def _undelivered(event_id: int):
    now = utcnow()
    return and_(
        OutboxMessage.event_id == event_id,
        or_(
            OutboxMessage.status == "failed",
            and_(OutboxMessage.status == "sending",
                 or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now)),
            and_(OutboxMessage.status == "queued", OutboxMessage.last_error.is_not(None)),
        ),
    )


def undelivered_messages(event_id: int, exclude_kinds: tuple[str, ...] = (),
                         limit: int = 200) -> list[OutboxMessage]:
    """An event's mail the organiser should know about, newest first: failed, stuck with a
    stopped worker, or waiting for another try after a temporary failure."""
    query = (db.select(OutboxMessage).where(_undelivered(event_id))
             .order_by(OutboxMessage.id.desc()).limit(limit))
    if exclude_kinds:
        query = query.where(OutboxMessage.kind.not_in(exclude_kinds))
    return list(db.session.execute(query).scalars())


def count_undelivered(event_id: int) -> int:
    """How many of the event's messages ``undelivered_messages`` would list."""
    return db.session.execute(
        db.select(db.func.count(OutboxMessage.id)).where(_undelivered(event_id))
    ).scalar_one()

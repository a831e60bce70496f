"""Personal data: the privacy notice, an attendee's data as JSON, and erasure.

``erase_attendee`` is THE one way a person's data leaves meetmatch — the attendee's own
"delete me", the organiser's "delete attendee", "delete event" and retention all call it.
It removes, in one transaction, then on disk:

* the attendee row; the database cascades (``ondelete="CASCADE"``) take every row that points
  at it: manage links, offers and needs, meeting rules, meetings, and any newer table with a
  foreign key to ``attendee.id`` (wishes, suggestions, feedback …) without a change here;
* their meetings, leaving each partner a ``CancelledMeeting`` ("a cancelled meeting");
* every outbox message to them (bodies, headers, the lot) and the ``.eml`` files written for
  those messages; PDFs of schedule versions they were in (re-rendered on the next download);
* their name in saved solver notes and job messages; text vectors of items nobody else uses.

Data that lives outside a foreign key registers an extra step with ``ERASERS`` (called with
the attendee before the row goes) and, for the download, ``EXPORTERS``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import delete, or_, select

from .extensions import db
from .models import (
    Attendee,
    CancelledMeeting,
    Event,
    Job,
    ManageToken,
    OutboxMessage,
    PrivacyNotice,
    SavedMeeting,
    ScheduleVersion,
    TextVector,
    utcnow,
)

log = logging.getLogger(__name__)

ERASED_NAME = "(erased attendee)"

# Extra erasure steps for data no foreign key reaches: fn(attendee) before its row is deleted.
ERASERS: list[Callable[[Attendee], None]] = []
# Extra sections of the download: name -> fn(attendee) returning JSON-able data.
EXPORTERS: dict[str, Callable[[Attendee], Any]] = {}


# ------------------------------------------------------------------ the notice


def default_notice(event: Event) -> str:
    """The notice shown while the organiser has written none."""
    organiser = event.organiser.name or event.organiser.email
    days = retention_days(event)
    return (
        f"{organiser} organises {event.name} and is responsible for your data.\n\n"
        "What we store: your name, email, organisation, title, what you offer and need, the "
        "rounds you can attend, the most meetings you want, when you agreed to this notice, "
        "your schedule and the emails we send you.\n\n"
        "Why: to plan this event's one-to-one meetings and send you your schedule. The people "
        "you meet see your name, organisation, title, offers and needs. The organiser sees "
        "your registration. Nothing is sold or shared with anyone else.\n\n"
        "Your rights: with the private link we email you, you can see and change your "
        "registration, download everything we hold about you (JSON) and delete it all at any "
        "time.\n\n"
        f"How long: {days} days after the event, personal data is erased; only totals "
        "(numbers of attendees and meetings, scores) are kept."
    )


def notice_text(event: Event, version: int | None = None) -> str | None:
    """The notice as attendees read it now, or a given earlier version (None: no such one)."""
    if version is None or version == event.privacy_notice_version:
        return event.privacy_notice or default_notice(event)
    if version == 0:
        return default_notice(event)
    return db.session.execute(
        select(PrivacyNotice.text).filter_by(event_id=event.id, version=version)
    ).scalar_one_or_none()


def retention_days(event: Event) -> int:
    """Days after the event that its personal data is kept (the event's or the instance's)."""
    if event.retention_days is not None:
        return event.retention_days
    return int(current_app.config.get("RETENTION_DAYS") or 180)


def save_privacy_settings(event: Event, notice: str, days: int | None) -> bool:
    """Store the organiser's notice and retention; returns True when the notice changed.

    A changed text gets the next version number and is kept, so whoever agreed to an earlier
    one can still read what they agreed to.
    """
    notice = (notice or "").strip()
    changed = notice != (event.privacy_notice or "")
    if changed:
        event.privacy_notice_version += 1
        event.privacy_notice = notice
        db.session.add(PrivacyNotice(event_id=event.id, version=event.privacy_notice_version,
                                     text=notice or default_notice(event)))
    if days != event.retention_days:
        event.retention_days = days
        event.retention_warned_at = None  # a new date deserves a new warning
    db.session.commit()
    return changed


# ------------------------------------------------------------------ download


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _rows_of_attendee_tables(attendee: Attendee) -> dict[str, list[dict[str, Any]]]:
    """Rows of other tables that belong to the attendee (their own ``attendee_id``): a table
    added later (wishes, feedback) is in the download without a change here. Rows that only
    name them (someone else's wish about them) are the other person's and are left out."""
    known = {"manage_token", "outbox_message", "cancelled_meeting", "attendee_offer",
             "attendee_need"}
    out: dict[str, list[dict[str, Any]]] = {}
    for table in db.metadata.sorted_tables:
        column = table.c.get("attendee_id")
        if table.name in known or column is None:
            continue
        if not any(fk.column.table.name == "attendee" for fk in column.foreign_keys):
            continue
        rows = db.session.execute(select(table).where(column == attendee.id)).mappings()
        found = [{k: _iso(v) for k, v in row.items()} for row in rows]
        if found:
            out[table.name] = found
    return out


def attendee_data(attendee: Attendee) -> dict[str, Any]:
    """Everything meetmatch holds about the attendee, as JSON-able data (their download)."""
    from .schedules.review import published_agenda

    event = attendee.event
    agenda = published_agenda(attendee)
    messages = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.attendee_id == attendee.id)
        .order_by(OutboxMessage.id)).scalars()
    links = db.session.execute(
        select(ManageToken).filter_by(attendee_id=attendee.id).order_by(ManageToken.id)).scalars()
    data: dict[str, Any] = {
        "exported_at": _iso(utcnow()) + "Z",
        "event": {"name": event.name, "slug": event.slug, "venue": event.venue,
                  "organiser": event.organiser.name or event.organiser.email},
        "registration": {
            "name": attendee.name, "email": attendee.email,
            "organisation": attendee.organisation, "title": attendee.title,
            "offers": [t.name for t in attendee.offers], "needs": [t.name for t in attendee.needs],
            "offers_text": attendee.offers_text, "needs_text": attendee.needs_text,
            "available_rounds": attendee.rounds_list, "max_meetings": attendee.max_meetings,
            "host_table": attendee.host_table, "walk_in": attendee.walk_in,
            "status": attendee.status,
            "created_at": _iso(attendee.created_at), "updated_at": _iso(attendee.updated_at),
        },
        "consent": {
            "given_at": _iso(attendee.consent_at),
            "privacy_notice_version": attendee.consent_version,
            "privacy_notice": consent_notice_text(attendee),
        },
        "schedule": None if agenda is None else [
            {"round": it.round, "starts_at": _iso(it.starts_at), "ends_at": _iso(it.ends_at),
             "table": it.table, "partner": it.partner, "organisation": it.organisation,
             "why": it.why} for it in agenda],
        "private_links": [
            {"issued_for": t.purpose, "created_at": _iso(t.created_at),
             "revoked_at": _iso(t.revoked_at)} for t in links],
        "emails": [
            {"kind": m.kind, "to": m.to_addr, "subject": m.subject, "status": m.status,
             "queued_at": _iso(m.created_at), "sent_at": _iso(m.sent_at)} for m in messages],
    }
    data.update(_rows_of_attendee_tables(attendee))
    for name, exporter in EXPORTERS.items():
        data[name] = exporter(attendee)
    return data


def consent_notice_text(attendee: Attendee) -> str | None:
    """The notice text the attendee agreed to, when it is known."""
    version = attendee.consent_version or ""
    if version.startswith("e") and version[1:].isdecimal():
        return notice_text(attendee.event, int(version[1:]))
    if attendee.consent_at is not None and attendee.event.privacy_notice_version == 0:
        return default_notice(attendee.event)
    return None


# ------------------------------------------------------------------ erasure


@dataclass
class ErasurePreview:
    """What erasing an attendee takes with it, for the confirmation pages."""

    meetings: int = 0
    messages: int = 0
    links: int = 0
    other: dict[str, int] = field(default_factory=dict)


def _meetings_of(attendee_id: int):
    return select(SavedMeeting).where(or_(SavedMeeting.attendee_a_id == attendee_id,
                                          SavedMeeting.attendee_b_id == attendee_id))


def _messages_of(attendee: Attendee):
    return or_(OutboxMessage.attendee_id == attendee.id,
               (OutboxMessage.event_id == attendee.event_id)
               & (OutboxMessage.to_addr == attendee.email))


def erasure_preview(attendee: Attendee) -> ErasurePreview:
    count = db.func.count()
    other = {}
    for table in db.metadata.sorted_tables:
        if table.name in ("manage_token", "meeting", "attendee_offer", "attendee_need",
                          "outbox_message", "attendee", "cancelled_meeting"):
            continue
        columns = [c for c in table.c if any(fk.column.table.name == "attendee"
                                             for fk in c.foreign_keys)]
        if columns:
            n = db.session.execute(select(count).select_from(table).where(
                or_(*[c == attendee.id for c in columns]))).scalar_one()
            if n:
                other[table.name.replace("_", " ")] = n
    return ErasurePreview(
        meetings=db.session.execute(select(count).select_from(_meetings_of(attendee.id).subquery())).scalar_one(),
        messages=db.session.execute(select(count).where(_messages_of(attendee))).scalar_one(),
        links=db.session.execute(select(count).select_from(ManageToken)
                                 .filter_by(attendee_id=attendee.id)).scalar_one(),
        other=other)


def _scrub(value: Any, name: str, attendee_id: int) -> Any:
    """``value`` (parsed JSON) without the attendee: their name replaced, their id dropped."""
    if isinstance(value, str):
        return value.replace(name, ERASED_NAME) if name else value
    if isinstance(value, list):
        return [_scrub(v, name, attendee_id) for v in value if v != attendee_id]
    if isinstance(value, dict):
        return {k: _scrub(v, name, attendee_id) for k, v in value.items() if k != str(attendee_id)}
    return value


def _scrub_event_notes(attendee: Attendee) -> None:
    versions = db.session.execute(select(ScheduleVersion).filter_by(event_id=attendee.event_id)).scalars()
    for version in versions:
        try:
            details = json.loads(version.details or "{}")
        except ValueError:
            details = {}
        scrubbed = _scrub(details, attendee.name, attendee.id)
        if scrubbed != details:
            version.details = json.dumps(scrubbed)
        if attendee.name and attendee.name in (version.solver_message or ""):
            version.solver_message = version.solver_message.replace(attendee.name, ERASED_NAME)
    if attendee.name:
        for job in db.session.execute(select(Job).filter_by(event_id=attendee.event_id)).scalars():
            if job.error and attendee.name in job.error:
                job.error = job.error.replace(attendee.name, ERASED_NAME)
            progress = _scrub(job.progress or {}, attendee.name, attendee.id)
            if progress != (job.progress or {}):
                job.progress = progress


def _item_hashes(attendees: list[Attendee]) -> set[tuple[str, str]]:
    """(model, text hash) of every item of ``attendees`` for the encoders in use, computed
    without loading a model (only the model's input text is hashed)."""
    from .matching.encoders import ENCODERS, text_hash
    from .matching.items import profile_items
    from .schedules.engine_io import participant_for_encoding

    shims = [_InputText(factory) for factory in ENCODERS.values() if hasattr(factory, "PREFIX")]
    hashes: set[tuple[str, str]] = set()
    for a in attendees if shims else []:
        participant = participant_for_encoding(a)
        for kind in ("offer", "need"):
            for item in profile_items(participant, kind):
                hashes.update((shim.name, text_hash(shim, item.text, kind)) for shim in shims)
    return hashes


class _InputText:
    """An encoder class's ``input_text`` without its model (the prefix is a class attribute)."""

    def __init__(self, factory: Any):
        self.name = factory.name
        self.PREFIX = factory.PREFIX
        self._input_text = factory.input_text

    def input_text(self, text: str, kind: str) -> str:
        return self._input_text(self, text, kind)


def _unused_vectors(erased: list[Attendee]) -> set[tuple[str, str]]:
    """Vectors of the erased people's items that no other attendee's item shares."""
    theirs = _item_hashes(erased)
    if not theirs:
        return set()
    stored = {(m, h) for m, h in db.session.execute(
        select(TextVector.model, TextVector.text_hash)
        .where(TextVector.text_hash.in_({h for _, h in theirs}))).all()}
    candidates = theirs & stored
    if not candidates:
        return set()
    gone = {a.id for a in erased}
    others = db.session.execute(select(Attendee).where(Attendee.id.not_in(gone))
                                .execution_options(yield_per=500)).scalars()
    return candidates - _item_hashes([a for a in others])


def _mail_files_of(message_ids: set[str]) -> list[Path]:
    """The ``.eml`` files written (without SMTP) for these Message-IDs."""
    directory = Path(current_app.config.get("MAIL_FILE_DIR") or
                     Path(current_app.instance_path) / "outbox")
    if not message_ids or not directory.is_dir():
        return []
    parser = BytesHeaderParser()
    found = []
    for path in directory.glob("*.eml"):
        try:
            with path.open("rb") as f:
                headers = parser.parse(f)
        except OSError:
            continue
        if (headers.get("Message-ID") or "").strip() in message_ids:
            found.append(path)
    return found


def _pdf_files_of(event_id: int, version_ids: set[int]) -> list[Path]:
    from .schedules.pdf import pdf_dir

    folder = pdf_dir() / str(event_id)
    if not version_ids or not folder.is_dir():
        return []
    return [p for p in folder.glob("v*.pdf")
            if p.name[1:].split("-", 1)[0].isdecimal() and int(p.name[1:].split("-", 1)[0]) in version_ids]


@dataclass
class ErasureReport:
    attendees: int = 0
    meetings_cancelled: int = 0
    messages: int = 0
    files: int = 0
    vectors: int = 0


def erase_attendees(attendees: list[Attendee], *, cancel_meetings: bool = True) -> ErasureReport:
    """Erase these attendees everywhere (see the module docstring), in one transaction.

    ``cancel_meetings`` False (the whole event goes): no "cancelled meeting" rows for partners.
    """
    report = ErasureReport()
    if not attendees:
        return report
    ids = {a.id for a in attendees}
    for eraser in ERASERS:
        for a in attendees:
            eraser(a)
    for a in attendees:
        _scrub_event_notes(a)
    vectors = _unused_vectors(attendees)
    meetings = db.session.execute(select(SavedMeeting).where(
        or_(SavedMeeting.attendee_a_id.in_(ids), SavedMeeting.attendee_b_id.in_(ids)))).scalars().all()
    versions = {(m.version.event_id, m.version_id) for m in meetings}
    for m in meetings:
        partner = m.attendee_b_id if m.attendee_a_id in ids else m.attendee_a_id
        if cancel_meetings and partner not in ids:
            db.session.add(CancelledMeeting(version_id=m.version_id, attendee_id=partner,
                                            round_number=m.round_number,
                                            table_number=m.table_number))
            report.meetings_cancelled += 1
    messages = db.session.execute(select(OutboxMessage.id, OutboxMessage.message_id).where(
        or_(*[_messages_of(a) for a in attendees]))).all()
    report.messages = len(messages)
    if messages:
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_([m.id for m in messages])))
    for model, text_hash in vectors:
        db.session.execute(delete(TextVector).filter_by(model=model, text_hash=text_hash))
    report.vectors = len(vectors)
    db.session.execute(delete(SavedMeeting).where(SavedMeeting.id.in_([m.id for m in meetings])))
    db.session.execute(delete(Attendee).where(Attendee.id.in_(ids)))
    db.session.commit()
    report.attendees = len(ids)
    # Files after the commit: a failed transaction must not have deleted them already.
    files = _mail_files_of({m.message_id for m in messages if m.message_id})
    for event_id in {e for e, _ in versions}:
        files += _pdf_files_of(event_id, {v for e, v in versions if e == event_id})
    for path in files:
        path.unlink(missing_ok=True)
    report.files = len(files)
    log.info("erased %d attendee(s): %d meeting(s) cancelled, %d message(s), %d file(s), "
             "%d vector(s)", report.attendees, report.meetings_cancelled, report.messages,
             report.files, report.vectors)
    return report


def erase_attendee(attendee: Attendee) -> ErasureReport:
    """Erase one attendee everywhere: the attendee's "delete me" and the organiser's delete."""
    return erase_attendees([attendee])


def delete_event(event: Event) -> ErasureReport:
    """Delete an event with everything in it: attendees (erased as above), schedules, jobs,
    mail and PDFs."""
    from .schedules.pdf import pdf_dir

    report = erase_attendees(list(event.attendees), cancel_meetings=False)
    event_id = event.id
    remaining = db.session.execute(select(OutboxMessage.message_id)
                                   .filter_by(event_id=event_id)).scalars().all()
    db.session.execute(delete(OutboxMessage).filter_by(event_id=event_id))
    db.session.execute(delete(Event).filter_by(id=event_id))
    db.session.commit()
    db.session.expire_all()
    files = _mail_files_of({m for m in remaining if m})
    folder = pdf_dir() / str(event_id)
    if folder.is_dir():
        files += list(folder.glob("*"))
    for path in files:
        path.unlink(missing_ok=True)
    if folder.is_dir():
        try:
            folder.rmdir()
        except OSError:
            pass
    report.files += len(files)
    return report

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
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import selectinload

from .extensions import db
from .i18n import _
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
    """The notice shown while the organiser has written none (in the reader's language)."""
    organiser = event.organiser.name or event.organiser.email
    return "\n\n".join([
        _("%(organiser)s organises %(event)s and is responsible for your data.",
          organiser=organiser, event=event.name),
        _("What we store: your name, email, organisation, title, what you offer and need, the "
          "rounds you can attend, the most meetings you want, when you agreed to this notice, "
          "your schedule and the emails we send you."),
        _("Why: to plan this event's one-to-one meetings and send you your schedule. The people "
          "you meet see your name, organisation, title, offers and needs. The organiser sees "
          "your registration. Nothing is sold or shared with anyone else."),
        _("Your rights: with the private link we email you, you can see and change your "
          "registration, download everything we hold about you (JSON) and delete it all at any "
          "time."),
        _("How long: %(days)s days after the event, personal data is erased; only totals "
          "(numbers of attendees and meetings, scores) are kept.", days=retention_days(event)),
    ])


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
            "first_round": attendee.first_round, "last_round": attendee.last_round,
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


def _chunks(values: list[int], size: int = 5000) -> list[list[int]]:
    """Lists of at most ``size`` values: ``IN (…)`` stays under SQLite's parameter limit."""
    return [values[i:i + size] for i in range(0, len(values), size)]


def _message_filter(attendee: Attendee):
    """An attendee's outbox rows: theirs by id, or addressed to them for their event."""
    return or_(OutboxMessage.attendee_id == attendee.id,
               (OutboxMessage.event_id == attendee.event_id)
               & (OutboxMessage.to_addr == attendee.email))


def _messages_of(attendees: list[Attendee]) -> list[Any]:
    """(id, message_id) of every outbox row of these attendees, a few queries however many."""
    found = {}
    by_event: dict[int, list[str]] = {}
    for a in attendees:
        by_event.setdefault(a.event_id, []).append(a.email)
    for chunk in _chunks(sorted(a.id for a in attendees)):
        for row in db.session.execute(select(OutboxMessage.id, OutboxMessage.message_id)
                                      .where(OutboxMessage.attendee_id.in_(chunk))):
            found[row.id] = row
    for event_id, emails in by_event.items():
        for chunk in _chunks(sorted(emails)):
            for row in db.session.execute(select(OutboxMessage.id, OutboxMessage.message_id).where(
                    OutboxMessage.event_id == event_id, OutboxMessage.to_addr.in_(chunk))):
                found[row.id] = row
    return list(found.values())


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
        messages=db.session.execute(select(count).where(_message_filter(attendee))).scalar_one(),
        links=db.session.execute(select(count).select_from(ManageToken)
                                 .filter_by(attendee_id=attendee.id)).scalar_one(),
        other=other)


def _scrub(value: Any, names: re.Pattern | None, ids: set[int]) -> Any:
    """``value`` (parsed JSON) without these people: their names replaced, their ids dropped."""
    if isinstance(value, str):
        return names.sub(ERASED_NAME, value) if names is not None else value
    if isinstance(value, list):
        return [_scrub(v, names, ids) for v in value if not (isinstance(v, int) and v in ids)]
    if isinstance(value, dict):
        return {k: _scrub(v, names, ids) for k, v in value.items()
                if not (k.isdecimal() and int(k) in ids)}
    return value


def _scrub_event_notes(event_id: int, people: list[Attendee]) -> None:
    """Saved solver notes (version details, messages) and job messages of the event, without
    the names and ids of ``people``: one pass per row, however many people go."""
    ids = {a.id for a in people}
    names = sorted({a.name for a in people if a.name}, key=len, reverse=True)
    # Whole names only: erasing "Al" must not touch "Alice".
    pattern = (re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
               if names else None)
    for version in db.session.execute(select(ScheduleVersion).filter_by(event_id=event_id)).scalars():
        try:
            details = json.loads(version.details or "{}")
        except ValueError:
            details = {}
        scrubbed = _scrub(details, pattern, ids)
        if scrubbed != details:
            version.details = json.dumps(scrubbed)
        message = _scrub(version.solver_message or "", pattern, ids)
        if message != (version.solver_message or ""):
            version.solver_message = message
    for job in db.session.execute(select(Job).filter_by(event_id=event_id)).scalars():
        error = _scrub(job.error, pattern, ids) if job.error else job.error
        if error != job.error:
            job.error = error
        progress = _scrub(job.progress or {}, pattern, ids)
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
    """An encoder class's ``input_text`` without its model (the prefix and the role words
    are class attributes)."""

    def __init__(self, factory: Any):
        self.name = factory.name
        self.PREFIX = factory.PREFIX
        self.ROLE = getattr(factory, "ROLE", None)  # "Need: " / "Can help with: " (e5)
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
    others = db.session.execute(
        select(Attendee).options(selectinload(Attendee.offers), selectinload(Attendee.needs))
        .execution_options(yield_per=500)).scalars()
    for batch in others.partitions():
        candidates -= _item_hashes([a for a in batch if a.id not in gone])
        if not candidates:
            break
    return candidates


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
            if p.name[1:].split("-", 1)[0].isdecimal() and _version_of_pdf(p) in version_ids]


def _report_files(event_id: int) -> list[Path]:
    from .schedules.pdf import pdf_dir

    folder = pdf_dir() / str(event_id)
    return list(folder.glob("report-*.pdf")) if folder.is_dir() else []


def _version_of_pdf(path: Path) -> int:
    return int(path.name[1:].split("-", 1)[0])  # v<version id>-<kind>-<fingerprint>.pdf


def _render_again(version_ids: set[int]) -> None:
    """Queue new PDFs of the published versions whose PDFs showed an erased person, so the
    organiser's next download is ready (the worker renders them; a draft waits to be asked)."""
    from sqlalchemy.exc import OperationalError

    from .schedules.pdf import queue_pdf_render

    for version_id in sorted(version_ids):
        version = db.session.get(ScheduleVersion, version_id)
        if version is None or version.status != "published":
            continue
        try:
            queue_pdf_render(version)
        except OperationalError:  # database busy: the next download queues them instead
            db.session.rollback()
            log.warning("could not queue new PDFs of version %s now", version_id)


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
    for event_id in {a.event_id for a in attendees}:
        _scrub_event_notes(event_id, [a for a in attendees if a.event_id == event_id])
    vectors = _unused_vectors(attendees)
    meetings = [m for chunk in _chunks(sorted(ids)) for m in db.session.execute(
        select(SavedMeeting.id, SavedMeeting.version_id, SavedMeeting.attendee_a_id,
               SavedMeeting.attendee_b_id, SavedMeeting.attendee_c_id, SavedMeeting.round_number,
               SavedMeeting.table_number)
        .where(or_(SavedMeeting.attendee_a_id.in_(chunk), SavedMeeting.attendee_b_id.in_(chunk))))]
    meetings = list({m.id: m for m in meetings}.values())  # a pair inside one chunk comes twice
    version_events = dict(db.session.execute(select(ScheduleVersion.id, ScheduleVersion.event_id)
                                             .where(ScheduleVersion.id.in_({m.version_id for m in meetings}))).all())
    versions = {(version_events[m.version_id], m.version_id) for m in meetings}
    for m in meetings:
        # The meeting goes with a or b; everybody else at the table keeps the slot as cancelled
        # (a trio's third person erased alone leaves the pair's meeting: attendee_c_id is NULLed).
        partners = [x for x in (m.attendee_a_id, m.attendee_b_id, m.attendee_c_id)
                    if x is not None and x not in ids]
        for partner in partners if cancel_meetings else ():
            db.session.add(CancelledMeeting(version_id=m.version_id, attendee_id=partner,
                                            round_number=m.round_number,
                                            table_number=m.table_number))
            report.meetings_cancelled += 1
    messages = _messages_of(attendees)
    report.messages = len(messages)
    for chunk in _chunks([m.id for m in messages]):
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(chunk)))
    for model, text_hash in vectors:
        db.session.execute(delete(TextVector).filter_by(model=model, text_hash=text_hash))
    report.vectors = len(vectors)
    for chunk in _chunks([m.id for m in meetings]):
        db.session.execute(delete(SavedMeeting).where(SavedMeeting.id.in_(chunk))
                           .execution_options(synchronize_session=False))
    for chunk in _chunks(sorted(ids)):
        db.session.execute(delete(Attendee).where(Attendee.id.in_(chunk))
                           .execution_options(synchronize_session=False))
    for a in attendees:
        if a in db.session:
            db.session.expunge(a)
    db.session.commit()
    report.attendees = len(ids)
    # Files after the commit: a failed transaction must not have deleted them already.
    files = _mail_files_of({m.message_id for m in messages if m.message_id})
    pdfs: list[Path] = []
    for event_id in {e for e, _v in versions}:
        pdfs += _pdf_files_of(event_id, {v for e, v in versions if e == event_id})
    # The outcome report (feedback) may quote them: made again, without them, when next asked.
    for event_id in {a.event_id for a in attendees}:
        files += _report_files(event_id)
    for path in files + pdfs:
        path.unlink(missing_ok=True)
    report.files = len(files) + len(pdfs)
    if cancel_meetings:
        _render_again({_version_of_pdf(p) for p in pdfs})
    log.info("erased %d attendee(s): %d meeting(s) cancelled, %d message(s), %d file(s), "
             "%d vector(s)", report.attendees, report.meetings_cancelled, report.messages,
             report.files, report.vectors)
    return report


def attendees_of(event_id: int) -> list[Attendee]:
    """Every attendee of an event with their topics loaded (two queries, not two per person)."""
    return list(db.session.execute(
        select(Attendee).filter_by(event_id=event_id)
        .options(selectinload(Attendee.offers), selectinload(Attendee.needs))).scalars())


def erase_attendee(attendee: Attendee) -> ErasureReport:
    """Erase one attendee everywhere: the attendee's "delete me" and the organiser's delete."""
    return erase_attendees([attendee])


def delete_event(event: Event) -> ErasureReport:
    """Delete an event with everything in it: attendees (erased as above), schedules, jobs,
    mail and PDFs."""
    from .schedules.pdf import pdf_dir

    report = erase_attendees(attendees_of(event.id), cancel_meetings=False)
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

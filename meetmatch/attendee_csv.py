"""CSV import and export of attendees.

Import is all-or-nothing: every row is checked first, every problem is reported with its line
number, and nothing is written unless all rows are good. Export neutralises cells that a
spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import aliased

from .extensions import db
from .formatting import split_topics
from .forms import has_control_characters
from .i18n import _
from .mail_headers import ENCODED_WORD
from .models import (
    Attendee,
    Event,
    Topic,
    Wish,
    WishKind,
    attendee_need,
    attendee_offer,
    rounds_in_window,
)
from .registration import apply_profile, normalise_email

COLUMNS = ["name", "email", "organisation", "title", "offers", "needs", "offers_text",
           "needs_text", "available_rounds", "max_meetings", "status", "first_round", "last_round"]
REQUIRED = {"name", "email"}
ALIASES = {  # headers other tools use
    "full name": "name", "e-mail": "email", "mail": "email", "company": "organisation",
    "organization": "organisation", "job title": "title", "role": "title", "offer": "offers",
    "need": "needs", "rounds": "available_rounds", "namn": "name", "e-post": "email",
    "organisation/företag": "organisation", "företag": "organisation", "titel": "title",
}
LIMITS = {"name": 120, "email": 254, "organisation": 160, "title": 160, "offers_text": 1000,
          "needs_text": 1000}
SINGLE_LINE = {"name", "email", "organisation", "title"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ImportReport:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0


def _canonical_header(name: str) -> str:
    key = " ".join((name or "").strip().lstrip("\ufeff").lower().split())
    return ALIASES.get(key, key.replace(" ", "_"))


def _sniff_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;\t")
    except csv.Error:
        return csv.excel


def parse_attendee_csv(event: Event, text: str) -> ImportReport:
    """Check every row; return the clean rows or every error with its line number."""
    report = ImportReport()
    reader = csv.reader(io.StringIO(text), _sniff_dialect(text))
    try:
        header = next(reader)
    except StopIteration:
        report.errors.append(_("The file is empty."))
        return report
    except csv.Error as error:  # e.g. a cell over csv's field size limit (131,072 characters)
        report.errors.append(_("Line 1: the file cannot be read as CSV (%(error)s).", error=error))
        return report
    columns = [_canonical_header(h) for h in header]
    missing = REQUIRED - set(columns)
    if missing:
        report.errors.append(_("Line 1: missing column(s) %(missing)s. Expected columns: %(columns)s.",
                               missing=", ".join(sorted(missing)), columns=", ".join(COLUMNS)))
        return report
    topics = {t.name.casefold(): t for t in event.topics}
    round_numbers = {r.number for r in event.rounds}
    seen_emails: dict[str, int] = {}
    for row in _rows(reader, report):
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns):
            report.errors.append(_("Line %(line)s: %(cells)s cells but only %(columns)s columns in the "
                                   "header (a separator inside an unquoted cell?).", line=line,
                                   cells=len(row), columns=len(columns)))
            continue
        values = {col: (row[i].strip() if i < len(row) else "") for i, col in enumerate(columns)}
        errors: list[str] = []
        parsed = _parse_row(values, topics, round_numbers, errors)
        email = parsed.get("email")
        if email and email in seen_emails:
            errors.append(_("email %(email)s also appears on line %(line)s", email=email,
                            line=seen_emails[email]))
        elif email:
            seen_emails[email] = line
        if errors:
            report.errors.extend(_("Line %(line)s: %(problem)s.", line=line, problem=e) for e in errors)
        else:
            report.rows.append(parsed)
    if not report.rows and not report.errors:
        report.errors.append(_("The file has a header but no attendees."))
    return report


def _rows(reader, report: ImportReport) -> Iterator[list[str]]:
    """The reader's rows; a row csv cannot read (a cell over its size limit, a stray quote at
    the end) ends the file with an error naming its line."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            report.errors.append(_("Line %(line)s: cannot be read as CSV (%(error)s); cells hold at "
                                   "most 131,072 characters.", line=reader.line_num, error=error))
            return


def _whole_number(text: str) -> int | None:
    """A plain whole number of at most six ASCII digits (``str.isdigit`` also accepts "²")."""
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) else None


def _parse_row(values: dict[str, str], topics: dict, round_numbers: set[int],
               errors: list[str]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    bad_cells = sorted(col for col, value in values.items() if has_control_characters(value))
    if bad_cells:
        errors.append(_("invisible control characters in %(cells)s", cells=", ".join(bad_cells)))
    encoded = sorted(col for col in SINGLE_LINE if ENCODED_WORD.search(values.get(col, "")))
    if encoded:  # these reach mail headers (see mail_headers.py)
        errors.append(_("mail encoding syntax “=?…?=” in %(cells)s", cells=", ".join(encoded)))
    for column, limit in LIMITS.items():
        value = values.get(column, "")
        if column in SINGLE_LINE:
            value = " ".join(value.split())
        if len(value) > limit:
            errors.append(_("%(column)s is longer than %(limit)s characters", column=column, limit=limit))
        parsed[column] = value[:limit]
    if not parsed["name"]:
        errors.append(_("name is empty"))
    try:
        parsed["email"] = normalise_email(
            validate_email(values.get("email", ""), check_deliverability=False).normalized
        )
    except EmailNotValidError as error:
        parsed["email"] = ""
        errors.append(_("email \"%(email)s\" is not valid (%(error)s)", email=values.get("email", ""),
                            error=error))
    for column in ("offers", "needs"):
        chosen = []
        for name in split_topics(values.get(column, "")):
            topic = topics.get(name.casefold())
            if topic is None:
                errors.append(_("%(column)s: unknown topic \"%(topic)s\" (not in the event's topic list)",
                                column=column, topic=name))
            else:
                chosen.append(topic.id)
        parsed[column] = chosen
    rounds_cell = values.get("available_rounds", "")
    parsed["rounds"] = []
    for part in [p for p in rounds_cell.replace(",", ";").split(";") if p.strip()]:
        if _whole_number(part.strip()) not in round_numbers:
            errors.append(_("available_rounds: \"%(value)s\" is not a round of this event (1–%(last)s)",
                            value=part.strip(), last=max(round_numbers) if round_numbers else 0))
        else:
            parsed["rounds"].append(int(part))
    for column in ("first_round", "last_round"):  # arrive late / leave early
        cell = values.get(column, "")
        parsed[column] = None
        if cell and _whole_number(cell) not in round_numbers:
            errors.append(_("%(column)s: \"%(value)s\" is not a round of this event (1–%(last)s)",
                            column=column, value=cell,
                            last=max(round_numbers) if round_numbers else 0))
        elif cell:
            parsed[column] = int(cell)
    if parsed["first_round"] and parsed["last_round"] and parsed["last_round"] < parsed["first_round"]:
        errors.append(_("last_round: %(last)s is before first_round %(first)s",
                        last=parsed["last_round"], first=parsed["first_round"]))
    elif parsed["rounds"] and not rounds_in_window(parsed["rounds"], parsed["first_round"],
                                                   parsed["last_round"]):
        errors.append(_("first_round, last_round: none of the available_rounds is between them"))
    max_cell = values.get("max_meetings", "")
    parsed["max_meetings"] = None
    if max_cell:
        if not 1 <= (_whole_number(max_cell) or 0) <= 50:
            errors.append(_("max_meetings: \"%(value)s\" is not a whole number from 1 to 50",
                            value=max_cell))
        else:
            parsed["max_meetings"] = int(max_cell)
    status = values.get("status", "").lower() or "registered"
    if status not in ("registered", "withdrawn", "no_show"):
        errors.append(_("status: \"%(value)s\" is not one of registered, withdrawn, no_show",
                        value=status))
    parsed["status"] = status
    return parsed


def import_attendees(event: Event, report: ImportReport) -> ImportReport:
    """Write the checked rows in one transaction: new emails are added, known ones updated."""
    if report.errors:
        return report
    existing = {a.email: a for a in event.attendees}
    for row in report.rows:
        attendee = existing.get(row["email"])
        if attendee is None:
            attendee = Attendee(event=event, email=row["email"])
            db.session.add(attendee)
            report.created += 1
        else:
            report.updated += 1
        apply_profile(attendee, event, row)
        attendee.status = row["status"]
    db.session.commit()
    return report


def neutralise(value: Any) -> str:
    """Prefix a quote so a spreadsheet shows the text instead of running it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


# Exported after COLUMNS and ignored on import: listing consent and wishes (emails, ";").
WISH_COLUMNS = ["listed", "wishes_meet", "wishes_avoid"]


EXPORT_BATCH = 500  # attendees per query (their topics and wishes: three more per batch)


def export_attendees_csv_chunks(event: Event, only: set[int] | None = None) -> Iterator[str]:
    """The attendee CSV (with a BOM, for spreadsheets) in pieces of up to EXPORT_BATCH rows;
    with ``only``, just the attendees with those ids (the organiser's selection).

    Plain rows in batches (keyset on the id), with the batch's offers, needs and wishes in one
    query each: the number of queries does not grow with each attendee, no ORM object is built
    per person, and a large event never sits in memory whole.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(COLUMNS + WISH_COLUMNS)
    columns = (Attendee.id, Attendee.name, Attendee.email, Attendee.organisation, Attendee.title,
               Attendee.offers_text, Attendee.needs_text, Attendee.available_rounds,
               Attendee.max_meetings, Attendee.status, Attendee.first_round, Attendee.last_round,
               Attendee.listed_at)
    last_id = 0
    while True:
        query = (db.select(*columns).where(Attendee.event_id == event.id, Attendee.id > last_id)
                 .order_by(Attendee.id).limit(EXPORT_BATCH))
        if only is not None:
            query = query.where(Attendee.id.in_(only))
        batch = db.session.execute(query).all()
        if not batch:
            break
        last_id = batch[-1].id
        ids = [a.id for a in batch]
        offers, needs = _topic_names(attendee_offer, ids), _topic_names(attendee_need, ids)
        wishes = _wished_emails(ids)
        for a in batch:
            rounds = [part.strip() for part in (a.available_rounds or "").split(",") if part.strip()]
            writer.writerow(neutralise(v) for v in (
                a.name, a.email, a.organisation, a.title,
                ";".join(offers.get(a.id, [])), ";".join(needs.get(a.id, [])),
                a.offers_text, a.needs_text, ";".join(rounds),
                a.max_meetings or "", a.status, a.first_round or "", a.last_round or "",
                "yes" if a.listed_at is not None else "no",
                ";".join(wishes.get((a.id, WishKind.MEET), [])),
                ";".join(wishes.get((a.id, WishKind.AVOID), [])),
            ))
        yield out.getvalue()
        out.seek(0)
        out.truncate()


def _topic_names(table, attendee_ids: list[int]) -> dict[int, list[str]]:
    """Attendee id -> names of their topics in ``table`` (offers or needs), in list order."""
    rows = db.session.execute(
        db.select(table.c.attendee_id, Topic.name).join(Topic, Topic.id == table.c.topic_id)
        .where(table.c.attendee_id.in_(attendee_ids)).order_by(Topic.position, Topic.id)).all()
    found: dict[int, list[str]] = {}
    for attendee_id, name in rows:
        found.setdefault(attendee_id, []).append(name)
    return found


def _wished_emails(attendee_ids: list[int]) -> dict[tuple[int, WishKind], list[str]]:
    """(attendee id, wish kind) -> the emails of the people wished for, in one query."""
    other = aliased(Attendee)
    rows = db.session.execute(
        db.select(Wish.attendee_id, Wish.kind, other.email)
        .join(other, other.id == Wish.other_id)
        .where(Wish.attendee_id.in_(attendee_ids)).order_by(Wish.id)).all()
    found: dict[tuple[int, WishKind], list[str]] = {}
    for attendee_id, kind, email in rows:
        found.setdefault((attendee_id, kind), []).append(email)
    return found


def export_attendees_csv(event: Event, only: set[int] | None = None) -> str:
    """The whole attendee CSV (or the ``only`` ids' rows) as one string (BOM included)."""
    return "".join(export_attendees_csv_chunks(event, only))

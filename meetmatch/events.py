"""Event set-up services: create and edit events, their rounds and topic list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func

from .extensions import db
from .i18n import _, fmt_time
from .models import Attendee, Event, Organiser, Round, Topic, attendee_need, attendee_offer

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
ROUND_LINE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s+(\d{1,3})\s*$")


class SetupError(ValueError):
    """Bad event settings; ``field`` names the form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class RoundSpec:
    starts_at: datetime
    duration_minutes: int


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def generate_rounds(day: date, first_start: time, length: int, gap: int, count: int) -> list[RoundSpec]:
    """Rounds from "first start + length + break + count"."""
    start = datetime.combine(day, first_start)
    return [
        RoundSpec(start + timedelta(minutes=i * (length + gap)), length) for i in range(count)
    ]


def parse_round_lines(day: date, text: str) -> list[RoundSpec]:
    """Rounds from lines like ``13:00 15`` (start time, length in minutes), in any order."""
    specs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = ROUND_LINE.match(line)
        if not match:
            raise SetupError("custom_rounds", _("Line %(line)s: write a start time and a length in "
                                                "minutes, like \"13:00 15\" (got \"%(text)s\").",
                                                line=number, text=line.strip()))
        hour, minute, length = (int(g) for g in match.groups())
        if hour > 23 or minute > 59 or not 1 <= length <= 600:
            raise SetupError("custom_rounds", _("Line %(line)s: \"%(text)s\" is not a valid time and "
                                                "length.", line=number, text=line.strip()))
        specs.append(RoundSpec(datetime.combine(day, time(hour, minute)), length))
    specs.sort(key=lambda s: s.starts_at)
    for earlier, later in zip(specs, specs[1:], strict=False):
        if earlier.starts_at + timedelta(minutes=earlier.duration_minutes) > later.starts_at:
            raise SetupError("custom_rounds", _("The round at %(first)s overlaps the one at %(second)s.",
                                                first=fmt_time(earlier.starts_at),
                                                second=fmt_time(later.starts_at)))
    return specs


def parse_topics(text: str) -> list[str]:
    """One topic per line (or separated by ;), trimmed, duplicates removed case-insensitively."""
    seen: set[str] = set()
    topics = []
    for raw in re.split(r"[\n;]", text or ""):
        name = " ".join(raw.split())
        if name and name.casefold() not in seen:
            if len(name) > 80:
                raise SetupError("topics", _("Topic \"%(name)s…\" is longer than 80 characters.",
                                             name=name[:40]))
            seen.add(name.casefold())
            topics.append(name)
    return topics


def slug_taken(slug: str, except_event_id: int | None = None) -> bool:
    query = db.select(Event.id).filter_by(slug=slug)
    if except_event_id is not None:
        query = query.where(Event.id != except_event_id)
    return db.session.execute(query).first() is not None


def _apply_settings(event: Event, data: dict[str, Any], rounds: list[RoundSpec]) -> None:
    for key in ("name", "slug", "description", "venue", "contact_email", "timezone", "language",
                "num_tables", "table_names",
                "registration_open", "block_same_organisation", "min_meetings", "mutuality",
                "allow_trios", "compact"):
        if key in data:
            setattr(event, key, data[key])
    _replace_rounds(event, rounds)
    if "topic_names" in data:  # a caller that leaves topics out must not wipe the list
        _replace_topics(event, data["topic_names"])


def _replace_rounds(event: Event, rounds: list[RoundSpec]) -> None:
    by_number = {r.number: r for r in event.rounds}
    for number, spec in enumerate(rounds, start=1):
        existing = by_number.pop(number, None)
        if existing is None:
            event.rounds.append(Round(number=number, starts_at=spec.starts_at,
                                      duration_minutes=spec.duration_minutes))
        else:
            existing.starts_at = spec.starts_at
            existing.duration_minutes = spec.duration_minutes
    for leftover in by_number.values():
        event.rounds.remove(leftover)


def _replace_topics(event: Event, names: list[str]) -> None:
    """Keep topics by name (so attendees' choices survive), add new ones, drop removed ones."""
    by_key = {t.name.casefold(): t for t in event.topics}
    kept = []
    for position, name in enumerate(names):
        topic = by_key.pop(name.casefold(), None) or Topic(name=name)
        topic.name = name
        topic.position = position
        kept.append(topic)
    for removed in by_key.values():
        if removed.id is not None:
            db.session.execute(attendee_offer.delete().where(attendee_offer.c.topic_id == removed.id))
            db.session.execute(attendee_need.delete().where(attendee_need.c.topic_id == removed.id))
    event.topics = kept


def create_event(organiser: Organiser, data: dict[str, Any], rounds: list[RoundSpec]) -> Event:
    if slug_taken(data["slug"]):
        raise SetupError("slug", _("This address is already used by another event; pick another."))
    event = Event(organiser=organiser)
    _apply_settings(event, data, rounds)
    db.session.add(event)
    db.session.commit()
    return event


def update_event(event: Event, data: dict[str, Any], rounds: list[RoundSpec]) -> None:
    if slug_taken(data["slug"], except_event_id=event.id):
        raise SetupError("slug", _("This address is already used by another event; pick another."))
    _apply_settings(event, data, rounds)
    db.session.commit()


def set_registration_open(event: Event, is_open: bool) -> None:
    event.registration_open = is_open
    db.session.commit()


@dataclass
class TopicCount:
    name: str
    offered: int
    needed: int


def registration_counts(event: Event) -> dict[str, Any]:
    """Counts for the registrations page: by status, and by topic offered / needed."""
    by_status = dict(
        db.session.execute(
            db.select(Attendee.status, func.count()).filter_by(event_id=event.id).group_by(Attendee.status)
        ).all()
    )
    active = db.select(Attendee.id).filter_by(event_id=event.id, status="registered")

    def per_topic(table) -> dict[int, int]:
        return dict(
            db.session.execute(
                db.select(table.c.topic_id, func.count())
                .where(table.c.attendee_id.in_(active))
                .group_by(table.c.topic_id)
            ).all()
        )

    offered, needed = per_topic(attendee_offer), per_topic(attendee_need)
    topics = [TopicCount(t.name, offered.get(t.id, 0), needed.get(t.id, 0)) for t in event.topics]
    return {
        "registered": by_status.get("registered", 0),
        "withdrawn": by_status.get("withdrawn", 0),
        "no_show": by_status.get("no_show", 0),
        "topics": topics,
        "unmet_needs": [t.name for t in topics if t.needed and not t.offered],
        "unneeded_offers": [t.name for t in topics if t.offered and not t.needed],
    }

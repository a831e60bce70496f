"""Small display helpers shared by pages, print views and emails."""

from __future__ import annotations

from datetime import date, datetime


def fmt_time(value: datetime | None) -> str:
    return value.strftime("%H:%M") if value else ""


def fmt_date(value: date | datetime | None) -> str:
    if not value:
        return ""
    return f"{value:%A} {value.day} {value:%B %Y}"


def split_topics(cell: str) -> list[str]:
    """Split a ``;``-separated cell into trimmed, non-empty topic names."""
    return [part.strip() for part in (cell or "").split(";") if part.strip()]

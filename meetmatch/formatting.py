"""Small display helpers shared by pages, print views and emails."""

from __future__ import annotations

from .i18n import fmt_date, fmt_time  # noqa: F401  (formatted for the current language)


def split_topics(cell: str) -> list[str]:
    """Split a ``;``-separated cell into trimmed, non-empty topic names."""
    return [part.strip() for part in (cell or "").split(";") if part.strip()]

"""A saved meeting's structured reason: the engine's Explanation kept as JSON, and read back.

Builds and hand edits store it (``SavedMeeting.reason``); ``review.reason_for`` renders it for
the reader, in the second person on their own page, mail and card, else in the third.
"""

from __future__ import annotations

from dataclasses import asdict

from ..matching.reasons import Explanation, Match
from ..models import SavedMeeting


def reason_json(explanation: Explanation | None) -> dict | None:
    """An Explanation as stored with a saved meeting (see ``reason_of``)."""
    return None if explanation is None else asdict(explanation)


def reason_of(data: dict | None) -> Explanation | None:
    """The Explanation a saved meeting stored, or None for meetings saved without one."""
    if not data:
        return None
    fields = dict(data)
    for key in ("a_to_b", "b_to_a"):
        fields[key] = tuple(Match(**m) for m in fields.get(key) or ())
    fields["asked"] = tuple(fields.get("asked") or ())
    return Explanation(**fields)


def two_way_count(meetings: list[SavedMeeting]) -> int:
    """How many meetings both people gain from, as their stored reasons say."""
    return sum(bool(m.reason and m.reason.get("two_way")) for m in meetings)


def two_way_share_of(meetings: list[SavedMeeting]) -> float | None:
    """The share of meetings where both people gain, among those with a stored reason."""
    known = sum(1 for m in meetings if m.reason)
    return two_way_count(meetings) / known if known else None

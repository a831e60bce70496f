"""A saved meeting's structured reason: the engine's Explanation kept as JSON, and read back.

Builds and hand edits store it (``SavedMeeting.reason``); ``review.reason_for`` renders it for
the reader, in the second person on their own page, mail and card, else in the third.
"""

from __future__ import annotations

from dataclasses import asdict

from ..matching.reasons import Explanation, Match
from ..models import SavedMeeting


def reason_json(explanation: Explanation | None, trio: tuple[Explanation, ...] = (),
                two_way: bool | None = None) -> dict | None:
    """An Explanation as stored with a saved meeting (see ``reason_of``); a trio adds the
    explanations of its pairs (a, c) and (b, c) under "trio", and ``two_way`` (all three
    pairs gain both ways) replaces the pair's own."""
    if explanation is None:
        return None
    data = asdict(explanation)
    if trio:
        data["trio"] = [asdict(e) for e in trio]
    if two_way is not None:
        data["two_way"] = bool(two_way)
    return data


def reason_of(data: dict | None) -> Explanation | None:
    """The Explanation a saved meeting stored (of a and b), or None for meetings saved
    without one."""
    if not data:
        return None
    fields = dict(data)
    fields.pop("trio", None)
    for key in ("a_to_b", "b_to_a"):
        fields[key] = tuple(Match(**m) for m in fields.get(key) or ())
    fields["asked"] = tuple(fields.get("asked") or ())
    return Explanation(**fields)


def trio_reasons_of(data: dict | None) -> list[Explanation]:
    """A trio's stored explanations of its pairs (a, c) and (b, c); [] for a pair."""
    return [e for e in (reason_of(x) for x in (data or {}).get("trio") or ()) if e is not None]


def two_way_count(meetings: list[SavedMeeting]) -> int:
    """How many meetings both people gain from, as their stored reasons say."""
    return sum(bool(m.reason and m.reason.get("two_way")) for m in meetings)


def two_way_share_of(meetings: list[SavedMeeting]) -> float | None:
    """The share of meetings where both people gain, among those with a stored reason."""
    known = sum(1 for m in meetings if m.reason)
    return two_way_count(meetings) / known if known else None

"""The rounds a person sits out: one rule (``sitting_out``) for the organiser's "sitting out"
(``review.by_attendee``) and for the free rounds told, with their times, in the person's
schedule mail and on their page, so they know when they are free.

Rounds the person can attend, from the round they arrived in (a walk-in's earlier rounds do
not count), without a meeting; nobody who is withdrawn, a no-show or added after the version
was built.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

from ..models import Attendee, Event, Round, ScheduleVersion
from .versions import built_without, details_of, published_version


def sitting_out(attendee: Attendee, busy: Set[int], targets: Mapping[str, object],
                first: int = 1) -> list[int]:
    """The round numbers ``attendee`` can attend but has no meeting in.

    ``busy``: the round numbers of their meetings; ``targets``: the version's targets by
    attendee id (empty for a version built before targets were stored: everyone counts);
    ``first``: the first round they were there for (``review.first_rounds``). In the order of
    the rounds they can attend."""
    if not attendee.is_active:
        return []
    if built_without(targets, attendee.id):  # added after this version was built
        return []
    return [r for r in attendee.attended_rounds if r not in busy and r >= first]


def free_rounds(event: Event, version: ScheduleVersion, attendee: Attendee,
                busy: set[int]) -> list[Round]:
    """The event's rounds ``attendee`` sits out in ``version`` (``busy``: the round numbers of
    their meetings in it), in time order."""
    details = details_of(version)
    first = int(details.get("joined", {}).get(str(attendee.id), 1))
    free = set(sitting_out(attendee, busy, details.get("targets", {}), first))
    return [r for r in event.rounds if r.number in free]


def published_free_rounds(attendee: Attendee, agenda: list | None) -> list[Round]:
    """``free_rounds`` in the published schedule, for the attendee's page; [] while nothing is
    published or when they have no meeting at all (the page says so in words instead)."""
    if not agenda:
        return []
    version = published_version(attendee.event_id)
    if version is None:
        return []
    return free_rounds(attendee.event, version, attendee, {it.round for it in agenda})

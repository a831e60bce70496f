"""The rounds a person sits out: told in their schedule mail and on their page, with the
times, so they know when they are free.

The same rule as the organiser's "sitting out" (``review.by_attendee``): rounds the person can
attend, from the round they arrived in (a walk-in's earlier rounds do not count), without a
meeting; nobody who is withdrawn, a no-show or added after the version was built.
"""

from __future__ import annotations

from ..models import Attendee, Event, Round, ScheduleVersion
from .versions import details_of, published_version


def free_rounds(event: Event, version: ScheduleVersion, attendee: Attendee,
                busy: set[int]) -> list[Round]:
    """The event's rounds ``attendee`` can attend but has no meeting in (``busy``: the round
    numbers of their meetings in ``version``), in time order."""
    if not attendee.is_active:
        return []
    details = details_of(version)
    targets = details.get("targets", {})
    if targets and str(attendee.id) not in targets:  # added after this version was built
        return []
    first = int(details.get("joined", {}).get(str(attendee.id), 1))
    ticked = attendee.rounds_list  # [] (a window outside their ticks): none, as the engine reads it
    can = set([r.number for r in event.rounds] if ticked is None else ticked)
    return [r for r in event.rounds if r.number in can and r.number >= first and r.number not in busy]


def published_free_rounds(attendee: Attendee, agenda: list | None) -> list[Round]:
    """``free_rounds`` in the published schedule, for the attendee's page; [] while nothing is
    published or when they have no meeting at all (the page says so in words instead)."""
    if not agenda:
        return []
    version = published_version(attendee.event_id)
    if version is None:
        return []
    return free_rounds(attendee.event, version, attendee, {it.round for it in agenda})

"""Attendees' wishes, turned into the engine's rules.

A wish is ``(from_id, to_id, kind)``: ``"meet"`` ("I'd like to meet") or ``"avoid"`` ("I'd
rather not meet"). The priority, highest first:

1. **The organiser's rules win.** A blocked pair never meets, whatever the wishes; a pair
   the organiser requested stays requested even when one side would rather not meet.
2. **"Rather not" from either side** = the pair never meets (a hard rule, like a block).
3. **A mutual wish** (both said "meet") = a requested pair: the request priority, above
   fairness, and reported in ``unmet_requests`` when it cannot be met.
4. **A one-sided wish** = a bonus on the pair's score: the score counts ``1 + wish_bonus``
   times (``Settings.wish_bonus``, default :data:`DEFAULT_WISH_BONUS`). Scores rank below
   fairness, so the bonus never leaves anybody short of their target, and a pair whose
   mutual score is 0 still never meets.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .rules import organisation_key

if TYPE_CHECKING:
    from .problem import Problem
    from .scoring import ScoreModel

MEET = "meet"
AVOID = "avoid"
KINDS = (MEET, AVOID)
DEFAULT_WISH_BONUS = 1.0  # a one-sided wish doubles the pair's score
MAX_WISH_BONUS = 10.0

Pair = frozenset[str]


@dataclass(frozen=True)
class WishPairs:
    """What the wishes of a problem mean for each pair (see the module docstring).

    ``avoided``: pairs that never meet because of a wish; ``mutual``: requested because both
    asked; ``one_sided``: pair -> the id of the one who asked, for the score bonus;
    ``asked``: pair -> the ids who asked to meet (sorted), for the reasons, whether or not the
    wish changed anything; ``overruled``: avoid wishes set aside by an organiser's request.
    """

    avoided: frozenset[Pair] = frozenset()
    mutual: frozenset[Pair] = frozenset()
    one_sided: dict[Pair, str] = field(default_factory=dict)
    asked: dict[Pair, tuple[str, ...]] = field(default_factory=dict)
    overruled: frozenset[Pair] = frozenset()


def wish_pairs(wishes: Iterable[tuple[str, str, str]],
               blocked: Iterable[tuple[str, str]],
               requested: Iterable[tuple[str, str]]) -> WishPairs:
    """Classify the pairs of ``wishes`` given the organiser's ``blocked`` and ``requested``."""
    blocked_set = {frozenset(p) for p in blocked}
    requested_set = {frozenset(p) for p in requested}
    meet: dict[Pair, set[str]] = {}
    avoid: set[Pair] = set()
    for a, b, kind in wishes:
        pair = frozenset((a, b))
        if kind == AVOID:
            avoid.add(pair)
        else:
            meet.setdefault(pair, set()).add(a)
    avoided = frozenset(p for p in avoid if p not in requested_set)
    overruled = frozenset(p for p in avoid if p in requested_set)
    free = {p: who for p, who in meet.items() if p not in avoided and p not in blocked_set}
    mutual = frozenset(p for p, who in free.items() if len(who) == 2)
    one_sided = {p: next(iter(who)) for p, who in free.items()
                 if len(who) == 1 and p not in requested_set}
    asked = {p: tuple(sorted(who)) for p, who in free.items()}
    return WishPairs(avoided=avoided, mutual=mutual, one_sided=one_sided, asked=asked,
                     overruled=overruled)


def sorted_pairs(pairs: Iterable[Pair]) -> tuple[tuple[str, str], ...]:
    """Pairs as sorted (a, b) tuples in canonical order."""
    return tuple(sorted(tuple(sorted(p)) for p in pairs))  # type: ignore[misc]


def suggest_partners(problem: Problem, scores: ScoreModel, listed: Collection[str],
                     keep: int) -> list[tuple[str, str, float, int]]:
    """Each attendee's ``keep`` best partners among ``listed`` ids: (a, b, mutual score, rank).

    Only pairs that could meet: not oneself, not the same organisation while that is blocked,
    not a blocked pair, mutual score above 0. Best score first; ties by id (canonical).
    """
    ids = scores.ids
    is_listed = np.array([x in listed for x in ids])
    people = {p.id: p for p in problem.attendees}
    org = [organisation_key(people[x]) if problem.settings.block_same_organisation else ""
           for x in ids]
    blocked = {frozenset(p) for p in problem.blocked_pairs}
    out: list[tuple[str, str, float, int]] = []
    for rows, S in scores.blocks():
        S = np.where(is_listed[None, :], S, 0.0)
        S[np.arange(len(rows)), rows] = 0.0
        m = min(len(ids) - 1, 2 * keep)
        if m < 1:
            continue
        cand = np.argpartition(-S, m, axis=1)[:, : m + 1]
        for k, i in enumerate(rows):
            row = S[k]
            order = cand[k][np.lexsort((cand[k], -row[cand[k]]))]
            rank = 0
            for j in order.tolist():
                if row[j] <= 0 or rank >= keep:
                    break
                if org[i] and org[i] == org[j] or frozenset((ids[i], ids[j])) in blocked:
                    continue
                out.append((ids[i], ids[j], float(row[j]), rank))
                rank += 1
    return out


__all__ = ["AVOID", "DEFAULT_WISH_BONUS", "KINDS", "MAX_WISH_BONUS", "MEET", "WishPairs",
           "sorted_pairs", "suggest_partners", "wish_pairs", "wishes_met"]


def wishes_met(pairs: WishPairs, meetings: Iterable[tuple[str, str]]) -> dict[str, int]:
    """How many mutual and one-sided wishes a schedule's ``meetings`` (a, b) fulfil.

    Counts pairs: a mutual wish is one pair asked for twice. Wishes of pairs the organiser
    blocked or that one side would rather not meet are not counted (they cannot be met).
    """
    met = {frozenset(m) for m in meetings}
    one_sided = [p for p, who in pairs.asked.items() if len(who) == 1]
    return {"mutual": len(pairs.mutual), "mutual_met": len(pairs.mutual & met),
            "one_sided": len(one_sided), "one_sided_met": sum(p in met for p in one_sided)}

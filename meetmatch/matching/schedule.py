"""The solver's schedule value and how two schedules compare.

A :data:`Schedule` is ``dict[edge id, round]`` over ``Instance.edges`` (the new meetings
only; fixed meetings live in the Instance). Schedules are ranked by the priorities:
fewest unmet requests, then fewest attendees short of target, then the greatest score.
"""

from __future__ import annotations

import numpy as np

from .instance import Instance

Schedule = dict[int, int]


def evaluate(inst: Instance, assign: Schedule) -> tuple[int, int, float]:
    """(unmet requests, attendees short of target, total score of new meetings)."""
    deg = inst.fixed_count.copy()
    for e in assign:
        i, j = inst.edges[e]
        deg[i] += 1
        deg[j] += 1
    unmet = sum(1 for e in inst.requested if e not in assign)
    short = int(np.sum(deg < inst.target))
    score = float(sum(inst.edge_score[e] for e in assign))
    return unmet, short, score


def better(inst: Instance, a: Schedule, b: Schedule) -> Schedule:
    """The better schedule by the priorities (``a`` on a tie)."""
    ka, kb = evaluate(inst, a), evaluate(inst, b)
    return a if (ka[0], ka[1], -round(ka[2], 9)) <= (kb[0], kb[1], -round(kb[2], 9)) else b

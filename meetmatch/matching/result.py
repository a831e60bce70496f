"""What a solve returns: the status, the meetings round by round, and how good they are.

:func:`build_result` turns the solver's :data:`~meetmatch.matching.schedule.Schedule`
(edge ids and rounds) into attendee ids, tables and reasons; :func:`result_to_dict` is
the JSON output format.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np

from .instance import Instance
from .reasons import Explanation
from .rules import pairs_at, people_at
from .schedule import Schedule
from .trios import Thirds, trio_value
from .wishes import wishes_met


class SolveStatus(StrEnum):
    """How a run ended. A str, so ``status == "optimal"`` and JSON output keep working."""

    OPTIMAL = "optimal"  # proven: no schedule is better by the priorities
    FEASIBLE = "feasible"  # the best schedule found within the time limit; see the gap
    INFEASIBLE = "infeasible"  # the fixed meetings alone break a hard rule (see message)


@dataclass(frozen=True)
class ScheduledMeeting:
    """One meeting of a result: ``a`` and ``b`` (attendee ids) at ``table``, its mutual
    ``score`` and the reason ``why``; ``fixed`` when it was given (held or kept).

    ``explanation`` holds what each side offers that the other needs (render it for a
    reader with ``reasons.third_person`` / ``second_person``); ``two_way`` whether both gain.

    A trio (a table of three, ``settings.allow_trios``) has its third person in ``c``;
    ``trio`` then holds the explanations of the pairs (a, c) and (b, c), ``score`` is the
    trio's value (``trios.TRIO_FACTOR`` x the sum of its three pairs' scores), ``why`` has all
    three pairs' reasons and ``two_way`` means all three pairs gain both ways.
    """

    a: str
    b: str
    table: int
    score: float
    why: str
    fixed: bool = False
    explanation: Explanation | None = field(default=None, compare=False, repr=False)
    two_way: bool = False
    c: str | None = None
    trio: tuple[Explanation, ...] = field(default=(), compare=False, repr=False)

    @property
    def people(self) -> tuple[str, ...]:
        """The two or three people at the table."""
        return people_at(self.a, self.b, self.c)

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """The pairs that meet: one, or the three of a trio."""
        return pairs_at(self.a, self.b, self.c)


Meeting = ScheduledMeeting  # the older name, kept for callers


@dataclass
class RoundResult:
    round: int
    meetings: list[ScheduledMeeting]
    sitting_out: list[str]


@dataclass
class Result:
    """A schedule with its status and how good it is.

    ``objective`` is the total mutual score of all meetings (fixed ones included);
    ``upper_bound`` no schedule can beat; ``gap = (upper_bound - objective) / upper_bound``.
    """

    status: SolveStatus
    message: str
    objective: float
    upper_bound: float
    gap: float
    rounds: list[RoundResult]
    unmet_requests: list[tuple[str, str, str]] = field(default_factory=list)
    short: list[str] = field(default_factory=list)
    targets: dict[str, int] = field(default_factory=dict)
    wall_time: float = 0.0
    scorer: str = ""  # what judged the pairs: an encoder name, "lexical" or "weights"
    two_way_share: float | None = None  # share of meetings where both gain; None: no meetings
    # Attendees' wishes: mutual / one_sided pairs and how many of each are met; {}: no wishes.
    wishes: dict[str, int] = field(default_factory=dict)
    # Rounds people attend without a meeting between their first and last (matching/compact.py).
    idle_gaps: int = 0


def infeasible_result(inst: Instance, wall_time: float) -> Result:
    """The answer when the fixed meetings alone break a rule: no meetings, the reason."""
    return Result(status=SolveStatus.INFEASIBLE, message=inst.infeasible, objective=0.0,
                  upper_bound=0.0, gap=0.0,
                  rounds=[RoundResult(r, [], []) for r in range(1, inst.rounds + 1)],
                  unmet_requests=list(inst.unmet_requests), short=[],
                  targets=_targets(inst), wall_time=wall_time, scorer=inst.scores.scorer)


def build_result(inst: Instance, assign: Schedule, objective: float, upper: float,
                 optimal: bool, wall_time: float, thirds: Thirds | None = None) -> Result:
    """The Result of schedule ``assign`` (plus the fixed meetings and the trios' third
    people, ``thirds``): tables, reasons, who sits out, who is short, unmet requests and
    the one-line message."""
    thirds = thirds or {}
    by_round, score_of = _meetings_by_round(inst, assign)
    hosts = {t for t in inst.host if t is not None}
    rounds = []
    deg = np.zeros(inst.n, dtype=int)
    tabled = {r: _with_tables(inst, sorted(by_round[r]), hosts) for r in by_round}
    # All reasons in one batch: the item gains are computed once per person, not per meeting.
    ids = inst.ids
    explained = []
    for r in sorted(tabled):
        for i, j, _, _ in tabled[r]:
            explained.append((ids[i], ids[j]))
            k = thirds.get((r, i, j))
            if k is not None:
                explained += [(ids[i], ids[k]), (ids[j], ids[k])]
    explanations = iter(inst.scores.explain_many(explained))
    asked = inst.problem.wish_pairs.asked
    requested = {frozenset(p) for p in inst.problem.requested_pairs}  # the organiser's

    def explain(i: int, j: int) -> Explanation:
        explanation = next(explanations)
        wished = asked.get(frozenset((ids[i], ids[j])))
        return replace(explanation, asked=wished) if wished else explanation

    trio_count = 0
    for r in range(1, inst.rounds + 1):
        out, busy = [], set()
        for i, j, t, fixed in tabled[r]:
            explanation = explain(i, j)
            k = thirds.get((r, i, j))
            if k is None:
                out.append(ScheduledMeeting(ids[i], ids[j], int(t), round(score_of[i, j], 6),
                                            _why(inst, i, j, explanation, requested),
                                            fixed, explanation, explanation.two_way))
            else:
                trio_count += 1
                trio = (explain(i, k), explain(j, k))
                value = trio_value(score_of[i, j], inst.scores.mutual(ids[i], ids[k]),
                                   inst.scores.mutual(ids[j], ids[k]))
                why = " ".join(_why(inst, x, y, e, requested)
                               for (x, y), e in zip(((i, j), (i, k), (j, k)),
                                                    (explanation, *trio), strict=True))
                out.append(ScheduledMeeting(
                    ids[i], ids[j], int(t), round(value, 6), why, fixed, explanation,
                    explanation.two_way and all(e.two_way for e in trio), ids[k], trio))
                busy.add(k)
                deg[k] += 1
            busy |= {i, j}
            deg[[i, j]] += 1
        out.sort(key=lambda m: (m.table, m.a, m.b))
        sitting = [inst.ids[i] for i in range(inst.n) if i not in busy and r in _attends(inst, i)]
        rounds.append(RoundResult(r, out, sitting))
    short = [inst.ids[i] for i in range(inst.n) if deg[i] < inst.target[i]]
    met = {frozenset(p) for rr in rounds for m in rr.meetings if m.c is not None
           for p in m.pairs}
    unmet = [u for u in _unmet(inst, assign) if frozenset(u[:2]) not in met]
    gap = 0.0 if upper <= 0 else max(0.0, (upper - objective) / upper)
    if optimal:
        status, gap, upper = SolveStatus.OPTIMAL, 0.0, objective
    else:
        status = SolveStatus.FEASIBLE
    meetings = sum(len(rr.meetings) for rr in rounds)
    parts = [f"{meetings} meetings in {inst.rounds} rounds"
             + (f" ({trio_count} of three people)" if trio_count else ""),
             f"score {objective:.2f}",
             f"bound {upper:.2f} (gap {gap:.2%})", f"{len(short)} short of target"]
    if unmet:
        parts.append(f"{len(unmet)} request(s) not met: " + "; ".join(
            f"{a}-{b}: {why}" for a, b, why in unmet))
    two_way = sum(m.two_way for rr in rounds for m in rr.meetings)
    share = two_way / meetings if meetings else None
    if share is not None:
        parts.insert(2, f"{share:.0%} two-way")
    wishes = {}
    if inst.problem.wishes:
        wishes = wishes_met(inst.problem.wish_pairs,
                            [p for rr in rounds for m in rr.meetings for p in m.pairs])
        parts.append(f"mutual wishes met {wishes['mutual_met']}/{wishes['mutual']}, one-sided "
                     f"{wishes['one_sided_met']}/{wishes['one_sided']}")
    return Result(status=status, message=", ".join(parts), objective=round(objective, 6),
                  upper_bound=round(upper, 6), gap=gap, rounds=rounds, unmet_requests=unmet,
                  short=short, targets=_targets(inst), wall_time=wall_time,
                  scorer=inst.scores.scorer, two_way_share=share, wishes=wishes)


def _meetings_by_round(inst: Instance, assign: Schedule):
    """Per round (i, j, table or None, fixed) of fixed and new meetings, and their scores."""
    by_round: dict[int, list[tuple[int, int, int | None, bool]]] = {
        r: [] for r in range(1, inst.rounds + 1)}
    score_of: dict[tuple[int, int], float] = {}
    for i, j, r, t in inst.fixed:
        by_round[r].append((i, j, t, True))
        score_of[i, j] = inst.scores.mutual(inst.ids[i], inst.ids[j])
    factor = 1.0 + inst.problem.wish_bonus
    for e, r in assign.items():
        i, j = inst.edges[e]
        by_round[r].append((i, j, inst.edge_table[e], False))
        # A meeting's score is the pair's mutual score; the wish bonus only steers the choice.
        score_of[i, j] = float(inst.edge_score[e]) / (factor if (i, j) in inst.bonus_pairs
                                                      else 1.0)
    return by_round, score_of


def _with_tables(inst: Instance, items, hosts: set[int]):
    """The meetings of one round with a table each: given tables and host tables stay;
    the others take the lowest free table that nobody hosts."""
    host = inst.host
    taken = {t for _, _, t, _ in items if t is not None}
    for i, j, t, fixed in items:
        if fixed and t is None and host[i] is not None:
            taken.add(host[i])
        elif fixed and t is None and host[j] is not None:
            taken.add(host[j])
    next_table = 1
    out = []
    for i, j, t, fixed in items:
        if t is None and fixed:
            t = host[i] if host[i] is not None else host[j]
        if t is None:
            while next_table in taken or next_table in hosts:
                next_table += 1
            t = next_table
            taken.add(t)
        out.append((i, j, t, fixed))
    return out


def _unmet(inst: Instance, assign: Schedule) -> list[tuple[str, str, str]]:
    unmet = list(inst.unmet_requests)
    for e in inst.requested:
        if e not in assign:
            i, j = inst.edges[e]
            unmet.append((inst.ids[i], inst.ids[j], "no round left for it once the other rules "
                                                    "and requests were met"))
    return sorted(unmet)


def _targets(inst: Instance) -> dict[str, int]:
    return {inst.ids[i]: int(inst.target[i]) for i in range(inst.n)}


def _why(inst: Instance, i: int, j: int, explanation: Explanation,
         requested: set[frozenset[str]]) -> str:
    scores = inst.scores
    a, b = inst.ids[i], inst.ids[j]
    if frozenset((a, b)) not in requested:
        return explanation.text
    names = [p.name.split()[0] if p.name.split() else p.id
             for p in (inst.people[i], inst.people[j])]
    text = f"The organiser asked {names[0]} and {names[1]} to meet."
    if explanation.a_gives or explanation.b_gives or (
            inst.problem.weights is not None and scores.mutual(a, b) > 0):
        text += " " + explanation.text
    return text


def _attends(inst: Instance, i: int) -> tuple[int, ...]:
    p = inst.people[i]
    return p.available_rounds if p.available_rounds is not None else tuple(
        range(1, inst.rounds + 1))


def result_to_dict(result: Result) -> dict:
    """The JSON output format (see the README), plus gap, unmet requests, short and timing."""
    return {
        "status": str(result.status),
        "message": result.message,
        "objective": result.objective,
        "upper_bound": result.upper_bound,
        "gap": round(result.gap, 6),
        "rounds": [{"round": rr.round,
                    "meetings": [{"a": m.a, "b": m.b, "table": m.table, "score": m.score,
                                  "why": m.why, "two_way": m.two_way,
                                  **({"c": m.c} if m.c is not None else {}),
                                  **({"fixed": True} if m.fixed else {})}
                                 for m in rr.meetings],
                    "sitting_out": rr.sitting_out} for rr in result.rounds],
        "unmet_requests": [{"a": a, "b": b, "reason": why} for a, b, why in
                           result.unmet_requests],
        "short": result.short,
        "targets": result.targets,
        "wall_time": round(result.wall_time, 3),
        "scorer": result.scorer,
        "two_way_share": (None if result.two_way_share is None
                          else round(result.two_way_share, 4)),
        **({"wishes": result.wishes} if result.wishes else {}),
        "idle_gaps": result.idle_gaps,
    }

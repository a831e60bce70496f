"""The solver's view of a Problem: indices, free rounds, capacities and candidate pairs.

Everything is in canonical order (attendees sorted by id, pairs as (i < j) sorted), so
the same input gives the same model whatever the input order or PYTHONHASHSEED.
Candidate pairs are pruned to each attendee's best ``keep`` partners; ``threshold[i]``
is the best score of a pair dropped from i's list, which keeps the upper bound honest.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from .problem import Participant, Problem
from .rules import ZERO_SCORE, organisation_key
from .scoring import ScoreModel

SCALE = 1000  # scores are integers in thousandths inside CP-SAT and the matching
KEEP_ALL_PAIRS = 20_000  # below this many possible pairs nothing is pruned


@dataclass
class Instance:
    problem: Problem
    scores: ScoreModel
    n: int
    rounds: int
    ids: tuple[str, ...]
    people: list[Participant]  # in the order of ids
    free_rounds: list[tuple[int, ...]]  # rounds (1-based) in which i may get a new meeting
    cap: np.ndarray  # new meetings i may still get
    target: np.ndarray  # fairness target (all meetings, fixed included)
    fixed_count: np.ndarray
    host: list[int | None]
    free_cap: dict[int, float]  # per round: meetings without a host table that still fit
    host_busy: set[tuple[int, int]]  # (table, round) already taken by fixed meetings
    edges: list[tuple[int, int]] = field(default_factory=list)
    edge_score: np.ndarray = field(default_factory=lambda: np.zeros(0))
    edge_rounds: list[tuple[int, ...]] = field(default_factory=list)
    edge_table: list[int | None] = field(default_factory=list)
    edge_index: dict[tuple[int, int], int] = field(default_factory=dict)
    requested: list[int] = field(default_factory=list)  # edge ids of feasible requests
    unmet_requests: list[tuple[str, str, str]] = field(default_factory=list)
    threshold: np.ndarray = field(default_factory=lambda: np.zeros(0))
    pruned: bool = False
    fixed: list[tuple[int, int, int, int | None]] = field(default_factory=list)
    requested_pairs: set[tuple[int, int]] = field(default_factory=set)
    infeasible: str = ""  # why the fixed meetings alone already break a hard rule
    # Pairs (i < j) with a one-sided wish: their score counts 1 + problem.wish_bonus times.
    bonus_pairs: set[tuple[int, int]] = field(default_factory=set)

    @property
    def need(self) -> np.ndarray:
        """New meetings i needs to reach the target."""
        return np.maximum(0, self.target - self.fixed_count)

    def iscore(self, e: int) -> int:
        return int(round(self.edge_score[e] * SCALE))


def build_instance(problem: Problem, scores: ScoreModel, keep: int | None = None) -> Instance:
    """Derive availability, capacities and pruned candidate pairs from a Problem."""
    ids = scores.ids
    n, R = len(ids), problem.rounds
    by_id = {p.id: p for p in problem.attendees}
    people = [by_id[x] for x in ids]
    all_rounds = tuple(range(1, R + 1))
    avail = [tuple(sorted(p.available_rounds)) if p.available_rounds is not None else all_rounds
             for p in people]
    host = [p.host_table for p in people]
    used = _FixedUse(problem, scores.index, host)
    free_rounds = []
    for i in range(n):
        rs = [r for r in avail[i] if r not in used.busy[i]
              and not (host[i] is not None and (host[i], r) in used.host_busy)]
        free_rounds.append(tuple(rs))
    cap = np.array([len(free_rounds[i]) for i in range(n)], dtype=int)
    target = np.array([meeting_target(problem, p) for p in people], dtype=int)
    for i, p in enumerate(people):
        if p.max_meetings is not None:
            cap[i] = max(0, min(cap[i], p.max_meetings - used.count[i]))
    free_cap, infeasible = used.free_tables(problem.tables)
    inst = Instance(problem=problem, scores=scores, n=n, rounds=R, ids=ids, people=people,
                    free_rounds=free_rounds, cap=cap, target=target, fixed_count=used.count,
                    host=host, free_cap=free_cap, host_busy=used.host_busy, fixed=used.fixed,
                    infeasible=infeasible)
    index = scores.index
    if problem.wish_bonus > 0:
        inst.bonus_pairs = {tuple(sorted((index[a], index[b])))  # type: ignore[misc]
                            for a, b in problem.wish_pairs.one_sided}
    _candidates(inst, keep)
    return inst


def meeting_target(problem: Problem, person: Participant) -> int:
    """The meetings ``person`` should get (fixed ones included): ``problem.min_meetings``,
    but no more than the rounds they attend or their ``max_meetings``."""
    attends = (len(person.available_rounds) if person.available_rounds is not None
               else problem.rounds)
    target = min(problem.min_meetings, attends)
    if person.max_meetings is not None:
        target = min(target, person.max_meetings)
    return target


class _FixedUse:
    """What the fixed meetings occupy: rounds of people, meetings counted, tables per round."""

    def __init__(self, problem: Problem, index, host: list[int | None]):
        n, rounds = len(host), tuple(range(1, problem.rounds + 1))
        self.hosts = {t for t in host if t is not None}
        self.busy: list[set[int]] = [set() for _ in range(n)]
        self.count = np.zeros(n, dtype=int)
        self.fixed: list[tuple[int, int, int, int | None]] = []
        self.host_busy: set[tuple[int, int]] = set()
        self.tables: dict[int, set[int]] = {r: set() for r in rounds}  # given or host tables
        self.tableless: dict[int, int] = {r: 0 for r in rounds}
        for f in sorted(problem.fixed_meetings,
                        key=lambda f: (f.round, min(f.a, f.b), max(f.a, f.b))):
            i, j = sorted((index[f.a], index[f.b]))
            self.fixed.append((i, j, f.round, f.table))
            self.busy[i].add(f.round)
            self.busy[j].add(f.round)
            self.count[[i, j]] += 1
            table = f.table if f.table is not None else (
                host[i] if host[i] is not None else host[j])
            if table is not None:
                self.tables[f.round].add(table)
                if table in self.hosts:
                    self.host_busy.add((table, f.round))
            else:
                self.tableless[f.round] += 1

    def free_tables(self, tables: int | None) -> tuple[dict[int, float], str]:
        """Per round, how many meetings without a host table still fit; and why the fixed
        meetings alone do not fit ("" when they do)."""
        if tables is None:
            return {r: math.inf for r in self.tables}, ""
        free_cap: dict[int, float] = {}
        infeasible = ""
        for r in self.tables:
            free = [t for t in range(1, tables + 1)
                    if t not in self.hosts and t not in self.tables[r]]
            free_cap[r] = max(0, len(free) - self.tableless[r])
            if len(free) < self.tableless[r] and not infeasible:
                infeasible = (f"fixed_meetings: round {r} has {self.tableless[r]} fixed meetings "
                              f"without a table but only {len(free)} free tables")
        return free_cap, infeasible


def _masks(inst: Instance):
    """What the pair rules need per attendee: free-round matrix, organisation, hosts, blocks
    (the organiser's and "rather not" wishes)."""
    n, R = inst.n, inst.rounds
    avail = np.zeros((n, R), dtype=np.float32)
    for i, rs in enumerate(inst.free_rounds):
        avail[i, [r - 1 for r in rs]] = 1
    avail[inst.cap <= 0] = 0
    host = np.array([-1 if t is None else t for t in inst.host])
    return avail, organisation_codes(inst), host, blocked_partners(inst)


def organisation_codes(inst: Instance) -> np.ndarray | None:
    """Per attendee a number that only people of the same organisation share (someone
    without an organisation has a code of their own); None when the event allows
    same-organisation meetings."""
    if not inst.problem.settings.block_same_organisation:
        return None
    names: dict[str, int] = {}
    keys = [organisation_key(p) for p in inst.people]
    return np.array([names.setdefault(key, len(names)) if key else -1 - i
                     for i, key in enumerate(keys)])


def blocked_partners(inst: Instance) -> dict[int, list[int]]:
    """Per attendee, who they may never be seated with: the organiser's blocks, "rather
    not" wishes and the partners of their fixed meetings (no pair meets twice)."""
    blocked: dict[int, list[int]] = {}
    index = inst.scores.index
    for a, b in inst.problem.hard_blocked_pairs:
        i, j = index[a], index[b]
        blocked.setdefault(i, []).append(j)
        blocked.setdefault(j, []).append(i)
    for i, j, _, _ in inst.fixed:
        blocked.setdefault(i, []).append(j)
        blocked.setdefault(j, []).append(i)
    return blocked


def valid_blocks(inst: Instance):
    """Yield (rows, scores of rows x everyone) with pairs that may not meet set to 0, and
    the score of a pair with a one-sided wish raised by the wish bonus."""
    avail, org, host, blocked = _masks(inst)
    bonus: dict[int, list[int]] = {}
    for i, j in inst.bonus_pairs:
        bonus.setdefault(i, []).append(j)
        bonus.setdefault(j, []).append(i)
    factor = 1.0 + inst.problem.wish_bonus
    for rows, S in inst.scores.blocks():
        valid = (avail[rows] @ avail.T) > 0
        valid[np.arange(len(rows)), rows] = False
        if org is not None:
            valid &= org[rows][:, None] != org[None, :]
        hr = host[rows][:, None]
        valid &= ~((hr >= 0) & (host[None, :] >= 0) & (hr != host[None, :]))
        for k, i in enumerate(rows):
            if i in blocked:
                valid[k, blocked[i]] = False
        S = np.where(valid, S, 0.0)
        for k, i in enumerate(rows):
            if i in bonus:
                S[k, bonus[i]] *= factor
        yield rows, valid, S


def pruned_violations(inst: Instance, y: np.ndarray, w: float, *,
                      deadline: float | None = None) -> list[tuple[int, int, float]] | None:
    """Allowed pairs outside the candidates whose score exceeds the dual price y_i + y_j + w.

    Streams the scores once more; an empty list proves the LP bound covers every pair.
    None when the ``deadline`` (time.monotonic()) would pass before the stream ends.
    """
    out = []
    began, done = time.monotonic(), 0
    for rows, _valid, S in valid_blocks(inst):
        done += len(rows)
        if deadline is not None:
            now = time.monotonic()
            if now + (now - began) / done * (inst.n - done) > deadline:
                return None
        excess = S - y[rows][:, None] - y[None, :] - w
        ks, js = np.nonzero(excess > 1e-9)
        for k, j in zip(ks.tolist(), js.tolist(), strict=True):
            i = int(rows[k])
            if i < j and (i, j) not in inst.edge_index:
                out.append((i, j, float(S[k, j])))
    return out


def _candidates(inst: Instance, keep: int | None) -> None:
    problem, scores = inst.problem, inst.scores
    n, R = inst.n, inst.rounds
    index = scores.index
    if keep is None:
        keep = n if n * (n - 1) // 2 <= KEEP_ALL_PAIRS else max(16, 3 * R + 6)
    keep = max(1, min(keep, n - 1)) if n > 1 else 0
    _, org, _, blocked = _masks(inst)
    kept: set[tuple[int, int]] = set()
    threshold = np.zeros(n)
    score_of: dict[tuple[int, int], float] = {}
    requested = {}
    for a, b in problem.all_requested_pairs:
        i, j = sorted((index[a], index[b]))
        requested.setdefault((i, j), (a, b))
    req_rows: dict[int, list[int]] = {}
    for (i, j) in requested:
        req_rows.setdefault(i, []).append(j)
        req_rows.setdefault(j, []).append(i)
    for rows, valid, S in valid_blocks(inst):
        for k, i in enumerate(rows):
            for j in req_rows.get(i, ()):
                # A request never overrides the hard rule that score-0 pairs do not meet.
                if valid[k, j] and S[k, j] > ZERO_SCORE:
                    score_of[(min(i, j), max(i, j))] = float(S[k, j])
        inst.pruned |= _keep_best(rows, S, keep, threshold, kept, score_of)
    for (i, j), (a, b) in sorted(requested.items()):
        if (i, j) in kept or (i, j) in score_of:
            kept.add((i, j))
            continue
        inst.unmet_requests.append((a, b, _request_reason(inst, i, j, a, b, org, blocked)))
    inst.threshold = threshold
    inst.requested_pairs = set(requested)
    set_edges(inst, kept, score_of)


def _keep_best(rows, S: np.ndarray, keep: int, threshold: np.ndarray,
               kept: set[tuple[int, int]], score_of: dict[tuple[int, int], float]) -> bool:
    """Keep each row's best ``keep`` positive partners (ties by partner index, canonical);
    record the best dropped score as the row's threshold. True if anything was dropped."""
    pruned = False
    positive = S > ZERO_SCORE
    counts = positive.sum(axis=1)
    if counts.max(initial=0) > keep:
        part = np.argpartition(-S, keep, axis=1)[:, : keep + 1]
    for k, i in enumerate(rows):
        row = S[k]
        if counts[k] == 0:
            continue
        if counts[k] <= keep:
            js = np.flatnonzero(positive[k])
        else:
            cand = part[k]
            order = cand[np.lexsort((cand, -row[cand]))]
            js = order[:keep]
            threshold[i] = row[order[keep]]
            pruned = True
        for j in js:
            if row[j] <= ZERO_SCORE:
                continue
            pair = (min(i, int(j)), max(i, int(j)))
            kept.add(pair)
            score_of[pair] = float(row[j])
    return pruned


def add_candidates(inst: Instance, pairs: list[tuple[int, int, float]]) -> None:
    """Add pairs (i, j, score) to the candidates, e.g. those the LP bound prices too low."""
    score_of = {e: float(inst.edge_score[k]) for k, e in enumerate(inst.edges)}
    score_of.update({(i, j): s for i, j, s in pairs})
    set_edges(inst, score_of.keys(), score_of)


def set_edges(inst: Instance, pairs, score_of: dict[tuple[int, int], float]) -> None:
    """(Re)build the candidate pair arrays in canonical order."""
    edges = sorted(pairs)
    inst.edges = edges
    inst.edge_index = {e: k for k, e in enumerate(edges)}
    inst.edge_score = np.array([score_of[e] for e in edges], dtype=float)
    inst.edge_rounds = [tuple(sorted(set(inst.free_rounds[i]) & set(inst.free_rounds[j])))
                        for i, j in edges]
    inst.edge_table = [inst.host[i] if inst.host[i] is not None else inst.host[j]
                       for i, j in edges]
    inst.requested = sorted(inst.edge_index[p] for p in inst.requested_pairs
                            if p in inst.edge_index)


def _request_reason(inst: Instance, i: int, j: int, a: str, b: str, org, blocked) -> str:
    problem = inst.problem
    pa, pb = inst.people[i], inst.people[j]
    if any((x, y) in {(a, b), (b, a)} for x, y in problem.blocked_pairs):
        return "the pair is also blocked"
    if frozenset((a, b)) in problem.wish_pairs.avoided:
        return "one of them would rather not meet the other"
    if any({f.a, f.b} == {a, b} for f in problem.fixed_meetings):
        return "they already have a fixed meeting (no pair meets twice)"
    if org is not None and org[i] == org[j]:
        return f"both are from {pa.organisation!r} and same-organisation meetings are blocked"
    for x, p in ((i, pa), (j, pb)):
        if inst.cap[x] <= 0:
            return f"{p.id} has no free round or has reached max_meetings"
    if not set(inst.free_rounds[i]) & set(inst.free_rounds[j]):
        return "they have no free round in common"
    if pa.host_table is not None and pb.host_table is not None:
        return f"both host their own table ({pa.host_table} and {pb.host_table})"
    if inst.scores.mutual(a, b) <= ZERO_SCORE:
        return ("neither offers what the other needs (mutual score 0), and a pair with score 0 "
                "is never scheduled")
    return "not possible together with the other rules"

"""Attendees' wishes on synthetic events: what they cost the schedule and how many are met,
and how long the worker's suggestions take.

    python bench/wishes.py --sizes 300x6,1000x8 [--time-limit S] [--seed N]

Per size: a schedule without wishes, then with wishes drawn like real ones (each of 30% of
the attendees asks to meet 1-5 people among their 20 best-scoring partners, a tenth of those
answered by the other side; 3% of attendees say "rather not" about one of their planned
partners). Prints attendees short of target (fairness), mutual and one-sided wishes met,
total score and solve time, and the time to choose every attendee's 10 best listed partners
plus their reasons (``matching.wishes.suggest_partners``: the worker's suggestion job minus
database I/O). Lexical scorer, so no model download or load time is measured.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def draw_wishes(problem, scores, schedule_pairs, rng: random.Random) -> list[list[str]]:
    from meetmatch.matching.wishes import suggest_partners

    ids = [p.id for p in problem.attendees]
    best: dict[str, list[str]] = {}
    for a, b, _, _ in suggest_partners(problem, scores, set(ids), 20):
        best.setdefault(a, []).append(b)
    wishes: dict[tuple[str, str], str] = {}
    for a in rng.sample(ids, int(0.3 * len(ids))):
        for b in rng.sample(best.get(a, []), min(len(best.get(a, [])), rng.randint(1, 5))):
            wishes[(a, b)] = "meet"
            if rng.random() < 0.1:
                wishes[(b, a)] = "meet"
    for a, b in rng.sample(schedule_pairs, int(0.03 * len(ids))):
        wishes[(a, b)] = "avoid"
    return [[a, b, k] for (a, b), k in wishes.items()]


def run(n: int, rounds: int, time_limit: float, seed: int) -> None:
    from generate import generate

    from meetmatch.matching import problem_from_dict, score_event, solve
    from meetmatch.matching.wishes import suggest_partners

    event = generate(n, rounds, seed=seed)
    base = problem_from_dict(event)
    started = time.perf_counter()
    scores = score_event(base)
    scored = time.perf_counter() - started
    started = time.perf_counter()
    pairs = suggest_partners(base, scores, {p.id for p in base.attendees}, 10)
    chosen = time.perf_counter() - started
    started = time.perf_counter()
    scores.explain_many([(a, b) for a, b, _, _ in pairs])
    explained = time.perf_counter() - started
    print(f"{n}x{rounds}: suggestions for {n} people: scoring {scored:.1f} s, top 10 each "
          f"{chosen:.1f} s, {len(pairs)} reasons {explained:.1f} s")
    without = solve(base, time_limit=time_limit, seed=seed, scores=scores)
    planned = [(m.a, m.b) for rr in without.rounds for m in rr.meetings]
    event["wishes"] = draw_wishes(base, scores, planned, random.Random(seed))
    problem = problem_from_dict(event)
    started = time.perf_counter()
    with_wishes = solve(problem, time_limit=time_limit, seed=seed, scores=scores)
    took = time.perf_counter() - started
    w = with_wishes.wishes
    avoids = sum(1 for x in event["wishes"] if x[2] == "avoid")
    print(f"  without wishes: {len(without.short)} short, score {without.objective:.1f}, "
          f"{without.wall_time:.1f} s")
    print(f"  with {len(event['wishes'])} wishes ({avoids} rather not): "
          f"{len(with_wishes.short)} short, mutual met {w['mutual_met']}/{w['mutual']}, "
          f"one-sided met {w['one_sided_met']}/{w['one_sided']}, objective (with bonus) "
          f"{with_wishes.objective:.1f}, {took:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300x6,1000x8")
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for size in args.sizes.split(","):
        n, rounds = (int(x) for x in size.split("x"))
        run(n, rounds, args.time_limit, args.seed)


if __name__ == "__main__":
    main()

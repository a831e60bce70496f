"""Trios instead of sitting out (issue 13 §3) on odd-sized synthetic events.

    python bench/trios.py --sizes 51x4,151x6,301x6,1001x8,101x6d [--time-limit S] [--seed N]

Per size: the same event (``bench/generate.py``, lexical scores, computed once) solved with
``allow_trios`` off and on. A size ending in "d" (dense) keeps the generated people (rounds,
organisations, host tables) but gives every pair a random weight in 0.1..1, so most people
have a trio to join. Prints the rounds people sit out, the trios formed, the people who
still sit out although the rulebook would let them join a table of their round (checked with
``matching.meeting_violations`` for every candidate table whose two pair scores are > 0;
expected 0), whether the pair schedule is unchanged, and the pair score: the schedule's pairs
(a, b) at full score, a trio's (a, b) at ``TRIO_FACTOR`` -- the loss must equal
``(1 - TRIO_FACTOR)`` x the trio tables' own pair scores, and the trios' value beside it.
Timings are wall time on a shared machine: the load average and this process's CPU time
are printed too.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from measure import cpu_seconds  # noqa: E402


def pair_score(result, scores, factor: float) -> tuple[float, float]:
    """(the schedule's pair score with trios' (a, b) scaled by ``factor``, the trios' own
    (a, b) scores)."""
    total = trio_pairs = 0.0
    for rr in result.rounds:
        for m in rr.meetings:
            s = scores.mutual(m.a, m.b)
            if m.c is None:
                total += s
            else:
                total += factor * s
                trio_pairs += s
    return total, trio_pairs


def joinable_left(problem, result, scores) -> int:
    """People who sit out a round although some meeting of that round could take them."""
    from meetmatch.matching import meeting_violations

    rows = [(rr.round, m.a, m.b, m.table, m.c) for rr in result.rounds for m in rr.meetings]
    left = 0
    for rr in result.rounds:
        ours = [k for k, row in enumerate(rows) if row[0] == rr.round and row[4] is None]
        for x in rr.sitting_out:
            for k in ours:
                _, a, b, table, _ = rows[k]
                if scores.mutual(x, a) <= 0 or scores.mutual(x, b) <= 0:
                    continue
                if not meeting_violations(problem, rows[:k] + rows[k + 1:], a, b, rr.round,
                                          table, c=x, scores=scores):
                    left += 1
                    break
    return left


def run(n: int, rounds: int, time_limit: float, seed: int, dense: bool = False) -> None:
    import itertools
    import random
    from dataclasses import replace

    from generate import generate

    from meetmatch.matching import problem_from_dict, score_event, solve
    from meetmatch.matching.trios import TRIO_FACTOR

    event = generate(n, rounds, seed=seed)
    if dense:
        rng = random.Random(seed)
        ids = [str(a["id"]) for a in event["attendees"]]
        event["weights"] = [[a, b, round(rng.uniform(0.1, 1.0), 3)]
                            for a, b in itertools.combinations(ids, 2)]
    off = problem_from_dict(event)
    on = replace(off, settings=replace(off.settings, allow_trios=True))
    scores = score_event(off)
    results = {}
    for name, problem in (("off", off), ("on", on)):
        cpu, began = cpu_seconds(), time.perf_counter()
        result = solve(problem, time_limit=time_limit, seed=seed, scores=scores)
        results[name] = (result, time.perf_counter() - began, cpu_seconds() - cpu)
    (r_off, t_off, c_off), (r_on, t_on, c_on) = results["off"], results["on"]
    sat_off = sum(len(rr.sitting_out) for rr in r_off.rounds)
    sat_on = sum(len(rr.sitting_out) for rr in r_on.rounds)
    trios = sum(m.c is not None for rr in r_on.rounds for m in rr.meetings)
    same = all(sorted((m.a, m.b) for m in x.meetings) == sorted((m.a, m.b) for m in y.meetings)
               for x, y in zip(r_off.rounds, r_on.rounds, strict=True))
    full, _ = pair_score(r_off, scores, TRIO_FACTOR)
    scaled, trio_pairs = pair_score(r_on, scores, TRIO_FACTOR)
    loss, allowed = full - scaled, (1 - TRIO_FACTOR) * trio_pairs
    left_off = joinable_left(on, r_off, scores)  # what trios could have seated
    left_on = joinable_left(on, r_on, scores)
    print(f"{n}x{rounds}{' dense' if dense else ''}: sitting out {sat_off} -> {sat_on} (trios {trios}); could join a "
          f"table: {left_off} -> {left_on}; short {len(r_off.short)} -> {len(r_on.short)}; "
          f"pairs unchanged: {same}")
    print(f"  pair score {full:.2f} -> {scaled:.2f}: lost {loss:.2f} "
          f"(allowed by the factor: {allowed:.2f}); objective with trios {r_on.objective:.2f}; "
          f"status {r_off.status} -> {r_on.status}")
    print(f"  solve off {t_off:.1f} s (CPU {c_off:.1f} s), on {t_on:.1f} s (CPU {c_on:.1f} s); "
          f"load average {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="51x4,151x6,301x6,1001x8")
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for size in args.sizes.split(","):
        n, rounds = (int(x) for x in size.rstrip("d").split("x"))
        run(n, rounds, args.time_limit, args.seed, dense=size.endswith("d"))


if __name__ == "__main__":
    main()

"""Speed and memory of scoring + solving from profiles, with cold and warm vector caches.

    python bench/semantic/speed.py --sizes 1000x8,5000x8 [--cache DIR] [--time-limit S]
                                   [--repeat N]

Each run is its own process (peak RSS is that run's alone). "cold" starts with an empty
cache folder (every distinct item text is encoded); "warm" reuses the folder of the cold
run (or --cache). With ``--repeat N`` the warm run is repeated N times and the row gives
the median time (and the range). Events come from bench/generate.py, unchanged.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def one(n: int, rounds: int, cache_dir: str, time_limit: float, seed: int) -> dict:
    sys.path.insert(0, str(ROOT / "bench"))
    sys.path.insert(0, str(ROOT))
    from generate import generate
    from measure import cpu_seconds, peak_mb

    from meetmatch.matching import problem_from_dict, solve
    from meetmatch.matching.encoders import DirectoryCache, load_encoder
    from meetmatch.matching.scoring import score_event, two_way_share

    problem = problem_from_dict(generate(n, rounds, seed=seed))
    start = time.monotonic()
    encoder = load_encoder("e5-small")
    cache = DirectoryCache(cache_dir)
    scores = score_event(problem, encoder=encoder, cache=cache)
    scored = time.monotonic() - start
    phases: list[tuple[str, float]] = []

    def progress(info: dict) -> None:
        if not phases or phases[-1][0] != info["phase"]:
            phases.append((info["phase"], round(scored + info["elapsed"], 1)))

    result = solve(problem, time_limit=time_limit, seed=seed, scores=scores, progress=progress)
    wall = time.monotonic() - start
    pairs = [(m.a, m.b) for rr in result.rounds for m in rr.meetings]
    units = len(scores.items.texts["need"]) + len(scores.items.texts["offer"])
    return {"n": n, "rounds": rounds, "scorer": scores.scorer, "distinct_texts": units,
            "scoring_s": round(scored, 1), "wall_s": round(wall, 1),
            "status": str(result.status), "meetings": len(pairs),
            "objective": result.objective, "gap": round(result.gap, 4),
            "two_way_share": round(two_way_share(scores, pairs), 3),
            "cpu_s": round(cpu_seconds(), 1),
            "peak_mb": round(peak_mb()),
            "phases": phases}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000x8")
    ap.add_argument("--cache", help="cache folder to start from (default: a new empty one)")
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1, help="warm runs per size (median)")
    ap.add_argument("--phases", action="store_true", help="print when each solver phase started")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        n, rounds, cache, limit = args.one.split(",")
        print(json.dumps(one(int(n), int(rounds), cache, float(limit), args.seed)))
        return
    cache = args.cache or tempfile.mkdtemp(prefix="meetmatch-vectors-")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| attendees x rounds | cache | scorer | distinct texts | scoring s | end to end s "
          "| CPU s | status | objective (gap) | two-way share | peak MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        n, rounds = (int(x) for x in size.split("x"))
        limit = args.time_limit or (25.0 if n <= 1000 else 150.0)
        for label in (("warm",) if args.cache else ("cold", "warm")):
            runs = [_run(n, rounds, cache, limit, args.seed)
                    for _ in range(args.repeat if label == "warm" else 1)]
            runs.sort(key=lambda x: x["wall_s"])
            r = runs[len(runs) // 2]
            walls = [x["wall_s"] for x in runs]
            scoring = statistics.median(x["scoring_s"] for x in runs)
            wall = (f"{statistics.median(walls):.1f} ({walls[0]}-{walls[-1]}, {len(runs)} runs)"
                    if len(runs) > 1 else f"{walls[0]}")
            print(f"| {n} x {rounds} | {label} | {r['scorer']} | {r['distinct_texts']} | "
                  f"{scoring:.1f} | {wall} | {r.get('cpu_s', '?')} | {r['status']} | {r['objective']:.1f} ({r['gap']:.2%}) | "
                  f"{r['two_way_share']:.0%} "
                  f"| {max(x['peak_mb'] for x in runs)} |", flush=True)
            if args.phases:
                print("  phases (start s): " + ", ".join(f"{name} {t}" for name, t in r["phases"]),
                      flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _run(n: int, rounds: int, cache: str, limit: float, seed: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--one", f"{n},{rounds},{cache},{limit}",
                           "--seed", str(seed)], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()

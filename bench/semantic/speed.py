"""Speed and memory of scoring + solving from profiles, with cold and warm vector caches.

    python bench/semantic/speed.py --sizes 1000x8,5000x8 [--cache DIR] [--time-limit S]

Each run is its own process (peak RSS is that run's alone). "cold" starts with an empty
cache folder (every distinct item text is encoded); "warm" reuses the folder of the cold
run (or --cache). Events come from bench/generate.py (helper-2's generator), unchanged.
"""

from __future__ import annotations

import argparse
import json
import resource
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

    from meetmatch.matching import problem_from_dict, solve
    from meetmatch.matching.encoders import DirectoryCache, load_encoder
    from meetmatch.matching.scoring import score_event, two_way_share

    problem = problem_from_dict(generate(n, rounds, seed=seed))
    start = time.monotonic()
    encoder = load_encoder("e5-small")
    cache = DirectoryCache(cache_dir)
    scores = score_event(problem, encoder=encoder, cache=cache)
    scored = time.monotonic() - start
    result = solve(problem, time_limit=time_limit, seed=seed, scores=scores)
    wall = time.monotonic() - start
    pairs = [(m.a, m.b) for rr in result.rounds for m in rr.meetings]
    units = len(scores.items.texts["need"]) + len(scores.items.texts["offer"])
    return {"n": n, "rounds": rounds, "scorer": scores.scorer, "distinct_texts": units,
            "scoring_s": round(scored, 1), "wall_s": round(wall, 1),
            "status": str(result.status), "meetings": len(pairs),
            "two_way_share": round(two_way_share(scores, pairs), 3),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000x8")
    ap.add_argument("--cache", help="cache folder to start from (default: a new empty one)")
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        n, rounds, cache, limit = args.one.split(",")
        print(json.dumps(one(int(n), int(rounds), cache, float(limit), args.seed)))
        return
    cache = args.cache or tempfile.mkdtemp(prefix="meetmatch-vectors-")
    print("| attendees x rounds | cache | scorer | distinct texts | scoring s | end to end s "
          "| status | two-way share | peak MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        n, rounds = (int(x) for x in size.split("x"))
        limit = args.time_limit or (25.0 if n <= 1000 else 150.0)
        for label in (("warm",) if args.cache else ("cold", "warm")):
            proc = subprocess.run([sys.executable, __file__, "--one",
                                   f"{n},{rounds},{cache},{limit}", "--seed", str(args.seed)],
                                  capture_output=True, text=True, check=True)
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"| {n} x {rounds} | {label} | {r['scorer']} | {r['distinct_texts']} | "
                  f"{r['scoring_s']} | {r['wall_s']} | {r['status']} | {r['two_way_share']:.0%} "
                  f"| {r['peak_mb']} |", flush=True)


if __name__ == "__main__":
    main()

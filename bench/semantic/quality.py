"""Lexical vs semantic scoring on a labelled set (bench/semantic/pairs.json by default).

    python bench/semantic/quality.py [--set FILE] [--scorers lexical,e5-small] [--cache DIR]
                                     [--subsets 30] [-v]

All intended pairs and distractors form one event. Reports, per scorer and language:
intended pairs found in a one-round schedule (solved by the engine), top-1 partner accuracy
(each person's best mutual score is their intended partner), the two-way share of the
schedule, and how often a distractor outscores the intended partner.

One schedule's "found" moves by several pairs when scores change a little (two near-equal
partners swap), so ``--subsets N`` also solves N random sub-events (70% of the pairs and of
the distractors, each scored and calibrated on its own, fixed seeds) and reports the mean
share of intended pairs found and the mean top-1: a steadier number for comparing changes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from meetmatch.matching import (  # noqa: E402
    Participant,
    Problem,
    solve,  # noqa: E402
)
from meetmatch.matching.encoders import DirectoryCache, MemoryCache  # noqa: E402
from meetmatch.matching.scoring import score_event, third_person, two_way_share  # noqa: E402
from meetmatch.solve_cli import meeting_pairs  # noqa: E402


def person(pid: str, d: dict) -> Participant:
    return Participant(id=pid, name=d["name"], offers=tuple(d.get("offers", ())),
                       needs=tuple(d.get("needs", ())), offers_text=d.get("offers_text", ""),
                       needs_text=d.get("needs_text", ""))


def load(path: Path = HERE / "pairs.json"):
    data = json.loads(path.read_text(encoding="utf-8"))
    people, pairs, langs = [], [], []
    for k, p in enumerate(data["pairs"]):
        a, b = f"{k:02d}a", f"{k:02d}b"
        people += [person(a, p["a"]), person(b, p["b"])]
        pairs.append((a, b))
        langs.append(p["lang"])
    for k, d in enumerate(data["distractors"]):
        people.append(person(f"d{k:02d}{d['kind'][0]}", d["person"]))
    return Problem(rounds=1, attendees=tuple(people)), pairs, langs


def evaluate(problem: Problem, pairs, langs, scorer: str, cache, verbose: bool) -> dict:
    t = time.monotonic()
    scores = score_event(problem, encoder=scorer, cache=cache)
    score_time = time.monotonic() - t
    result = solve(problem, time_limit=20, seed=1, scores=scores)
    met = {frozenset(p) for p in meeting_pairs(result)}
    partner = {a: b for a, b in pairs} | {b: a for a, b in pairs}
    rows: dict[str, dict] = {}
    misses = []
    for (a, b), lang in zip(pairs, langs, strict=True):
        for key in (lang, "all"):
            r = rows.setdefault(key, {"pairs": 0, "found": 0, "top1": 0, "people": 0,
                                      "two_way_pairs": 0})
            r["pairs"] += 1
            r["found"] += frozenset((a, b)) in met
            r["two_way_pairs"] += scores.is_two_way(a, b)
        for x in (a, b):
            row = [scores.mutual(x, y) if y != x else -1.0 for y in scores.ids]
            best = scores.ids[max(range(len(row)), key=row.__getitem__)]
            ok = best == partner[x] and row[scores.index[best]] > 0
            for key in (lang, "all"):
                rows[key]["people"] += 1
                rows[key]["top1"] += ok
            if not ok:
                misses.append((x, partner[x], best, row[scores.index[partner[x]]],
                               row[scores.index[best]]))
    share = two_way_share(scores, meeting_pairs(result))
    out = {"scorer": scores.scorer, "score_time": score_time, "rows": rows,
           "two_way_share": share, "meetings": len(met), "objective": result.objective}
    if verbose:
        for x, want, got, s_want, s_got in misses:
            print(f"  miss {x}: wants {want} ({s_want:.2f}) got {got} ({s_got:.2f})")
            print("     ", third_person(scores.explain(x, got)))
            print("     ", third_person(scores.explain(x, want)))
    return out


def subsets(problem: Problem, pairs, scorer: str, cache, k: int, frac: float = 0.7,
            seed: int = 0) -> tuple[float, float]:
    """Mean (share of intended pairs found, top-1) over ``k`` random sub-events."""
    rng = random.Random(seed)
    by_id = {p.id: p for p in problem.attendees}
    paired = {x for pair in pairs for x in pair}
    distractors = sorted(set(by_id) - paired)
    found, top1 = [], []
    for _ in range(k):
        some = rng.sample(pairs, int(len(pairs) * frac))
        keep = sorted({x for pair in some for x in pair} | set(
            rng.sample(distractors, int(len(distractors) * frac))))
        sub = Problem(rounds=1, attendees=tuple(by_id[x] for x in keep))
        res = evaluate(sub, some, ["all"] * len(some), scorer, cache, False)
        r = res["rows"]["all"]
        found.append(r["found"] / r["pairs"])
        top1.append(r["top1"] / r["people"])
    return sum(found) / k, sum(top1) / k


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scorers", default="lexical,e5-small")
    ap.add_argument("--cache", help="vector cache folder (default: in memory)")
    ap.add_argument("--set", default=str(HERE / "pairs.json"),
                    help="labelled set (pairs.json: the tuning set; heldout.json: written blind)")
    ap.add_argument("--subsets", type=int, default=0,
                    help="also solve this many random 70%% sub-events and report the means")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    problem, pairs, langs = load(Path(args.set))
    cache = DirectoryCache(args.cache) if args.cache else MemoryCache()
    print(f"{Path(args.set).name}: {len(pairs)} intended pairs, {len(problem.attendees)} people")
    print("| scorer | set | pairs | found in 1 round | top-1 partner | intended pairs two-way |")
    print("|---|---|---|---|---|---|")
    summary = []
    for scorer in args.scorers.split(","):
        res = evaluate(problem, pairs, langs, scorer, cache, args.verbose)
        for key in ("en", "sv", "mix", "all"):
            if key not in res["rows"]:
                continue
            r = res["rows"][key]
            print(f"| {res['scorer']} | {key} | {r['pairs']} | {r['found']} "
                  f"({r['found'] / r['pairs']:.0%}) | {r['top1'] / r['people']:.0%} | "
                  f"{r['two_way_pairs'] / r['pairs']:.0%} |")
        if args.subsets:
            res["subsets"] = subsets(problem, pairs, scorer, cache, args.subsets)
        summary.append(res)
    for res in summary:
        print(f"{res['scorer']}: one-round schedule {res['meetings']} meetings, two-way share "
              f"{res['two_way_share']:.0%}, objective {res['objective']:.1f}, "
              f"scoring {res['score_time']:.1f}s")
        if "subsets" in res:
            found, top1 = res["subsets"]
            print(f"{res['scorer']}: {args.subsets} sub-events of 70%: mean found {found:.1%}, "
                  f"mean top-1 {top1:.1%}")


if __name__ == "__main__":
    main()

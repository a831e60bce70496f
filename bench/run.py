"""Benchmark the matching engine against two baselines on synthetic events.

    python bench/run.py --sizes 100x6,300x6,1000x8 [--full] [--time-limit S]
    python bench/run.py --sizes 10000x8 --modes default --topics-only --time-limit 120 \
        --baselines random --phases

``--topics-only`` drops the free text (profiles of topic tags only); ``--baselines`` picks
the baselines to run (round-by-round matching takes minutes above 5000 attendees);
``--phases`` prints each solver phase's start time and the peak memory by then.

Each (size, fairness setting) runs in its own process so peak memory (ru_maxrss) is the
solver's alone. Baselines run on the same event after the solver: random pairing and
round-by-round maximum-weight matching (rustworkx blossom) over the same candidate pairs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from measure import cpu_seconds, peak_mb  # noqa: E402


def one(n: int, rounds: int, mode: str, time_limit: float, seed: int, *,
        topics_only: bool = False, baselines: str = "all") -> dict:
    from generate import generate, round_robin

    from meetmatch.matching import problem_from_dict, score_event, solve
    from meetmatch.matching.baseline import random_pairing, round_by_round
    from meetmatch.matching.instance import build_instance
    from meetmatch.matching.schedule import evaluate

    if mode == "round-robin":
        event = round_robin(n)
    else:
        event = generate(n, rounds, seed=seed, min_meetings=0 if mode == "min0" else None,
                         topics_only=topics_only)
    problem = problem_from_dict(event)
    before_mb = peak_mb()
    phases: list[tuple[str, float, float, float]] = []
    cpu_before = cpu_seconds()

    def progress(info: dict) -> None:
        if not phases or phases[-1][0] != info["phase"]:
            phases.append((info["phase"], info["elapsed"], peak_mb(), cpu_seconds() - cpu_before))
            print(f"  {info['phase']} at {info['elapsed']:.1f} s ({phases[-1][3]:.1f} s CPU), "
                  f"{phases[-1][2]:.0f} MB", file=sys.stderr, flush=True)

    load_before = os.getloadavg()[0]
    start = time.monotonic()
    result = solve(problem, time_limit=time_limit, seed=seed, progress=progress)
    wall = time.monotonic() - start
    solver_cpu = cpu_seconds() - cpu_before
    meetings = sum(len(r.meetings) for r in result.rounds)
    row = {"n": n, "rounds": problem.rounds, "mode": mode, "status": str(result.status),
           "objective": result.objective, "upper_bound": result.upper_bound,
           "short": len(result.short), "meetings": meetings, "wall": wall,
           "peak_mb": peak_mb(), "input_mb": before_mb, "limit": time_limit, "cpu": solver_cpu,
           "load": [load_before, os.getloadavg()[0]], "phases": phases}
    if baselines == "none":
        return row
    scores = score_event(problem)
    inst = build_instance(problem, scores)
    t = time.monotonic()
    rbr = round_by_round(inst, fairness=False) if baselines == "all" else None
    row["rbr_time"] = time.monotonic() - t
    rand = random_pairing(inst, seed)
    # Shortfalls of the baselines against the default targets.
    default_inst = inst
    if mode == "min0":
        default_inst = build_instance(problem_from_dict(
            generate(n, rounds, seed=seed, topics_only=topics_only)), scores)
    if mode == "min0":  # count the solver's shortfalls against the default targets too
        met = {pid: 0 for pid in default_inst.ids}
        for rr in result.rounds:
            for m in rr.meetings:
                met[m.a] += 1
                met[m.b] += 1
        row["short"] = sum(1 for k, pid in enumerate(default_inst.ids)
                           if met[pid] < default_inst.target[k])
    if rbr is not None:
        row["rbr_objective"] = evaluate(inst, rbr)[2]
        row["rbr_short"] = evaluate(default_inst, rbr)[1]
    row["random_objective"] = evaluate(inst, rand)[2]
    return row


def run(n: int, rounds: int, mode: str, time_limit: float, seed: int, *,
        topics_only: bool = False, baselines: str = "all") -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", f"{n}x{rounds}", "--mode",
           mode, "--time-limit", str(time_limit), "--seed", str(seed),
           "--baselines", baselines] + (["--topics-only"] if topics_only else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ},
                          check=False)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ratio(a: float, b: float) -> str:
    return f"{a / b:.3f}" if b else "–"


def table(rows: list[dict]) -> str:
    head = ("| attendees | rounds | min_meetings | status | objective | × random | × round-by-round "
            "| ÷ upper bound | short (solver / baseline) | wall s | peak MB |")
    out = [head, "|" + "---|" * 11]
    for r in rows:
        mm = {"default": "default", "min0": "0", "round-robin": "default (uniform)"}[r["mode"]]
        out.append(
            f"| {r['n']} | {r['rounds']} | {mm} | {r['status']} | {r['objective']:.1f} "
            f"| {ratio(r['objective'], r.get('random_objective', 0))} "
            f"| {ratio(r['objective'], r.get('rbr_objective', 0))} "
            f"| {ratio(r['objective'], r['upper_bound'])} "
            f"| {r['short']} / {r.get('rbr_short', '–')} | {r['wall']:.1f} | {r['peak_mb']:.0f} |")
    return "\n".join(out)


def phase_table(rows: list[dict]) -> str:
    """Each solver phase: when it started (wall s, CPU s of the solver) and the peak memory by
    then (MB); the load average (1 minute) before and after the solve."""
    out = []
    for r in rows:
        marks = ", ".join(f"{name} {t:.1f} s ({cpu:.1f} CPU) / {mb:.0f} MB"
                          for name, t, mb, cpu in r["phases"])
        load = r.get("load", [float("nan")] * 2)
        out.append(f"- {r['n']} x {r['rounds']} ({r['mode']}, limit {r['limit']:.0f} s, "
                   f"input loaded at {r['input_mb']:.0f} MB, load {load[0]:.1f} -> "
                   f"{load[1]:.1f}): {marks}; done {r['wall']:.1f} s / {r['peak_mb']:.0f} MB "
                   f"({r['cpu']:.0f} s CPU in the solver)")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100x6,300x6,1000x8")
    ap.add_argument("--full", action="store_true", help="add 5000x8 (slow)")
    ap.add_argument("--time-limit", type=float, default=None,
                    help="seconds per solve (default: 25, 170 for 5000 attendees)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--modes", default="default,min0")
    ap.add_argument("--topics-only", action="store_true", help="profiles without free text")
    ap.add_argument("--baselines", choices=["all", "random", "none"], default="all")
    ap.add_argument("--phases", action="store_true", help="print phase times and memory")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--mode", default="default", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        n, r = map(int, args.one.split("x"))
        print(json.dumps(one(n, r, args.mode, args.time_limit, args.seed,
                             topics_only=args.topics_only, baselines=args.baselines)))
        return
    sizes = [tuple(map(int, s.split("x"))) for s in args.sizes.split(",") if s]
    if args.full:
        sizes.append((5000, 8))
    rows = []
    for n, r in sizes:
        for mode in args.modes.split(","):
            limit = args.time_limit or (170.0 if n >= 5000 else 25.0)
            rows.append(run(n, r, mode, limit, args.seed, topics_only=args.topics_only,
                            baselines=args.baselines))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    if not args.topics_only:
        rows.append(run(10, 9, "round-robin", 10.0, args.seed))
    print(table(rows))
    if args.phases:
        print(phase_table(rows))


if __name__ == "__main__":
    main()

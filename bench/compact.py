"""Compact days (issue 13 §4): idle gaps with and without ``settings.compact``.

    python bench/compact.py --sizes 30x6,100x8,300x8,1000x8 [--few 0.4] [--time-limit S]

Per size: the same synthetic event (``bench/generate.py``: 15% of people come for part of
the day, a few host tables; lexical scores computed once) solved with ``compact`` off and
on. ``--few`` gives that share of the attendees ``max_meetings`` of 2 to rounds - 2 (people
with fewer meetings than rounds, whom a colouring spreads out); a size ending in "w" also
gives a tenth of them an arrive-late / leave-early window (first_round / last_round).

Prints the idle gaps (attended rounds without a meeting between a person's first and last
meeting) and the people with any, whether the pairs are the same, the objective of both
runs (must be equal: compact never trades score), the people with a window whose meetings
are not side by side, and the time: the whole solve (wall and this process's CPU) and the
compacting phase alone (from the solver's progress reports). Timings are from a shared
machine: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from measure import cpu_seconds  # noqa: E402


def event(n: int, rounds: int, few: float, windows: bool, seed: int) -> dict:
    from generate import generate

    data = generate(n, rounds, seed=seed)
    rng = random.Random(seed)
    for person in data["attendees"]:
        if rounds > 3 and rng.random() < few and person.get("max_meetings") is None:
            person["max_meetings"] = rng.randint(2, max(2, rounds - 2))
        if windows and rng.random() < 0.1 and person.get("available_rounds") is None:
            span = rng.randint(3, max(3, rounds - 2))
            start = rng.randint(1, rounds - span + 1)
            person["first_round"], person["last_round"] = start, start + span - 1
    return data


def run(problem, scores, time_limit: float, seed: int):
    from meetmatch.matching import solve

    phases: list[tuple[str, float]] = []
    began, cpu = time.monotonic(), cpu_seconds()
    result = solve(problem, time_limit=time_limit, seed=seed, scores=scores,
                   progress=lambda info: phases.append((info.get("phase"), info["elapsed"])))
    wall, cpu = time.monotonic() - began, cpu_seconds() - cpu
    compacting = None
    for k, (name, at) in enumerate(phases):
        if name == "compacting":
            later = [t for p, t in phases[k + 1:] if p != "compacting"]
            compacting = (later[0] if later else wall) - at
            break
    return result, wall, cpu, compacting


def unsorted_windows(problem, result) -> int:
    """People with a first/last round whose meetings are not in consecutive rounds."""
    from meetmatch.matching.compact import person_gaps

    rounds: dict[str, list[int]] = {}
    for rr in result.rounds:
        for m in rr.meetings:
            for x in (m.a, m.b) + ((m.c,) if getattr(m, "c", None) else ()):
                rounds.setdefault(x, []).append(rr.round)
    windowed = {p.id: p.available_rounds for p in problem.attendees
                if p.available_rounds is not None}
    return sum(1 for x, rs in rounds.items() if x in windowed and person_gaps(rs, windowed[x]))


def main() -> None:
    from meetmatch.matching import problem_from_dict
    from meetmatch.matching.scoring import score_event

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30x6,100x8,300x8,300x8w,1000x8")
    parser.add_argument("--few", type=float, default=0.4,
                        help="share of attendees with max_meetings below the rounds")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at start; "
          f"time limit {args.time_limit:g} s; --few {args.few:g}")
    print("| attendees | rounds | windows | gaps off | gaps on | people with gaps off / on "
          "| same pairs | objective off / on | part-day people not side by side off / on "
          "| wall s off / on | CPU s on | compacting s | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size in [s for s in args.sizes.split(",") if s]:
        windows = size.endswith("w")
        n, rounds = (int(x) for x in size.rstrip("w").split("x"))
        data = event(n, rounds, args.few, windows, args.seed)
        plain = problem_from_dict(data)
        scores = score_event(plain, encoder="lexical")
        tight = replace(plain, settings=replace(plain.settings, compact=True))
        off, wall_off, _, _ = run(plain, scores, args.time_limit, args.seed)
        on, wall_on, cpu_on, compacting = run(tight, scores, args.time_limit, args.seed)

        def pairs(result):
            return sorted(tuple(sorted((m.a, m.b))) for rr in result.rounds
                          for m in rr.meetings)

        same = "yes" if pairs(off) == pairs(on) else "NO"
        load = os.getloadavg()[0]
        print(f"| {n} | {rounds} | {'yes' if windows else 'no'} | {off.idle_gaps} | "
              f"{on.idle_gaps} | {people_with_gaps(off)} / {people_with_gaps(on)} | {same} | "
              f"{off.objective:.2f} / {on.objective:.2f} | "
              f"{unsorted_windows(plain, off)} / {unsorted_windows(tight, on)} | "
              f"{wall_off:.1f} / {wall_on:.1f} | {cpu_on:.1f} | "
              f"{'-' if compacting is None else f'{compacting:.1f}'} | {load:.1f} |",
              flush=True)


def people_with_gaps(result) -> int:
    """Attendees with at least one idle gap."""
    met: dict[str, list[int]] = {}
    for rr in result.rounds:
        for m in rr.meetings:
            for x in (m.a, m.b) + ((m.c,) if getattr(m, "c", None) else ()):
                met.setdefault(x, []).append(rr.round)
    idle = {x for rr in result.rounds for x in rr.sitting_out
            if x in met and min(met[x]) < rr.round < max(met[x])}
    return len(idle)


if __name__ == "__main__":
    main()

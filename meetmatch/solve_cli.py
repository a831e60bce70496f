"""``meetmatch solve INSTANCE.json``: schedule an event from a JSON file, no database needed.

The benefit is scored with the encoder ``--scorer`` names ("e5-small", the default, or
"lexical"); vectors are kept in ``--cache DIR`` between runs so an unchanged profile is
encoded once. The output JSON adds ``"scorer"`` (what actually scored: "e5-small",
"lexical" when the model could not load, or "weights") and ``"two_way_share"`` (the
fraction of meetings where both people gain). Attendees' wishes come in as
``"wishes": [[from, to, "meet" | "avoid"], ...]`` (see ``matching/wishes.py``); the output then
adds ``"wishes"``: mutual and one-sided wish pairs and how many of each are met.

Exit status: 0 optimal or feasible, 1 infeasible, 2 invalid input (message names the field).
"""

from __future__ import annotations

import json
import sys

import click

from meetmatch.matching import ProblemError, Result, problem_from_dict, result_to_dict
from meetmatch.matching import solve as solve_event
from meetmatch.matching.encoders import DEFAULT_ENCODER, DirectoryCache, MemoryCache
from meetmatch.matching.scoring import score_event, two_way_share


def meeting_pairs(result: Result) -> list[tuple[str, str]]:
    """Every meeting of a result as (a, b)."""
    return [(m.a, m.b) for rr in result.rounds for m in rr.meetings]


@click.command("solve")
@click.argument("instance", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the schedule here instead of stdout.")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds the solver may use.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed; the same input and seed give the same schedule.")
@click.option("--scorer", default=DEFAULT_ENCODER, show_default=True,
              help="Text model for the benefit: e5-small, or lexical (word matching only).")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False),
              help="Keep text vectors in this folder so later runs encode only new text.")
def solve(instance: str, output: str | None, time_limit: float, seed: int, scorer: str,
          cache_dir: str | None) -> None:
    """Read an event from INSTANCE.json and write its schedule as JSON."""
    try:
        with click.open_file(instance, "r", encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as err:
        click.echo(f"error: {instance}: {err.strerror or err}", err=True)
        sys.exit(2)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        click.echo(f"error: {instance}: not valid JSON ({err})", err=True)
        sys.exit(2)
    try:
        problem = problem_from_dict(data)
    except ProblemError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    try:
        cache = DirectoryCache(cache_dir) if cache_dir else MemoryCache()
        scores = score_event(problem, encoder=scorer, cache=cache)
    except ValueError as err:
        click.echo(f"error: --scorer: {err}", err=True)
        sys.exit(2)
    except OSError as err:
        click.echo(f"error: --cache: {err}", err=True)
        sys.exit(2)
    result = solve_event(problem, time_limit=time_limit, seed=seed, scores=scores)
    out = result_to_dict(result)
    out["scorer"] = getattr(result, "scorer", None) or scores.scorer
    share = getattr(result, "two_way_share", None)
    out["two_way_share"] = round(two_way_share(scores, meeting_pairs(result))
                                 if share is None else share, 6)
    text = json.dumps(out, ensure_ascii=False, indent=2) + "\n"
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        click.echo(text, nl=False)
    click.echo(f"{result.status}: {result.message}, scorer {out['scorer']}, "
               f"two-way {out['two_way_share']:.0%} [{result.wall_time:.1f}s]", err=True)
    sys.exit(1 if result.status == "infeasible" else 0)


if __name__ == "__main__":
    solve()

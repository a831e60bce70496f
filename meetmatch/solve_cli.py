"""``meetmatch solve INSTANCE.json``: schedule an event from a JSON file, no database needed.

Exit status: 0 optimal or feasible, 1 infeasible, 2 invalid input (message names the field).
"""

from __future__ import annotations

import json
import sys

import click

from meetmatch.matching import ProblemError, problem_from_dict, result_to_dict
from meetmatch.matching import solve as solve_event


@click.command("solve")
@click.argument("instance", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the schedule here instead of stdout.")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds the solver may use.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed; the same input and seed give the same schedule.")
def solve(instance: str, output: str | None, time_limit: float, seed: int) -> None:
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
    result = solve_event(problem, time_limit=time_limit, seed=seed)
    text = json.dumps(result_to_dict(result), ensure_ascii=False, indent=2) + "\n"
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        click.echo(text, nl=False)
    click.echo(f"{result.status}: {result.message} [{result.wall_time:.1f}s]", err=True)
    sys.exit(1 if result.status == "infeasible" else 0)


if __name__ == "__main__":
    solve()

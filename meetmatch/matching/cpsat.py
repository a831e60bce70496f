"""One place for the CP-SAT search settings every model of the solver uses.

Deterministic runs search with one worker and a deterministic-time budget, so the same
model and seed give the same answer whatever the load of the machine; the wall-clock limit
is only a safety net. Deterministic time runs about 4-5x slower than the wall clock on
these models, hence a quarter of the wall budget unless the caller gives its own.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

WALL_PER_DETERMINISTIC = 4.0  # wall seconds budgeted per deterministic second


def make_solver(budget: float, *, seed: int, deterministic: bool = True, workers: int = 1,
                deterministic_time: float | None = None,
                absolute_gap: float | None = None) -> cp_model.CpSolver:
    """A CP-SAT solver with the search settings of the matching engine.

    ``budget``: wall-clock seconds (the limit). With ``deterministic``: one worker and
    ``deterministic_time`` (default ``budget / 4``) deterministic seconds; without it,
    ``workers`` parallel workers and the wall clock alone. ``absolute_gap``: stop once the
    solution is within this much of the bound (in the model's own units). No search log.
    """
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = seed
    p.log_search_progress = False
    p.max_time_in_seconds = budget
    if absolute_gap is not None:
        p.absolute_gap_limit = absolute_gap
    if deterministic:
        p.num_workers = 1
        p.max_deterministic_time = (budget / WALL_PER_DETERMINISTIC
                                    if deterministic_time is None else deterministic_time)
    else:
        p.num_workers = max(1, workers)
    return solver

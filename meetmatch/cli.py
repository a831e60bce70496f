"""The ``meetmatch`` command: Flask's CLI (run, db …) plus meetmatch's own commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup


def _create_app() -> Flask:
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """meetmatch: plan one-to-one meetings with mutual benefit."""


def _add_solve_command() -> None:
    """`meetmatch solve` hangs off the group itself, so it never builds the app: no database,
    no SECRET_KEY, just the pure engine."""
    try:
        from .solve_cli import solve
    except ImportError:  # the engine's CLI module is not there yet
        return
    main.add_command(solve)


_add_solve_command()


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_organiser)
    app.cli.add_command(seed_demo)
    app.cli.add_command(worker)
    try:
        from .schedule.cli import build_schedule_command
    except ImportError:
        build_schedule_command = None
    if build_schedule_command is not None:
        app.cli.add_command(build_schedule_command)


@click.command("create-organiser")
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.password_option(help="Prompted for when not given (or set MEETMATCH_ORGANISER_PASSWORD).",
                       envvar="MEETMATCH_ORGANISER_PASSWORD")
def create_organiser(email: str, name: str, password: str) -> None:
    """Create an organiser account (or set a new password for an existing one)."""
    from .accounts import set_organiser_password

    if len(password) < 8:
        raise click.BadParameter("use at least 8 characters", param_hint="password")
    organiser, created = set_organiser_password(email, password, name)
    click.echo(f"{'Created' if created else 'Updated'} organiser {organiser.email}.")


@click.command("seed-demo")
def seed_demo() -> None:
    """Load the demo event (slug 'demo') with about 40 attendees. Safe to run again."""
    from .demo import DEMO_ORGANISER_EMAIL, DEMO_ORGANISER_PASSWORD, seed_demo_event

    event, created = seed_demo_event()
    click.echo(("Created" if created else "Kept") + f" the demo event '{event.name}' with "
               f"{len(event.attendees)} attendees.")
    click.echo(f"Organiser login: {DEMO_ORGANISER_EMAIL} / {DEMO_ORGANISER_PASSWORD}")


@click.command("worker")
@click.option("--once", is_flag=True, help="Do the work that is due now, then exit.")
def worker(once: bool) -> None:
    """Run background work: schedule builds and outgoing mail."""
    from .worker import run_worker

    run_worker(once=once, echo=click.echo)



"""The ``meetmatch`` command: Flask's CLI (run, db …) plus meetmatch's own commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext

from .schedule.cli import build_schedule_command
from .solve_cli import solve


def _create_app() -> Flask:
    from . import ConfigError, create_app

    try:
        return create_app()
    except ConfigError as error:
        raise click.ClickException(str(error)) from error


class _Group(FlaskGroup):
    """Flask's group, but `meetmatch --help` without a SECRET_KEY says why in one line.

    Flask prints the whole traceback of an app that fails to load while it lists the commands;
    our commands are on this group already, so the list is complete without the app.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        try:
            ctx.ensure_object(ScriptInfo).load_app()
        except click.ClickException as error:
            click.secho(f"Note: {error.format_message()}\n", err=True, fg="yellow")
            self._load_plugin_commands()
            return sorted(click.Group.list_commands(self, ctx))
        return super().list_commands(ctx)


@click.group(cls=_Group, create_app=_create_app)
def main() -> None:
    """meetmatch: plan one-to-one meetings with mutual benefit."""


# `meetmatch solve` never builds the app: no database, no SECRET_KEY, just the pure engine.
main.add_command(solve)


def register_commands(app: Flask) -> None:
    """Our commands on the app's CLI too, so `flask --app wsgi …` knows them."""
    for command in (create_organiser, seed_demo, worker, build_schedule_command, backup, restore, doctor,
                    retention_command):
        app.cli.add_command(command)


@click.command("create-organiser")
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.password_option(help="Prompted for when not given (or set MEETMATCH_ORGANISER_PASSWORD).",
                       envvar="MEETMATCH_ORGANISER_PASSWORD")
@with_appcontext
def create_organiser(email: str, name: str, password: str) -> None:
    """Create an organiser account (or set a new password for an existing one)."""
    from .accounts import set_organiser_password
    from .mail_headers import header_text_problem

    if len(password) < 8:
        raise click.BadParameter("use at least 8 characters", param_hint="password")
    for value, hint in ((name, "--name"), (email, "email")):  # both go into mail headers
        if problem := header_text_problem(value):
            raise click.BadParameter(problem, param_hint=hint)
    organiser, created = set_organiser_password(email, password, name)
    click.echo(f"{'Created' if created else 'Updated'} organiser {organiser.email}.")


@click.command("seed-demo")
@click.option("--force", is_flag=True,
              help="Load it into a production instance too (the organiser gets a random password).")
@with_appcontext
def seed_demo(force: bool) -> None:
    """Load the demo event (slug 'demo') with about 40 attendees. Safe to run again."""
    import secrets

    from flask import current_app

    from . import is_production
    from .demo import (
        DEMO_ORGANISER_EMAIL,
        DEMO_ORGANISER_PASSWORD,
        secure_demo_organiser,
        seed_demo_event,
    )

    production = is_production(current_app)
    if production and not force:
        raise click.ClickException(
            "This is a production instance (MEETMATCH_ENV is not 'development'): the demo adds "
            "about 40 invented people and an organiser account. Use --force to load it anyway.")
    password = DEMO_ORGANISER_PASSWORD
    if production:  # the demo password is in the README: never a login on a real server
        password = secrets.token_urlsafe(12)
        if not secure_demo_organiser(password):
            password = None
    event, created = seed_demo_event()
    click.echo(("Created" if created else "Kept") + f" the demo event '{event.name}' with "
               f"{len(event.attendees)} attendees.")
    if password is None:
        click.echo(f"Organiser login: {DEMO_ORGANISER_EMAIL} (password unchanged)")
    else:
        click.echo(f"Organiser login: {DEMO_ORGANISER_EMAIL} / {password}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(path: Path) -> None:
    """Copy the whole database to PATH while the app keeps running (replaces an older PATH).

    SQLite: a consistent snapshot through the online backup API, integrity-checked.
    PostgreSQL: pg_dump (custom format) of the app's schema. Restore with `meetmatch restore`.
    """
    from .backup import BackupError, backup_database
    from .extensions import db

    try:
        report = backup_database(db.engine, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up {report.rows} rows in {report.tables} tables to {report.path} "
               f"({report.bytes:,} bytes; readable by this user only).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore(path: Path, force: bool) -> None:
    """Restore a backup made by `meetmatch backup` into this database (stop the web app and
    workers first). Refuses a database that holds data unless --force."""
    from .backup import BackupError, restore_database
    from .extensions import db

    try:
        counts = restore_database(db.engine, path, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {sum(counts.values())} rows in {len(counts)} tables from {path}. "
               "Run `meetmatch db upgrade` if the backup comes from an older version.")


@click.command("retention")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Act as if today were this date (to see what a later run will do).")
@with_appcontext
def retention_command(today) -> None:
    """Erase the personal data of events past their retention, warn organisers before.

    The worker runs this once a day; run it from cron instead when no worker runs all day.
    """
    from .retention import run_retention

    report = run_retention(today.date() if today else None)
    click.echo(f"Warned the organisers of {len(report.warned)} event(s) "
               f"({', '.join(report.warned) or 'none'}); erased the personal data of "
               f"{len(report.erased)} event(s) ({', '.join(report.erased) or 'none'}), "
               f"{report.attendees} attendee(s).")


@click.command("doctor")
@with_appcontext
def doctor() -> None:
    """Check that this instance can run: database, migrations, mail, storage, PDF, text model.

    Prints one OK/FAIL line per check; exits 0 when all pass, 1 otherwise.
    """
    import sys

    from .doctor import report_lines, run_checks

    checks = run_checks()
    for line in report_lines(checks):
        click.echo(line)
    failed = [c.name for c in checks if not c.ok]
    click.echo(f"{len(checks) - len(failed)} of {len(checks)} checks passed"
               + (f"; failed: {', '.join(failed)}." if failed else "."))
    sys.exit(1 if failed else 0)


@click.command("worker")
@click.option("--once", is_flag=True, help="Do the work that is due now, then exit.")
@with_appcontext
def worker(once: bool) -> None:
    """Run background work: schedule builds and outgoing mail."""
    from .worker import run_worker

    run_worker(once=once, echo=click.echo)




# On the group itself as well, so `meetmatch --help` lists them even when the app cannot load
# (e.g. SECRET_KEY missing in production: running one of them then says so).
for _command in (create_organiser, seed_demo, worker, build_schedule_command, backup, restore, doctor,
                 retention_command):
    main.add_command(_command)

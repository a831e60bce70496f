"""``meetmatch doctor``: is this instance able to run? One OK/FAIL line per part.

Checks the database (reachable, writable), its migrations (at head), mail (the SMTP server
answers, or the file outbox is writable), storage (instance, PDF and outbox folders writable),
PDF rendering (WeasyPrint makes a PDF) and the text encoder (the configured model loads).
"""

from __future__ import annotations

import smtplib
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from .config import DEFAULT_MAIL_FROM
from .extensions import db
from .faults import database_fault


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def run_checks() -> list[Check]:
    """Every check, in order; each is independent (a failed database still checks mail)."""
    checks: list[Check] = []
    for name, check in CHECKS:
        try:
            ok, detail = check()
        except Exception as error:  # noqa: BLE001 - a check that crashes is a failed check
            ok, detail = False, database_fault(error) or f"{type(error).__name__}: {error}"
        checks.append(Check(name, ok, detail))
    try:
        db.session.rollback()
    except DBAPIError:
        pass  # the database check already said what is wrong
    return checks


def _database() -> tuple[bool, str]:
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        if conn.dialect.name == "sqlite":
            # A write (undone when the connection closes without a commit) proves the file and
            # its folder (for the -wal and -shm files) are writable.
            (user_version,) = conn.exec_driver_sql("PRAGMA user_version").one()
            conn.exec_driver_sql(f"PRAGMA user_version = {int(user_version)}")
            (result,) = conn.exec_driver_sql("PRAGMA quick_check").one()
            if result != "ok":
                return False, f"SQLite quick_check: {result}"
        version = conn.dialect.server_version_info
    where = db.engine.url.render_as_string(hide_password=True)
    return True, f"{where} reachable and writable ({conn.dialect.name} {'.'.join(map(str, version or ()))})"


def _migrations() -> tuple[bool, str]:
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(resources.files("meetmatch.migrations")))
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with db.engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    if current == heads:
        return True, f"at head ({', '.join(sorted(heads))})"
    if not current:
        return False, "the database is not migrated: run `meetmatch db upgrade`"
    return False, (f"at {', '.join(sorted(current))}, head is {', '.join(sorted(heads))}: "
                   "run `meetmatch db upgrade`")


def _writable(folder: Path) -> tuple[bool, str]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as error:
        return False, f"{folder} is not writable ({error.strerror or error})"
    return True, f"{folder} writable"


def _mail() -> tuple[bool, str]:
    config = current_app.config
    host = config.get("SMTP_HOST")
    if not host:
        ok, detail = _writable(Path(config["MAIL_FILE_DIR"]))
        return ok, f"no SMTP_HOST: mail is written to files; {detail}"
    port = int(config.get("SMTP_PORT") or 25)
    smtp_class = smtplib.SMTP_SSL if config.get("SMTP_SSL") else smtplib.SMTP
    try:
        with smtp_class(host, port, timeout=10) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD", ""))
            code, _ = smtp.noop()
    except (OSError, smtplib.SMTPException) as error:
        return False, f"SMTP server {host}:{port} did not answer: {error}"
    if code != 250:
        return False, f"SMTP server {host}:{port} answered NOOP with {code}"
    if config["MAIL_FROM"] == DEFAULT_MAIL_FROM:
        return False, (f"SMTP server {host}:{port} answers, but MAIL_FROM is the placeholder "
                       f"{DEFAULT_MAIL_FROM}: mail servers refuse or junk it; set MAIL_FROM to an "
                       "address the server may send from")
    return True, f"SMTP server {host}:{port} answers"


def _storage() -> tuple[bool, str]:
    from .schedules.pdf import pdf_dir

    results = [_writable(Path(current_app.instance_path)), _writable(pdf_dir())]
    return all(ok for ok, _ in results), "; ".join(detail for _, detail in results)


def _pdf() -> tuple[bool, str]:
    from weasyprint import HTML

    data = HTML(string="<h1>meetmatch doctor</h1><p>Table 1, round 1.</p>").write_pdf()
    if not data or not data.startswith(b"%PDF"):
        return False, "WeasyPrint produced no PDF"
    return True, f"WeasyPrint renders ({len(data):,} bytes for a test page)"


def _encoder() -> tuple[bool, str]:
    from .matching.encoders import LEXICAL, load_encoder
    from .text_vectors import scorer_name

    name = scorer_name()
    encoder = load_encoder(name)  # an unknown name raises: a failed check
    if encoder is None:
        if name.strip().lower() == LEXICAL:
            return True, "lexical scorer (no text model configured)"
        return False, f"the {name} model could not load (see the warning above); builds fall back to word matching"
    vectors = encoder.encode(["mentoring for founders"])
    return True, f"{encoder.name} loads and encodes ({len(vectors[0])} dimensions)"


CHECKS: list[tuple[str, Callable[[], tuple[bool, str]]]] = [
    ("database", _database),
    ("migrations", _migrations),
    ("mail", _mail),
    ("storage", _storage),
    ("pdf", _pdf),
    ("encoder", _encoder),
]


def report_lines(checks: list[Check]) -> Iterator[str]:
    width = max(len(c.name) for c in checks)
    for c in checks:
        yield f"{'OK  ' if c.ok else 'FAIL'}  {c.name:<{width}}  {c.detail}"

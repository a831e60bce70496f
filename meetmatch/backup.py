"""Backups of the whole database while the app runs, and restoring one into an empty database.

SQLite: the online backup API copies a consistent snapshot in one read transaction (in WAL mode
writers carry on meanwhile); the copy is a self-contained file, checked with
``PRAGMA integrity_check`` before it replaces an older backup. PostgreSQL: ``pg_dump`` (custom
format, one repeatable-read snapshot) of the app's schema, restored with ``pg_restore`` in a
single transaction. Either way a backup holds every row committed before it started.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess  # runs pg_dump/pg_restore only, with argument lists  # nosec B404
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Not counted when deciding whether a database is empty: a freshly migrated one has this row.
BOOKKEEPING_TABLES = {"alembic_version"}


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    tables: int
    rows: int
    bytes: int


# --- The public verbs ----------------------------------------------------------------------------

def backup_database(engine: Engine, path: Path) -> BackupReport:
    """Copy the database behind ``engine`` to ``path`` (replaced atomically, mode 0600)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder.")
    partial = _new_private_file(path)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(_sqlite_file(engine.url, must_exist=True), partial)
            counts = _sqlite_counts(partial)
        elif engine.dialect.name == "postgresql":
            schema, exists = _app_schema(engine)
            if not exists:
                raise BackupError(f"Schema {schema!r} does not exist: there is nothing to back up.")
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f'--schema="{schema}"', f"--file={partial}", "--dbname", _libpq_uri(engine.url)],
                 engine.url)
            counts = count_rows(engine)  # for the report only: the dump has its own snapshot
        else:
            raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(path, len(counts), sum(counts.values()), path.stat().st_size)


def restore_database(engine: Engine, path: Path, force: bool = False) -> dict[str, int]:
    """Replace the database behind ``engine`` with the backup at ``path``; returns row counts
    per table. Refuses a database that holds rows unless ``force``. Stop the web app and the
    workers first: their connections would keep reading the old data (SQLite) or block the
    restore (PostgreSQL)."""
    path = Path(path)
    with open(path, "rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    kind = "sqlite" if head == SQLITE_MAGIC else "postgresql" if head.startswith(PG_DUMP_MAGIC) else None
    if kind is None:
        raise BackupError(f"{path} is not a meetmatch backup (neither a SQLite file nor a pg_dump archive).")
    if kind != engine.dialect.name:
        raise BackupError(f"{path} is a {kind} backup, but the database is {engine.dialect.name}: "
                          "restore it into a database of the same kind.")
    if not force:
        rows = sum(count_rows(engine).values())
        if rows:
            raise BackupError(f"The database already holds {rows} rows. Restore into an empty "
                              "database, or use --force to replace everything in it.")
    engine.dispose()  # no pooled connection of ours may hold on to the old data
    if kind == "sqlite":
        _check_sqlite_file(path)
        target = _sqlite_file(engine.url, must_exist=False)
        with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(target)) as dest:
            source.backup(dest)
        _check_sqlite_file(target)
    else:
        _pg_restore(engine, path)
    engine.dispose()
    return count_rows(engine)


def count_rows(engine: Engine) -> dict[str, int]:
    """Rows per table of the app's schema (bookkeeping tables left out)."""
    if engine.dialect.name == "sqlite":  # read directly: the app's sessions take the write lock
        file = _sqlite_file(engine.url, must_exist=False)
        return _sqlite_counts(file) if file.is_file() else {}
    schema, exists = _app_schema(engine)
    if not exists:
        return {}
    names = sorted(set(sa.inspect(engine).get_table_names(schema=schema)) - BOOKKEEPING_TABLES)
    with engine.connect() as conn:
        return {name: conn.execute(sa.select(sa.func.count()).select_from(
                    sa.table(name, schema=schema))).scalar_one() for name in names}


# --- SQLite --------------------------------------------------------------------------------------

def _sqlite_file(url: URL, must_exist: bool) -> Path:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        raise BackupError("Only a SQLite database in a file can be backed up or restored.")
    file = Path(database)
    if must_exist and not file.is_file():
        raise BackupError(f"There is no database at {file}.")
    return file


def _sqlite_backup(source_file: Path, dest_file: Path) -> None:
    with closing(sqlite3.connect(source_file, timeout=30)) as source, \
            closing(sqlite3.connect(dest_file)) as dest:
        # pages=-1: one step, so one read transaction and one consistent snapshot.
        source.backup(dest, pages=-1)
        # The copy would still be marked WAL: make it one self-contained file.
        dest.execute("PRAGMA journal_mode=DELETE")
    _check_sqlite_file(dest_file)


def _check_sqlite_file(file: Path) -> None:
    with closing(sqlite3.connect(f"file:{file}?mode=ro", uri=True)) as conn:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise BackupError(f"{file} failed SQLite's integrity check: {'; '.join(result[:5])}")


def _sqlite_counts(file: Path) -> dict[str, int]:
    with closing(sqlite3.connect(f"file:{file}?mode=ro", uri=True)) as conn:
        names = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {name: conn.execute(_count_sql(name)).fetchone()[0]
                for name in names if name not in BOOKKEEPING_TABLES}


def _count_sql(table: str) -> str:
    """``SELECT count(*)`` of a table, its name quoted by SQLAlchemy's SQLite dialect."""
    from sqlalchemy.dialects import sqlite

    statement = sa.select(sa.func.count()).select_from(sa.table(table))
    return str(statement.compile(dialect=sqlite.dialect()))


# --- PostgreSQL ----------------------------------------------------------------------------------

def _app_schema(engine: Engine) -> tuple[str, bool]:
    """The schema the app's tables live in (where its search_path points) and whether it exists
    yet (it does not in a new database about to be restored into)."""
    with engine.connect() as conn:
        schema = conn.execute(sa.text("SELECT current_schema()")).scalar()
        if schema is not None:
            return schema, True
        # NULL: no schema of the search_path exists; the first one named is the app's.
        path = conn.execute(sa.text("SELECT current_setting('search_path')")).scalar() or ""
    candidates = [part.strip().strip('"') for part in path.split(",")]
    return next((c for c in candidates if c and c != "$user"), "public"), False


def _pg_restore(engine: Engine, path: Path) -> None:
    listing = _run(["pg_restore", "--list", str(path)], engine.url)
    dumped = re.findall(r"^\d+; \d+ \d+ SCHEMA - (\S+) ", listing, flags=re.MULTILINE)
    target, exists = _app_schema(engine)
    if dumped and dumped != [target]:
        raise BackupError(f"The backup holds schema {dumped[0]!r} but this database uses "
                          f"{target!r}: restore with the same search_path as the backup was made with.")
    if exists:
        # Keep the schema itself (and its owner and grants): only its contents are replaced.
        listing = "\n".join(line for line in listing.splitlines()
                            if not re.match(rf"^\d+; \d+ \d+ (SCHEMA|COMMENT) - (SCHEMA )?{re.escape(target)} ", line))
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as use_list:
        use_list.write(listing + "\n")
    try:
        _run(["pg_restore", "--no-owner", "--no-privileges", "--clean", "--if-exists",
              "--single-transaction", "--exit-on-error", f"--use-list={use_list.name}",
              "--dbname", _libpq_uri(engine.url), str(path)], engine.url)
    finally:
        os.unlink(use_list.name)


def _libpq_uri(url: URL) -> str:
    """The URL as pg_dump and pg_restore take it: no driver name, no password (that goes in
    PGPASSWORD, never on a command line other users can read)."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(command: list[str], url: URL) -> str:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed. Install the PostgreSQL client of the "
                          "server's version or newer (Debian: apt-get install postgresql-client).")
    env = os.environ | ({"PGPASSWORD": str(url.password)} if url.password else {})
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # argument list (no shell) built from the configured database URL  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def _new_private_file(path: Path) -> Path:
    """An empty file beside ``path`` that only the owner can read: backups hold personal data."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(fd)  # mkstemp creates it with mode 0600
    return Path(name)

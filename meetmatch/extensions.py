"""Flask extensions, created unbound here and bound in ``create_app``."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

# Stable constraint names so Alembic (batch mode on SQLite) can find and drop them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, connection_record):  # noqa: ARG001
    """WAL + busy timeout: several gunicorn workers can write without 'database is locked'."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    # Let SQLAlchemy's "begin" hook below issue BEGIN itself (pysqlite's own is deferred).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(_busy_timeout_ms)}")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_on_sqlite(conn):
    """Take SQLite's write lock at BEGIN for anything that may write.

    A deferred transaction that reads and then writes gets SQLITE_BUSY at once when another
    writer committed in between (the busy timeout does not apply to lock upgrades in WAL mode),
    so writers start with BEGIN IMMEDIATE and queue politely on the busy timeout instead.
    Page views (GET/HEAD/OPTIONS) never write, so they start a plain deferred transaction: in
    WAL mode readers then never wait for, nor hold up, a writer.
    """
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN" if _in_safe_request() else "BEGIN IMMEDIATE")


def _in_safe_request() -> bool:
    from flask import has_request_context, request

    return has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")


_busy_timeout_ms = 30000


def set_sqlite_busy_timeout(milliseconds: int) -> None:
    global _busy_timeout_ms
    _busy_timeout_ms = milliseconds

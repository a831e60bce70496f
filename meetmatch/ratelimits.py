"""Rate-limit storage: keep limiting (in-process) when Redis is down, and say when limits are
per process although several gunicorn workers serve the app.

Without a fallback, every rate-limited POST (registration, "send my link", login) raised the
Redis connection error and answered 500 for as long as Redis was away.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from flask import Flask

log = logging.getLogger(__name__)

# A Redis that does not answer must not hold a request for long: each try waits at most this.
REDIS_TIMEOUT_SECONDS = 0.5


def configure_rate_limit_storage(app: Flask) -> None:
    """Set Flask-Limiter's fallback options on ``app.config``; call before ``limiter.init_app``.

    * ``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``: when the storage fails, the same limits are kept
      in this process (Flask-Limiter logs "Rate limit storage unreachable - falling back to
      in-memory storage") and the storage is tried again now and then.
    * ``RATELIMIT_SWALLOW_ERRORS``: should the fallback fail too, the error is logged and the
      request goes on unlimited rather than answering 500.
    """
    config = app.config
    config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    uri = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if uri.startswith(("redis://", "rediss://", "redis+unix://")):
        options = {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                   "socket_timeout": REDIS_TIMEOUT_SECONDS}
        config["RATELIMIT_STORAGE_OPTIONS"] = options | dict(config.get("RATELIMIT_STORAGE_OPTIONS") or {})


def warn_if_limits_are_per_process(app: Flask, production: bool) -> None:
    """Log a warning at start-up when limits live in process memory but gunicorn runs (or may
    run) several workers: each worker then counts on its own, so a client gets up to
    workers × the configured limit."""
    if not production or not app.config.get("RATELIMIT_ENABLED", True):
        return
    if not str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://"):
        return
    workers = gunicorn_workers()
    if workers is None or workers == 1:
        return
    count = f"{workers} workers" if workers else "workers set in its configuration file"
    log.warning(
        "Rate limits are counted in each process's memory (RATELIMIT_STORAGE_URI=memory://), "
        "but gunicorn runs %s: every worker counts on its own, so a client gets that many times "
        "the configured attempts. Set REDIS_URL (e.g. redis://127.0.0.1:6379) to share the "
        "counts between workers.", count)


def gunicorn_workers(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> int | None:
    """The number of gunicorn workers this process belongs to: None when not run by gunicorn,
    0 when gunicorn runs but the number is in a configuration file we do not read.

    Read the way gunicorn reads it: command line, then ``GUNICORN_CMD_ARGS``, then
    ``WEB_CONCURRENCY`` (gunicorn's default), with gunicorn's own argument parser.
    """
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    if not argv or "gunicorn" not in Path(argv[0]).as_posix():
        return None
    try:
        import shlex

        from gunicorn.config import Config
    except ImportError:  # pragma: no cover - gunicorn is a dependency
        return 0
    parser = Config().parser()
    args, _ = parser.parse_known_args(argv[1:])
    env_args, _ = parser.parse_known_args(shlex.split(environ.get("GUNICORN_CMD_ARGS", "")))
    for parsed in (args, env_args):
        if getattr(parsed, "workers", None) is not None:
            return int(parsed.workers)
    config_file = args.config or env_args.config or ("gunicorn.conf.py" if Path("gunicorn.conf.py").exists() else None)
    if config_file:
        return 0
    return int(environ.get("WEB_CONCURRENCY", 1))

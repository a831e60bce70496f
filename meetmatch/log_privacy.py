"""Keep manage-link tokens out of logs.

A private manage link (``/e/<slug>/manage/<token>…``) is as good as a password for one
registration, and access logs are kept, copied and read by more people than the database.
Every path that reaches a log line passes through ``redact`` and shows ``/manage/[token]``:

* gunicorn's access log: ``--logger-class meetmatch.log_privacy.RedactingGunicornLogger``
  (the README's and ``make run``'s command line), whatever ``--access-logformat`` says;
* the development server (``meetmatch run``) and Flask's "Exception on <path>" lines:
  ``install(app)`` adds a filter to the ``werkzeug`` logger and the app's logger.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask
from gunicorn.glogging import Logger as GunicornLogger

TOKEN_IN_PATH = re.compile(r"(/manage/)[^/\s?#\"']+")
REDACTED = r"\1[token]"


def redact(text: str) -> str:
    """``text`` with the token of every manage-link path replaced by ``[token]``."""
    return TOKEN_IN_PATH.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Formats the record once, redacted (the arguments may hold the request line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def install(app: Flask) -> None:
    """Redact tokens in the development server's request lines and the app's own log lines."""
    for logger in (logging.getLogger("werkzeug"), app.logger):
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's logger with manage-link tokens removed from every access-log atom (request
    line, path, referrer …), and from error-log lines."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}

    def error(self, msg: str, *args: Any, **kwargs: Any) -> None:
        super().error(redact(str(msg) % args if args else str(msg)), **kwargs)

    def exception(self, msg: str, *args: Any, **kwargs: Any) -> None:
        super().exception(redact(str(msg) % args if args else str(msg)), **kwargs)

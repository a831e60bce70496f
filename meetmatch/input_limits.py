"""Ranges checked at the edge, so that no value a visitor types or puts in a URL reaches the
database or date arithmetic out of range (a 500 otherwise: PostgreSQL integers end at 2^31,
SQLite's at 2^63, Python's dates at year 9999)."""

from __future__ import annotations

from datetime import date

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest key of a 32-bit integer column
MAX_ROUNDS = 50  # as the event form allows
MAX_TABLES = 5000
FIRST_EVENT_DAY = date(2000, 1, 1)
LAST_EVENT_DAY = date(2199, 12, 31)


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` in every route: only 0 … MAX_ID match, anything larger is a plain 404."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's parameter name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def integer_out_of_range(value: object) -> bool:
    """A whole number no integer column can hold (checked on every form's IntegerFields)."""
    return isinstance(value, int) and not -MAX_ID <= value <= MAX_ID

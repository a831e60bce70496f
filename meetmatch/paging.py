"""One page of a list already in memory, with the attributes of Flask-SQLAlchemy's Pagination
(``items``, ``page``, ``pages``, ``total``, ``has_prev``/``has_next``, ``prev_num``/``next_num``),
so ``templates/_pagination.html`` renders either kind."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

PER_PAGE = 100
MAX_PAGE = 10**6  # larger numbers are typos or probes; they get the empty last page


@dataclass(frozen=True)
class ListPage:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def requested_page(value: Any) -> int:
    """A ``?page=`` value as a page number from 1 to MAX_PAGE (garbage: 1)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(1, number), MAX_PAGE)


def page_of(items: Sequence[Any], page: int, per_page: int = PER_PAGE) -> ListPage:
    """Page ``page`` (from 1) of ``items``."""
    start = (page - 1) * per_page
    return ListPage(list(items[start:start + per_page]), page, per_page, len(items))

"""Reading one page of a collection fast at any depth, with the same rows and ``total`` as OFFSET.

- A page is found in two steps: its ids first (a query the filter-and-date indexes of models.py
  answer on their own, so skipping a deep OFFSET reads index entries, not rows), then its rows by
  id. Every order ends with ``id``, so both steps agree on the order.
- Where the order is on plain, never-null columns, a served page leaves bookmarks: the sort values
  of its first row, and of its last. The next page (a client walking pages) or the same page again
  then starts there with a keyset condition instead of skipping OFFSET entries.
- ``total`` is counted once per filter; a CDR date window's first count is summed from per-day
  counts (daycounts.py) instead of read from every matching index entry, and a deep page of a
  window sorted by id or date, without a bookmark, starts at its id block or day (daycounts.py).
Counts and bookmarks are kept only while the table's change counter (models.TableGeneration,
bumped by triggers on every insert, update and delete) stays the same, so they are never stale.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db.models import Q, QuerySet

from voiphistory.emulator.daycounts import page_start, window_count
from voiphistory.emulator.models import TableGeneration
from voiphistory.emulator.query import CollectionQuery

_KEPT = 1024  # counts and bookmarks each; a full store starts afresh
_DEEP = 5000  # an offset from which a page of a window without a bookmark starts at its id block or day
_counts: dict[tuple, int] = {}
_bookmarks: dict[tuple, tuple[tuple, bool]] = {}  # → (sort values, the row itself included)
_lock = threading.Lock()


def _changes(queryset: QuerySet) -> int | None:
    table = queryset.model._meta.db_table
    return TableGeneration.objects.filter(table=table).values_list("changes", flat=True).first()


def _keep(store: dict, key: tuple, value: object) -> None:
    """Store under the lock (reads need none: a dict lookup is atomic, and a miss only costs time)."""
    with _lock:
        if len(store) >= _KEPT:
            store.clear()
        store[key] = value


def _state(matching: QuerySet) -> tuple | None:
    """What a kept count or bookmark is valid for: this table at this change, this exact filter."""
    changes = _changes(matching)
    if changes is None:
        return None
    try:
        sql, params = matching.query.sql_with_params()
    except EmptyResultSet:  # a condition no row can meet (a coded value the dialect never shows)
        return None
    return (matching.model._meta.db_table, changes, sql, tuple(params))


def count(matching: QuerySet, *, quick: Callable[[], int | None] | None = None) -> int:
    """``matching.count()``, kept while the table's rows stand still: counting a few hundred
    thousand matches takes longer than reading a page, and a walk asks it on every page.
    ``quick``: the same number from summaries (daycounts.py), or None where they cannot tell."""

    def counted() -> int:
        total = quick() if quick is not None else None
        return matching.count() if total is None else total

    state = _state(matching)
    if state is None:
        return counted()
    total = _counts.get(state)
    if total is None:
        total = counted()
        _keep(_counts, state, total)
    return total


@dataclass
class Page:
    """The requested page: ``rows(attrs)`` reads it (and leaves the bookmarks for the next one)."""

    query: CollectionQuery
    queryset: QuerySet
    ids: QuerySet
    keys: tuple[str, ...] | None  # the plain sort columns, "id" last; None: no keyset for this order
    state: tuple | None

    def total(self, matching: QuerySet) -> int:
        """How many rows ``matching`` (apply's first answer) holds: ``count`` with the day counts."""
        return count(matching, quick=lambda: window_count(self.queryset, self.query.terms))

    def rows(self, attrs: list[str]) -> list[dict]:
        page = self.queryset.model.objects.filter(pk__in=self.ids).order_by(*self.query.order_by)
        wanted = list(dict.fromkeys([*attrs, *(self.keys or ())]))
        rows = list(page.values(*wanted))
        if self.keys and self.state is not None and rows:
            first, last = (tuple(row[key] for key in self.keys) for row in (rows[0], rows[-1]))
            base = (*self.state, self.query.order_by)
            _keep(_bookmarks, (*base, self.query.offset), (first, True))
            if len(rows) == self.query.limit:
                _keep(_bookmarks, (*base, self.query.offset + self.query.limit), (last, False))
        extra = set(wanted) - set(attrs)
        for row in rows:
            for key in extra:
                del row[key]
        return rows


def apply(query: CollectionQuery, queryset: QuerySet) -> tuple[QuerySet, Page]:
    """Return (the whole filtered set, for counting; the requested page)."""
    matching = queryset.filter(query.filters)
    ordered = matching.order_by(*query.order_by)
    keys = _plain_keys(query, queryset)
    state = _state(matching) if keys else None
    mark = _bookmarks.get((*state, query.order_by, query.offset)) if state else None
    if keys and mark is not None:
        values, included = mark
        descending = str(query.order_by[0]).startswith("-")
        ids = ordered.filter(_from(keys, values, descending=descending, included=included)).values("pk")
        ids = ids[: query.limit]
    elif keys and query.offset >= _DEEP and (start := page_start(queryset, matching, query)) is not None:
        rows, skip = start  # a deep page of a date window by id or date: from its block or day on
        ids = rows.order_by(*query.order_by).values("pk")[skip : skip + query.limit]
    else:
        ids = ordered.values("pk")[query.offset : query.offset + query.limit]
    return matching, Page(query=query, queryset=queryset, ids=ids, keys=keys, state=state)


def _plain_keys(query: CollectionQuery, queryset: QuerySet) -> tuple[str, ...] | None:
    """The sort columns when every one is a plain, never-null column (nulls would break a keyset)."""
    names = []
    for entry in query.order_by:
        if not isinstance(entry, str):
            return None  # a coded field's CASE expression
        name = entry.removeprefix("-")
        model_field = queryset.model._meta.get_field(name)
        if model_field.null:
            return None
        names.append("pk" if model_field.primary_key else name)
    return tuple(names) if names and names[-1] == "pk" else None


def _from(keys: tuple[str, ...], values: tuple, *, descending: bool, included: bool) -> Q:
    """Rows at or after (``included``) / strictly after the row whose sort values are ``values``."""
    strict, loose = ("lt", "lte") if descending else ("gt", "gte")
    *leading, last = keys
    condition = Q(**{f"{last}__{loose if included else strict}": values[-1]})
    for position in range(len(leading) - 1, -1, -1):
        key, value = leading[position], values[position]
        # key <= v AND (key < v OR rest): the first half is an index range, the rest a check.
        condition = Q(**{f"{key}__{loose}": value}) & (Q(**{f"{key}__{strict}": value}) | condition)
    return condition

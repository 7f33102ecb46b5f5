"""A CDR date window's ``total`` from per-day counts, exact and never stale, in a few milliseconds.

Migration 0007 keeps ``emulator_cdrdaycount``: one row per customer, day (the first 10 characters
of ``calldate``) and value of the low-cardinality columns a filter names (``is_calltracking``,
``type``, ``disposition``, ``user_id``), updated by triggers on every insert, update and delete.
A window's count is then the sum over the days it holds whole, plus its two edge days counted from
the date index (a day's few thousand entries, not the window's hundreds of thousands).

Why the split is exact for any text in ``calldate``, with ``lo``/``hi`` the window's bounds and
``lo10``/``hi10`` their first 10 characters: a row whose day ``d`` has ``lo10 < d < hi10`` differs
from both bounds within its first 10 characters, so it lies inside the window (strict bounds
included). Every other row of the window has ``d <= lo10`` (so ``lo <= calldate < succ(lo10)``,
``succ`` raising the last character) or ``d >= hi10`` (so ``hi10 <= calldate <= hi``).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, overload

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import Col
from django.db.models.functions import Substr
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThanOrEqual

from voiphistory.emulator.models import Cdr
from voiphistory.emulator.query import CollectionQuery, Term

_TABLE = "emulator_cdrdaycount"
_BLOCKS = "emulator_cdridblock"  # per customer, is_calltracking, id >> 12 and day
_BLOCK_BITS = 12
_BLOCKED = {"customer_id", "is_calltracking"}  # the id-block counts' other columns
_DATE = "calldate"
_COUNTED = {"customer_id", "is_calltracking", "type", "disposition", "user_id"}  # the table's key
_LOWER, _UPPER = {"gt", "gte"}, {"lt", "lte"}


@dataclass(frozen=True)
class _Window:
    """A CDR query's conditions: equalities on counted columns and at most one bound on each side."""

    equal: list[Term]
    lower: list[Term]
    upper: list[Term]
    lo10: str | None
    hi10: str | None

    @property
    def within_a_day(self) -> bool:
        return self.lo10 is not None and self.hi10 is not None and self.lo10 >= self.hi10


def _window(base: QuerySet, terms: Iterable[Term]) -> _Window | None:
    if base.model is not Cdr:
        return None
    equal = _base_equalities(base)
    if equal is None:
        return None
    lower: list[Term] = []
    upper: list[Term] = []
    for term in terms:
        if term.attr == _DATE and term.lookup in _LOWER | _UPPER:
            (lower if term.lookup in _LOWER else upper).append(term)
        elif term.attr in _COUNTED and term.lookup in {"exact", "in", "isnull"}:
            equal.append(term)
        else:
            return None
    if len(lower) > 1 or len(upper) > 1 or not (lower or upper):
        return None
    lo10 = str(lower[0].value)[:10] if lower else None
    hi10 = str(upper[0].value)[:10] if upper else None
    return _Window(equal, lower, upper, lo10, hi10)


def _edges(base: QuerySet, window: _Window) -> list[QuerySet]:
    """The window's rows on its first and last day. Each edge day's rows lie within the window's
    other bound: only its own bound is asked, so the date index is read over that day alone."""
    edges = []
    if window.lo10:  # the first day: its rows at or after the lower bound
        first = _filtered(base, window.equal, window.lower)
        edges.append(
            first.filter(
                Q(calldate__lt=_succ(window.lo10)), LessThanOrEqual(Substr(_DATE, 1, 10), window.lo10)
            )
        )
    if window.hi10:  # the last day: its rows up to the upper bound
        last = _filtered(base, window.equal, window.upper)
        edges.append(
            last.filter(Q(calldate__gte=window.hi10), GreaterThanOrEqual(Substr(_DATE, 1, 10), window.hi10))
        )
    return edges


def window_count(base: QuerySet, terms: Iterable[Term]) -> int | None:
    """The number of rows of ``base.filter(terms)``, or None where the day counts cannot answer it
    (another table, a condition on another column, no date range)."""
    window = _window(base, terms)
    if window is None:
        return None
    if window.within_a_day:  # the date index alone
        return _filtered(base, window.equal, window.lower, window.upper).count()
    total = _bucket_sum(_TABLE, window.equal, window.lo10, window.hi10)
    return total + sum(edge.count() for edge in _edges(base, window))


def page_start(base: QuerySet, matching: QuerySet, query: CollectionQuery) -> tuple[QuerySet, int] | None:
    """For a deep page of a date window sorted by id or by date: the rows from the page's id block
    or day on, and the smaller offset there that finds the same page, so SQLite skips one block's
    or day's index entries instead of the whole offset's; None where the counts cannot tell."""
    window = _window(base, query.terms)
    if window is None or window.within_a_day:
        return None
    if query.order_by in (("id",), ("-id",)):
        found = _id_start(
            base, window, descending=str(query.order_by[0]).startswith("-"), offset=query.offset
        )
        return None if found is None else (matching.filter(found[0]), found[1])
    if query.order_by in ((_DATE, "id"), (f"-{_DATE}", "-id")):
        return _date_start(base, window, descending=query.order_by[0] != _DATE, offset=query.offset)
    return None


def _date_start(
    base: QuerySet, window: _Window, *, descending: bool, offset: int
) -> tuple[QuerySet, int] | None:
    """The day the page starts in, from the day counts: rows of later (descending) or earlier days
    lie entirely before it. A day ``d`` holds exactly the rows with ``d <= calldate < succ(d)``, so
    past the window's first day that condition implies the window's own bound on that side, which
    is left out (SQLite ranges over one upper and one lower bound of a column, not the tighter)."""
    per_day: Counter[str] = Counter()
    days = _bucket_sum(_TABLE, window.equal, window.lo10, window.hi10, by="day")
    per_day.update({str(day): rows for day, rows in days})
    for day, edge in zip([d for d in (window.lo10, window.hi10) if d], _edges(base, window), strict=True):
        per_day[day] += edge.count()
    before = 0
    for day in sorted(per_day, reverse=descending):
        if before + per_day[day] > offset:
            if before == 0:
                return None  # the first day: the plain OFFSET skips within it
            if descending:
                rows = _filtered(base, window.equal, window.lower).filter(calldate__lt=_succ(day))
            else:
                rows = _filtered(base, window.equal, window.upper).filter(calldate__gte=day)
            return rows, offset - before
        before += per_day[day]
    return None


def _succ(day: str) -> str:
    """The first string after every string that starts with ``day``."""
    return day[:-1] + chr(ord(day[-1]) + 1)


def _id_start(base: QuerySet, window: _Window, *, descending: bool, offset: int) -> tuple[Q, int] | None:
    """The page's id block, from the id-block counts (ids >> 12, per day) and the edge days."""
    if any(term.attr not in _BLOCKED or term.lookup != "exact" for term in window.equal):
        return None
    per_block: Counter[int] = Counter()
    blocks = _bucket_sum(_BLOCKS, window.equal, window.lo10, window.hi10, by="block")
    per_block.update({int(block): rows for block, rows in blocks})
    for edge in _edges(base, window):
        counted = edge.values(block=F("id").bitrightshift(_BLOCK_BITS)).annotate(rows=Count("pk"))
        per_block.update({row["block"]: row["rows"] for row in counted})
    before = 0
    for block in sorted(per_block, reverse=descending):
        if before + per_block[block] > offset:
            if descending:
                return Q(id__lt=(block + 1) << _BLOCK_BITS), offset - before
            return Q(id__gte=block << _BLOCK_BITS), offset - before
        before += per_block[block]
    return None


def rebuild(cursor: CursorWrapper | sqlite3.Cursor) -> None:
    """Count every CDR afresh (the seed writes its rows with the triggers off)."""
    day = "substr(calldate, 1, 10)"
    key = f"customer_id, {day}, is_calltracking, type, disposition, user_id IS NOT NULL, IFNULL(user_id, 0)"
    block_key = f"customer_id, is_calltracking, id >> {_BLOCK_BITS}, {day}"
    cursor.execute(f"DELETE FROM {_TABLE}")
    cursor.execute(
        f"INSERT INTO {_TABLE} (customer_id, day, is_calltracking, type, disposition, user_known,"
        f" user_id, rows) SELECT {key}, COUNT(*) FROM {Cdr._meta.db_table} GROUP BY {key}"
    )
    cursor.execute(f"DELETE FROM {_BLOCKS}")
    cursor.execute(
        f"INSERT INTO {_BLOCKS} (customer_id, is_calltracking, block, day, rows)"
        f" SELECT {block_key}, COUNT(*) FROM {Cdr._meta.db_table} GROUP BY {block_key}"
    )


def _base_equalities(base: QuerySet) -> list[Term] | None:
    """``base``'s own conditions (the customer, a resource's scope) when each is ``column = value``."""
    equal = []
    for child in base.query.where.children:
        if not (isinstance(child, Exact) and isinstance(child.lhs, Col)):
            return None
        name = child.lhs.target.attname
        if name not in _COUNTED:
            return None
        equal.append(Term(name, "exact", child.rhs))
    return equal if base.query.where.connector == "AND" and not base.query.where.negated else None


def _filtered(base: QuerySet, *term_lists: list[Term]) -> QuerySet:
    rows = base
    for terms in term_lists:
        for term in terms:
            rows = rows.filter(**{f"{term.attr}__{term.lookup}": term.value})
    return rows


@overload
def _bucket_sum(table: str, equal: list[Term], lo10: str | None, hi10: str | None) -> int: ...
@overload
def _bucket_sum(
    table: str, equal: list[Term], lo10: str | None, hi10: str | None, *, by: str
) -> list[tuple[Any, int]]: ...
def _bucket_sum(
    table: str, equal: list[Term], lo10: str | None, hi10: str | None, *, by: str | None = None
) -> int | list[tuple[Any, int]]:
    """The summed counts of ``table``'s days strictly between ``lo10`` and ``hi10``; ``by``: per value."""
    where: list[str] = ["1"]
    params: list[Any] = []
    if lo10:
        where.append("day > %s")
        params.append(lo10)
    if hi10:
        where.append("day < %s")
        params.append(hi10)
    for term in equal:
        clause, values = _bucket_condition(term)
        where.append(clause)
        params += values
    conditions = " AND ".join(where)
    with connection.cursor() as cursor:
        if by is None:
            cursor.execute(f"SELECT COALESCE(SUM(rows), 0) FROM {table} WHERE {conditions}", params)
            return int(cursor.fetchone()[0])
        cursor.execute(f"SELECT {by}, SUM(rows) FROM {table} WHERE {conditions} GROUP BY {by}", params)
        return [(value, int(rows)) for value, rows in cursor.fetchall()]


def _bucket_condition(term: Term) -> tuple[str, list[object]]:
    """``term`` on the day counts' columns (a NULL user_id is kept as user_known = 0)."""
    column = term.attr
    if term.lookup == "isnull":
        if column != "user_id":
            return ("1", []) if not term.value else ("0", [])  # the other counted columns are NOT NULL
        return ("user_known = %s", [0 if term.value else 1])
    values = list(term.value) if term.lookup == "in" else [term.value]  # type: ignore[call-overload]
    if not values:
        return "0", []
    known = " AND user_known = 1" if column == "user_id" else ""
    return f"({column} IN ({', '.join(['%s'] * len(values))}){known})", values

"""Reads the calls that started in a time window: every leg of each, none of any other call.

The API filters legs, never calls, so a page of calls and their exact total come from walking the
window's legs (docs/voipstudio-api.md, "Calls from legs"):

1. every leg with ``calldate`` in [start, end), sorted by ``id`` (unique, so pages neither repeat
   nor skip rows on ties), 10,000 a request, the pages after the first fetched side by side;
2. the calls those legs start can go on after ``end``: a leg starts while the leg it continues is
   up, so the legs up to the latest end of those calls are fetched too (repeated while it grows);
3. a leg in the window whose parent is not in it continues a call that started before ``start``
   unless that parent is gone: one ``live_id eq`` look-up per such call decides.

Grouping and the call-level filters are calls.py's; this module only reads.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from voiphistory.history import window_cache
from voiphistory.history.calls import Call, group_calls, has_parent, sort_calls
from voiphistory.voipstudio import Cdr, Filter, InvalidRequest, Page, budget
from voiphistory.voipstudio.resources import Collection

if TYPE_CHECKING:
    from voiphistory.history.filters import TableQuery

PAGE_SIZE = 10_000  # the largest page VoIPstudio serves
#: Pages after the first, and look-ups of cut calls, sent at once: a window of CALLS_MAX_LEGS legs
#: (6 pages) is then two dependent round trips, the first page (for ``total``) and the rest.
PARALLEL_REQUESTS = budget.PAGE_CONCURRENCY
#: Rounding in calldate/duration: a child may be written to start a second after its parent ended.
SLACK = timedelta(seconds=5)
MAX_EXTENSIONS = 10


class TooManyLegs(Exception):
    """The window holds more legs than ``CALLS_MAX_LEGS``: grouping them would take too long."""

    def __init__(self, legs: int) -> None:
        super().__init__(f"{legs} legs")
        self.legs = legs


def _window_filters(start: datetime | None, end: datetime | None) -> list[Filter]:
    filters = [Filter("calldate", "gte", start)] if start else []
    if end:
        filters.append(Filter("calldate", "lt", end))
    return filters


def _legs_between(
    collection: Collection, start: datetime | None, end: datetime | None, max_legs: int | None
) -> list[Cdr]:
    filters = _window_filters(start, end)

    def fetch(number: int) -> Page[Cdr]:
        return collection.page(page=number, limit=PAGE_SIZE, filters=filters, sort="id", direction="ASC")

    first = fetch(1)
    if max_legs is not None and first.total > max_legs:
        raise TooManyLegs(first.total)
    pages = math.ceil(first.total / PAGE_SIZE)
    legs = list(first.items)
    if pages > 1:
        with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:
            for page in budget.pool_map(pool, fetch, range(2, pages + 1)):  # under the page's time budget
                legs += page.items
    return legs


def _started_earlier(collection: Collection, calls: list[Call]) -> set[int]:
    """Ids of the calls (first-leg ids) whose first leg at hand continues a leg that still exists."""
    asks = [call for call in calls if has_parent(call.first)]
    if not asks:
        return set()

    def parent_exists(call: Call) -> bool:
        leg = call.first
        wanted = leg.parent_live_id if leg.parent_live_id not in (None, leg.live_id) else leg.root_live_id
        try:
            return collection.page(limit=1, filters=[Filter("live_id", "eq", wanted)]).total > 0
        except InvalidRequest:  # live_id not filterable: believe the leg, it says it has a parent
            return True

    with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:
        found = list(budget.pool_map(pool, parent_exists, asks))
    return {call.id for call, exists in zip(asks, found, strict=True) if exists}


def calls_between(
    collection: Collection, *, start: datetime | None, end: datetime | None, max_legs: int | None = None
) -> list[Call]:
    """Every call whose first leg started in [start, end), complete, oldest first. ``end`` None is
    up to now. Raises ``TooManyLegs`` when the window alone holds more than ``max_legs``."""
    legs = _legs_between(collection, start, end, max_legs)
    now = timezone.now()
    fetched_until = end if end and end < now else None  # a window reaching now has every leg there is
    for _ in range(MAX_EXTENSIONS):
        if fetched_until is None or end is None:  # end is set whenever fetched_until is
            break
        inside = [c for c in group_calls(legs) if c.calldate < end]
        horizon = min(max((c.ended_at for c in inside), default=fetched_until) + SLACK, now + SLACK)
        if horizon <= fetched_until:
            break
        legs += _legs_between(collection, fetched_until, horizon, None)
        fetched_until = horizon
    calls = [
        c
        for c in group_calls(legs)
        if (start is None or c.calldate >= start) and (end is None or c.calldate < end)
    ]
    if start is not None:
        earlier = _started_earlier(collection, calls)
        calls = [c for c in calls if c.id not in earlier]
    return calls


def max_legs() -> int:
    return settings.CALLS_MAX_LEGS


def window_fingerprint(
    collection: Collection, start: datetime | None, end: datetime | None
) -> window_cache.Fingerprint:
    """The window's leg count and newest leg id: one ``limit=1`` read. Any leg added or deleted in
    the window changes it (ids only grow)."""
    newest = collection.page(limit=1, filters=_window_filters(start, end), sort="id", direction="DESC")
    return newest.total, newest.items[0].id if newest.items else None


def matching_calls(
    collection: Collection, query: TableQuery, *, limited: bool = True, customer_id: int | None = None
) -> list[Call]:
    """Every call a Calls table's query matches, in the table's order. ``TooManyLegs`` when the
    window is too big to group and ``limited`` (the table then says so and shows legs; background
    jobs are not limited). With ``customer_id`` (the tables) the grouped window is kept a short
    while and checked on every request (history.window_cache); without it, read afresh (jobs)."""
    start, end = query.time_window()
    criteria = query.call_criteria()
    column = next(c for c in query.section.columns if c.field == query.sort_field)
    attr = column.value_attr if column.field != "calldate" else "calldate"
    descending = query.direction == "DESC"

    def matching(walked: list[Call]) -> list[Call]:
        return sort_calls([c for c in walked if criteria.matches(c)], attr, descending=descending)

    limit = max_legs() if limited else None
    if customer_id is None:
        return matching(calls_between(collection, start=start, end=end, max_legs=limit))
    fingerprint = window_fingerprint(collection, start, end)
    if limit is not None and fingerprint[0] > limit:  # known from the count: no leg is read
        raise TooManyLegs(fingerprint[0])
    kept = window_cache.window(
        customer_id=customer_id,
        start=start,
        end=end,
        fingerprint=fingerprint,
        read=lambda: calls_between(collection, start=start, end=end, max_legs=limit),
    )
    return kept.ordered((criteria, attr, descending), matching)


def call_page(collection: Collection, query: TableQuery, *, customer_id: int | None = None) -> Page[Call]:
    """One page of calls, and their exact total."""
    calls = matching_calls(collection, query, customer_id=customer_id)
    first = (query.page_number - 1) * query.page_size
    return Page(
        items=calls[first : first + query.page_size],
        total=len(calls),
        page=query.page_number,
        limit=query.page_size,
    )

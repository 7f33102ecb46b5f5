"""Which calls on a page of the Calls table were recorded, in as few requests as the page allows.

A recording (monitor) points at its call as call detail finds it (``selectors._call_recordings``):
by the leg's ``live_id``, else by the call's ``call_id``. No API filter takes a list of ids, so a
page's recordings are found by time instead: one ``GET /monitors`` per stretch of the page's calls
(a page sorted by date is one stretch), matched back to the rows here. A recording starts within
its leg (``timestamp`` from ``calldate`` to ``calldate + duration``): docs/voipstudio-api.md,
"Recordings of a page of calls".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from voiphistory.voipstudio import Cdr, Filter, Monitor, Unauthorized, VoipstudioClient, VoipstudioError
from voiphistory.web.messages import upstream_message

#: Recordings are stamped by VoIPstudio's clock, legs by the media server's: allow for a little skew.
SLACK = timedelta(minutes=2)
#: Calls closer together than this share one request (the recordings between them come along).
STRETCH_GAP = timedelta(hours=2)
#: A stretch holding more recordings than this is a data problem, not a page: stop reading it.
MAX_PER_STRETCH = 5000
PAGE_SIZE = 1000


class CallLike(Protocol):
    """A Calls table row: a leg (``Cdr``) or a call made of legs (``history.calls.Call``)."""

    id: int


@dataclass(frozen=True)
class PageRecordings:
    by_row: dict[int, list[Monitor]] = field(default_factory=dict)  # row id → its recordings, oldest first
    error: str = ""  # the lookup failed: the table still shows, and says so


def _legs(row: CallLike) -> list[Cdr]:
    legs = getattr(row, "legs", None)
    return list(legs) if legs is not None else [row]  # type: ignore[list-item]  # a row without legs is a leg


def _stretches(legs: Sequence[Cdr]) -> list[tuple[datetime, datetime]]:
    """The time windows to ask for: each leg's span, merged when less than STRETCH_GAP apart."""
    spans = sorted(
        (leg.calldate - SLACK, leg.calldate + timedelta(seconds=leg.duration or 0) + SLACK) for leg in legs
    )
    merged: list[list[datetime]] = []
    for start, end in spans:
        if merged and start - merged[-1][1] < STRETCH_GAP:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def page_recordings(*, client: VoipstudioClient, rows: Iterable[CallLike]) -> PageRecordings:
    """The recordings of each row (a leg or a call) of one table page, by row id."""
    rows = list(rows)
    legs = [leg for row in rows for leg in _legs(row)]
    if not legs:
        return PageRecordings()
    try:
        found = _recordings_between(client, _stretches(legs))
    except Unauthorized:
        raise
    except VoipstudioError as error:
        return PageRecordings(
            error=f"Which calls were recorded could not be looked up. {upstream_message(error)}"
        )
    by_live: dict[int, list[Monitor]] = {}
    by_call: dict[int, list[Monitor]] = {}
    for monitor in sorted(found.values(), key=lambda m: (m.timestamp, m.id)):
        if monitor.live_id is not None:
            by_live.setdefault(monitor.live_id, []).append(monitor)
        elif monitor.call_id is not None:
            by_call.setdefault(monitor.call_id, []).append(monitor)
    by_row: dict[int, list[Monitor]] = {}
    for row in rows:
        recordings = [m for leg in _legs(row) for m in _of_leg(leg, by_live, by_call)]
        if recordings:
            by_row[row.id] = list({m.id: m for m in recordings}.values())
    return PageRecordings(by_row=by_row)


def _recordings_between(
    client: VoipstudioClient, stretches: list[tuple[datetime, datetime]]
) -> dict[int, Monitor]:
    """One request for the page's whole time window when it holds at most PAGE_SIZE recordings (a
    page sorted by date always does); else one (paged) request per stretch it did not cover."""
    window = [Filter("timestamp", "gte", stretches[0][0]), Filter("timestamp", "lte", stretches[-1][1])]
    first = client.monitors.page(filters=window, sort="timestamp", direction="ASC", limit=PAGE_SIZE)
    found = {monitor.id: monitor for monitor in first.items}
    if first.total <= len(first.items):
        return found
    covered_until = first.items[-1].timestamp if first.items else stretches[0][0]
    for start, end in stretches:
        if end < covered_until:
            continue
        wanted = [Filter("timestamp", "gte", max(start, covered_until)), Filter("timestamp", "lte", end)]
        monitors = client.monitors.iterate(
            filters=wanted, sort="timestamp", direction="ASC", page_size=PAGE_SIZE
        )
        for count, monitor in enumerate(monitors):
            if count >= MAX_PER_STRETCH:
                break
            found[monitor.id] = monitor
    return found


def _of_leg(leg: Cdr, by_live: dict[int, list[Monitor]], by_call: dict[int, list[Monitor]]) -> list[Monitor]:
    """A leg's own recordings (its live id), and those that name only the call, on a leg that talked."""
    own = by_live.get(leg.live_id, []) if leg.live_id is not None else []
    shared = by_call.get(leg.call_id, []) if leg.call_id is not None and leg.billsec else []
    return own + shared

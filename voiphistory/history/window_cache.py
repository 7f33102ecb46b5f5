"""The grouped Calls table's windows, kept a short while per customer and checked on every request.

Grouping a window's legs into calls reads every leg of the window (call_window.py): thousands of
legs, a third of a second of CPU. The table's pages, sorts and call-level filters over one window
all group the same legs, so each web process keeps the grouped calls of its last few windows. A
window is used again only when all of these hold (docs/calls.md, "Kept briefly"):

* the same customer of the same VoIPstudio (``customer_scope``), the same [start, end);
* the window's fingerprint from the API is unchanged: its leg count and newest leg id, asked on
  every request with one ``limit=1`` read, so a new leg or a deleted one shows on the next request;
* nothing was edited through the dashboard since (``forget`` bumps the customer's generation,
  shared by every process through the cache);
* it is younger than ``SECONDS``: an edit made outside the dashboard shows within that time.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache

from voiphistory.history.calls import Call
from voiphistory.history.capabilities import customer_scope

SECONDS = 30
ENTRIES = 8  # per process: a window of 60,000 legs is some tens of MB
ORDERS = 16  # sorted and filtered views kept per window

clock = time.monotonic  # tests move a fake clock
type Fingerprint = tuple[int, int | None]  # the window's leg count and newest leg id


@dataclass
class Window:
    fingerprint: Fingerprint
    calls: list[Call]
    stored_at: float
    orders: OrderedDict[Hashable, list[Call]] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ordered(self, key: Hashable, make: Callable[[list[Call]], list[Call]]) -> list[Call]:
        """``make(self.calls)`` (a filter and a sort), once per ``key`` while the window is kept."""
        with self.lock:
            if key in self.orders:
                self.orders.move_to_end(key)
                return self.orders[key]
        made = make(self.calls)
        with self.lock:
            self.orders[key] = made
            while len(self.orders) > ORDERS:
                self.orders.popitem(last=False)
        return made


_windows: OrderedDict[tuple, Window] = OrderedDict()
_reading: dict[tuple, threading.Lock] = {}
_lock = threading.Lock()


def _generation_key(customer_id: int) -> str:
    return f"history:call-window-generation:{customer_scope(customer_id)}"


def forget(*, customer_id: int) -> None:
    """The customer's calls were changed through the dashboard: no process uses its kept windows."""
    cache.set(_generation_key(customer_id), time.time_ns(), timeout=None)


def window(
    *,
    customer_id: int,
    start: datetime | None,
    end: datetime | None,
    fingerprint: Fingerprint,
    read: Callable[[], list[Call]],
) -> Window:
    """The window's calls: kept ones when still current, else ``read()`` (once per window at a time:
    concurrent requests for it wait for that read rather than repeat it)."""
    key = (customer_scope(customer_id), cache.get(_generation_key(customer_id), 0), start, end)
    now = clock()
    if (kept := _current(key, fingerprint, now)) is not None:
        return kept
    with _lock:
        reading = _reading.setdefault(key, threading.Lock())
    with reading:
        if (kept := _current(key, fingerprint, now)) is not None:  # read meanwhile by another request
            return kept
        fresh = Window(fingerprint, read(), clock())
        with _lock:
            _windows[key] = fresh
            _windows.move_to_end(key)
            while len(_windows) > ENTRIES:
                _windows.popitem(last=False)
            _reading.pop(key, None)
    return fresh


def _current(key: tuple, fingerprint: Fingerprint, now: float) -> Window | None:
    with _lock:
        kept = _windows.get(key)
        if kept is None or kept.fingerprint != fingerprint or now - kept.stored_at > SECONDS:
            return None
        _windows.move_to_end(key)
        return kept


def clear() -> None:
    """Forget every kept window of this process (tests)."""
    with _lock:
        _windows.clear()

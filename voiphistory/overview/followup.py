"""Missed-call follow-up: was a missed caller called back, did they call again, or neither?

Pure functions over plain data (no HTTP; national numbers read the country setting), so every rule
is unit-tested on its own (tests/overview/test_followup.py). The rules:

* Numbers are compared in one form: E.164 digits without "+", as the API writes them. People and
  other systems also write ``+44…``, ``0044…``, ``(0)`` or a national ``0…``; ``normalise_number``
  (history.numbers, which the tables' number filters use too) turns all of those into the same
  digits, national ones by the account's country. Extensions, queue ids and "anonymous" match nothing.
* Called back: an outbound call to the number, by anyone (not only the agent it rang), strictly
  after the missed call, whenever that was (the next morning counts: calls cross midnight).
* Called again: no callback, but an inbound call from the number strictly after the miss.
* Not returned: neither. A call to the number *before* the miss never counts.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from voiphistory.history.numbers import normalise_number

__all__ = ["Call", "Direction", "FollowUp", "Status", "follow_ups", "normalise_number"]


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class Status(StrEnum):
    CALLED_BACK = "called_back"
    CALLED_AGAIN = "called_again"
    NOT_RETURNED = "not_returned"

    @property
    def label(self) -> str:
        return {"called_back": "Called back", "called_again": "Called again", "not_returned": "Not returned"}[
            self
        ]


@dataclass(frozen=True, slots=True)
class Call:
    """What matching needs of one call (history.calls; ``id`` its first leg's): the other party's
    number, normalised ("" when it is none: such a miss cannot be returned, but it is still a miss)."""

    id: int
    at: datetime
    direction: Direction
    number: str
    answered: bool = False
    user_id: int | None = None
    raw: str = ""  # the caller as the API wrote it, shown when ``number`` is ""


@dataclass(frozen=True, slots=True)
class FollowUp:
    missed: Call
    status: Status
    by: Call | None = None  # the callback, or the caller's next call

    @property
    def delay(self) -> timedelta | None:
        return self.by.at - self.missed.at if self.by else None

    @property
    def delay_seconds(self) -> int | None:
        delay = self.delay
        return int(delay.total_seconds()) if delay is not None else None


class _Index:
    """Calls per number in time order, to find "the first one after t" by bisection."""

    def __init__(self, calls: Iterable[Call]) -> None:
        by_number: dict[str, list[Call]] = {}
        for call in calls:
            if call.number:
                by_number.setdefault(call.number, []).append(call)
        self._calls = {
            number: sorted(found, key=lambda c: (c.at, c.id)) for number, found in by_number.items()
        }
        self._times = {number: [c.at for c in found] for number, found in self._calls.items()}

    def first_after(self, number: str, at: datetime, *, besides: int) -> Call | None:
        times = self._times.get(number)
        if not times:
            return None
        for call in self._calls[number][bisect_right(times, at) :]:
            if call.id != besides:
                return call
        return None


def follow_ups(missed: Iterable[Call], later: Iterable[Call]) -> list[FollowUp]:
    """The follow-up of each missed inbound call, oldest miss first. ``later`` holds every call that
    may answer a miss (outbound calls and inbound calls up to now); the misses may be among them."""
    later = list(later)
    outbound = _Index(call for call in later if call.direction is Direction.OUT)
    inbound = _Index(call for call in later if call.direction is Direction.IN)
    results = []
    for miss in sorted(missed, key=lambda c: (c.at, c.id)):
        callback = outbound.first_after(miss.number, miss.at, besides=miss.id) if miss.number else None
        if callback is not None:
            results.append(FollowUp(miss, Status.CALLED_BACK, callback))
            continue
        again = inbound.first_after(miss.number, miss.at, besides=miss.id) if miss.number else None
        results.append(FollowUp(miss, Status.CALLED_AGAIN if again else Status.NOT_RETURNED, again))
    return results

"""Reading the calls of a time window (history.call_window) from a collection of legs that filters
as the API does: calls that straddle the window's edges are whole, and counted once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from voiphistory.history import call_window
from voiphistory.voipstudio import Cdr, Page

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


class Legs:
    """A list of CDRs answering ``page`` with the API's filters (gte/lt on calldate, eq), sorted by id."""

    def __init__(self, legs: list[Cdr]) -> None:
        self.legs = legs
        self.asked: list[list] = []

    def page(self, *, page=1, limit=25, filters=(), sort="id", direction="DESC") -> Page[Cdr]:
        self.asked.append(list(filters))
        tests = {"gte": lambda a, b: a >= b, "lt": lambda a, b: a < b, "eq": lambda a, b: a == b}
        found = [
            leg
            for leg in self.legs
            if all(tests[f.operator](getattr(leg, f.property), f.value) for f in filters)
        ]
        found.sort(key=lambda leg: getattr(leg, sort), reverse=direction == "DESC")
        return Page(found[(page - 1) * limit : page * limit], len(found), page, limit)


def chain(first_id: int, start: timedelta, *lengths: int, root: bool = False) -> list[Cdr]:
    """A call whose legs each start 10 s into the previous one; ``lengths`` are their durations."""
    legs, at = [], T0 + start
    for n, length in enumerate(lengths):
        live = first_id * 10 + n
        legs.append(
            Cdr(
                id=first_id + n,
                calldate=at,
                duration=length,
                live_id=live,
                type="I",
                destination="in",
                disposition="CONNECTED",
                parent_live_id=live - 1 if n else None,
                root_live_id=first_id * 10 if root else None,
            )
        )
        at += timedelta(seconds=10)
    return legs


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(call_window, "PAGE_SIZE", 2)  # several pages, fetched side by side


def test_a_call_going_on_past_the_window_end_is_read_whole():
    legs = Legs(
        [*chain(1, timedelta(minutes=59, seconds=50), 600, 590, 580), *chain(10, timedelta(minutes=70), 30)]
    )
    [call] = call_window.calls_between(legs, start=T0, end=T0 + timedelta(hours=1))
    assert [leg.id for leg in call.legs] == [1, 2, 3] and call.duration == 600


def test_a_call_begun_before_the_window_is_not_in_it_and_an_orphan_leg_is():
    before = chain(1, timedelta(seconds=-5), 60, 50)  # its second leg starts inside the window
    orphan = chain(20, timedelta(minutes=5), 60, 50)[1:]  # its first leg was deleted
    inside = chain(30, timedelta(minutes=10), 20)
    legs = Legs([*before, *orphan, *inside])
    calls = call_window.calls_between(legs, start=T0, end=T0 + timedelta(hours=1))
    assert [call.id for call in calls] == [21, 30]
    assert [f.property for f in legs.asked[-1]] == ["live_id"]  # a look-up decided, not a guess


def test_without_the_deprecated_fields_and_with_them_the_same_calls():
    plain = [*chain(1, timedelta(0), 30, 20), *chain(5, timedelta(minutes=1), 40)]
    marked = [*chain(1, timedelta(0), 30, 20, root=True), *chain(5, timedelta(minutes=1), 40, root=True)]
    for legs in (plain, marked):
        calls = call_window.calls_between(Legs(legs), start=T0, end=T0 + timedelta(hours=1))
        assert [(c.id, len(c.legs)) for c in calls] == [(1, 2), (5, 1)]


def test_too_many_legs_is_said_before_any_grouping():
    with pytest.raises(call_window.TooManyLegs) as raised:
        call_window.calls_between(Legs(chain(1, timedelta(0), 5, 5, 5)), start=None, end=None, max_legs=2)
    assert raised.value.legs == 3

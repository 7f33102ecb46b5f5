"""The grouped Calls table keeps its window a short while (history.window_cache): a change upstream
still shows on the next request, and no two customers share a window."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.http import QueryDict

from tests.history.test_call_window import Legs
from voiphistory.history import call_window, window_cache
from voiphistory.history.catalog import BY_SLUG
from voiphistory.history.filters import TableQuery
from voiphistory.voipstudio import Cdr

YESTERDAY = date.today() - timedelta(days=1)
T0 = datetime.combine(YESTERDAY, time(9), UTC)


def call(id: int, minutes: int, info: str = "") -> Cdr:
    return Cdr(id=id, calldate=T0 + timedelta(minutes=minutes), duration=30, live_id=id * 10, info=info)


def query() -> TableQuery:
    day = YESTERDAY.isoformat()
    form = TableQuery(BY_SLUG["calls"], QueryDict(f"start={day}&end={day}&sort=-when"), users={})
    assert form.is_valid(), form.errors
    return form


def ids(collection: Legs, customer_id: int = 1) -> list[int]:
    return [c.id for c in call_window.matching_calls(collection, query(), customer_id=customer_id)]


def test_the_same_window_again_is_one_count_and_no_leg_read():
    legs = Legs([call(1, 0), call(2, 5)])
    assert ids(legs) == [2, 1]
    asked = len(legs.asked)
    assert ids(legs) == [2, 1]
    assert len(legs.asked) == asked + 1  # the fingerprint only


def test_a_new_leg_shows_on_the_next_request():
    legs = Legs([call(1, 0), call(2, 5)])
    assert ids(legs) == [2, 1]
    legs.legs.append(call(3, 10))
    assert ids(legs) == [3, 2, 1]


def test_a_deleted_leg_is_gone_on_the_next_request():
    legs = Legs([call(1, 0), call(2, 5), call(3, 10)])
    assert ids(legs) == [3, 2, 1]
    del legs.legs[1]
    assert ids(legs) == [3, 1]


def test_two_customers_never_share_a_window():
    ours, theirs = Legs([call(1, 0, "ours")]), Legs([call(1, 0, "theirs")])  # same ids, same count
    [mine] = call_window.matching_calls(ours, query(), customer_id=1)
    [other] = call_window.matching_calls(theirs, query(), customer_id=2)
    assert (mine.info, other.info) == ("ours", "theirs")


def test_an_edit_through_the_dashboard_shows_at_once_and_any_other_within_the_time_kept(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(window_cache, "clock", lambda: now[0])
    legs = Legs([call(1, 0, "before")])
    info = lambda: call_window.matching_calls(legs, query(), customer_id=1)[0].info  # noqa: E731
    assert info() == "before"
    legs.legs[0] = dataclasses.replace(legs.legs[0], info="edited here")
    window_cache.forget(customer_id=1)
    assert info() == "edited here"
    legs.legs[0] = dataclasses.replace(legs.legs[0], info="edited elsewhere")  # count and ids unchanged
    now[0] += window_cache.SECONDS + 1
    assert info() == "edited elsewhere"


def test_too_many_legs_is_known_from_the_count_alone(settings):
    settings.CALLS_MAX_LEGS = 2
    legs = Legs([call(1, 0), call(2, 5), call(3, 10)])
    with pytest.raises(call_window.TooManyLegs):
        ids(legs)
    assert len(legs.asked) == 1


def test_background_jobs_read_afresh():
    legs = Legs([call(1, 0)])
    call_window.matching_calls(legs, query(), limited=False)
    call_window.matching_calls(legs, query(), limited=False)
    assert not window_cache._windows

"""The missed-call matching rules (voiphistory.overview.followup), on the tricky cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from voiphistory.overview.followup import Call, Direction, Status, follow_ups, normalise_number

T0 = datetime(2026, 3, 2, 23, 50, tzinfo=UTC)
NUMBER = "447700900123"


def miss(at=T0, number=NUMBER, id=1) -> Call:
    return Call(id, at, Direction.IN, number, answered=False, user_id=201001)


def out(minutes: float, number=NUMBER, id=100, user_id=201005, answered=True) -> Call:
    return Call(id, T0 + timedelta(minutes=minutes), Direction.OUT, number, answered, user_id)


def inbound(minutes: float, number=NUMBER, id=200, answered=True) -> Call:
    return Call(id, T0 + timedelta(minutes=minutes), Direction.IN, number, answered)


@pytest.mark.parametrize(
    "written",
    [
        "447700900123",
        "+447700900123",
        "+44 7700 900123",
        "0044 7700 900123",
        "07700 900123",
        "07700-900-123",
        "+44 (0)7700 900123",
        "(07700) 900123",
    ],
)
def test_every_usual_way_of_writing_a_uk_number_becomes_the_apis_e164_digits(written):
    assert normalise_number(written) == "447700900123"


def test_a_national_number_takes_the_given_country():
    assert normalise_number("(212) 555-0101", region="US") == "12125550101"
    assert normalise_number("01 23 45 67 89", region="FR") == "33123456789"
    assert normalise_number("12125550101") == "12125550101"  # already E.164 digits: left alone


@pytest.mark.parametrize("written", [None, "", "anonymous", "10002", "Queue12443", "+44", "0800"])
def test_extensions_names_and_short_codes_match_nothing(written):
    assert normalise_number(written) == ""


def test_a_callback_by_another_user_counts_and_says_how_long_after():
    [result] = follow_ups([miss()], [miss(), out(42, user_id=201009)])
    assert result.status is Status.CALLED_BACK
    assert result.delay == timedelta(minutes=42) and result.delay_seconds == 42 * 60
    assert result.by.user_id == 201009 != result.missed.user_id


def test_a_callback_after_midnight_the_next_day_counts():
    [result] = follow_ups([miss()], [out(11 * 60)])  # 23:50 → 10:50 the next morning
    assert result.status is Status.CALLED_BACK and result.by.at.date() > result.missed.at.date()


def test_a_call_to_the_number_before_the_miss_does_not_count():
    [result] = follow_ups([miss()], [out(-5), out(0, id=101)])  # before, and at the very same second
    assert result.status is Status.NOT_RETURNED and result.by is None and result.delay is None


def test_the_first_callback_after_the_miss_is_the_one_reported():
    [result] = follow_ups([miss()], [out(90, id=102), out(-30, id=101), out(20, id=103)])
    assert result.by.id == 103


def test_a_callback_to_another_number_does_not_count():
    [result] = follow_ups([miss()], [out(10, number="447700900999")])
    assert result.status is Status.NOT_RETURNED


def test_the_caller_trying_again_is_reported_when_nobody_called_back():
    [result] = follow_ups([miss()], [miss(), inbound(-60, id=199), inbound(15, id=201, answered=False)])
    assert result.status is Status.CALLED_AGAIN and result.by.id == 201 and not result.by.answered


def test_a_callback_wins_over_the_caller_trying_again():
    [result] = follow_ups([miss()], [inbound(5), out(30)])
    assert result.status is Status.CALLED_BACK


def test_each_of_two_misses_is_matched_on_its_own():
    first, second = miss(id=1), miss(T0 + timedelta(minutes=10), id=2)
    results = follow_ups([second, first], [first, second, out(30)])
    assert [r.missed.id for r in results] == [1, 2]  # oldest first
    assert [r.status for r in results] == [Status.CALLED_BACK, Status.CALLED_BACK]
    # the second miss is also the first one's "called again", but the callback wins
    assert [r.delay for r in results] == [timedelta(minutes=30), timedelta(minutes=20)]


def test_the_second_miss_counts_as_calling_again_for_the_first():
    first, second = miss(id=1), miss(T0 + timedelta(minutes=10), id=2)
    results = follow_ups([first, second], [first, second])
    assert [r.status for r in results] == [Status.CALLED_AGAIN, Status.NOT_RETURNED]


def test_a_miss_without_a_usable_number_is_never_returned():
    [result] = follow_ups([miss(number="")], [out(5, number="")])
    assert result.status is Status.NOT_RETURNED

"""Calls and Call tracking list calls, not legs (history.calls): page and fragment, the legs
expander, the legs toggle, filters on whole calls, an hour-precise range, against the emulator.

The emulator marks each call's first leg ``is_root`` (the live API may not: the dashboard never
needs it), so the API's count of first legs is an independent count of calls here."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.history.test_tables import HTMX, api_total

FMT = "%Y-%m-%d %H:%M:%S"


def yesterday_bounds() -> tuple[str, str]:
    day = timezone.localdate() - timedelta(days=1)  # the session's zone is UTC
    start = datetime.combine(day, time.min, UTC)
    return start.strftime(FMT), (start + timedelta(days=1)).strftime(FMT)


def caption_total(html: str) -> int:
    found = re.search(r"<caption>[\d,]+–[\d,]+ of ([\d,]+) ", html)
    return int(found.group(1).replace(",", "")) if found else 0


def call_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tbody id="call-(\d+)"', html)]


def test_calls_are_listed_one_row_per_call_as_a_page_and_as_a_fragment(supervisor, dashboard):
    start, end = yesterday_bounds()
    calls = api_total(
        dashboard, "/cdrs", ("is_root", "eq", True), ("calldate", "gte", start), ("calldate", "lt", end)
    )
    legs = api_total(dashboard, "/cdrs", ("calldate", "gte", start), ("calldate", "lt", end))
    assert legs > calls > 25
    page = supervisor.get("/calls/", {"preset": "yesterday"}).content.decode()
    fragment = supervisor.get("/calls/", {"preset": "yesterday"}, **HTMX).content.decode()
    for html in (page, fragment):
        assert caption_total(html) == calls and f"of {calls} calls</caption>" in html
        ids = call_ids(html)
        assert len(ids) == 25 == len(set(ids))
    assert "<html" in page and "<html" not in fragment
    assert all(
        dashboard.get(f"/cdrs/{id}").json()["data"]["is_root"] for id in call_ids(page)[:5]
    )  # first legs


def test_missed_calls_count_calls_not_legs(supervisor, dashboard):
    start, end = yesterday_bounds()
    window = (("calldate", "gte", start), ("calldate", "lt", end))
    missed_roots = api_total(dashboard, "/cdrs", ("is_root", "eq", True), ("type", "eq", "M"), *window)
    internal = api_total(
        dashboard,
        "/cdrs",
        ("is_root", "eq", True),
        ("type", "eq", "M"),
        ("context", "eq", "USER_LOCAL"),
        *window,
    )  # an unanswered internal call is an outbound call not answered
    missed_legs = api_total(dashboard, "/cdrs", ("type", "eq", "M"), *window)
    html = supervisor.get(
        "/calls/", {"preset": "yesterday", "call_type": "M", "size": 100}, **HTMX
    ).content.decode()
    assert caption_total(html) == missed_roots - internal < missed_legs
    words = re.findall(r'<span class="badge missed">([^<]+)</span></td>\s*<td class="num">', html)
    assert words and all(
        w.startswith(("Missed", "Abandoned in the", "Hung up in the menu", "Busy")) for w in words
    )


def test_each_call_expands_to_its_legs_in_order_without_javascript(supervisor, dashboard):
    html = supervisor.get("/calls/", {"preset": "yesterday", "size": 100}, **HTMX).content.decode()
    block = next(b for b in re.split(r'(?=<tbody id="call-)', html)[1:] if "<details" in b)
    call_id = int(re.match(r'<tbody id="call-(\d+)"', block).group(1))
    shown = [int(n) for n in re.findall(r'<tr data-leg="(\d+)">', block)]
    root = dashboard.get(f"/cdrs/{call_id}").json()["data"]
    legs = dashboard.get(
        "/cdrs",
        limit=100,
        sort="calldate",
        dir="ASC",
        filter=json.dumps([{"property": "root_live_id", "operator": "eq", "value": root["root_live_id"]}]),
    ).json()["data"]
    assert (
        len(shown) == len(legs) > 1
        and shown[0] == call_id
        and sorted(shown) == sorted(leg["id"] for leg in legs)
    )
    position = {leg["live_id"]: shown.index(leg["id"]) for leg in legs}
    assert all(
        position[leg["parent_live_id"]] < shown.index(leg["id"]) for leg in legs if leg["parent_live_id"]
    )
    assert re.search(r'<details class="call-legs">\s*<summary>\d+ legs', block)  # native: opens without JS


def test_the_legs_toggle_shows_every_leg_and_every_link_keeps_it(supervisor, dashboard):
    start, end = yesterday_bounds()
    legs = api_total(dashboard, "/cdrs", ("calldate", "gte", start), ("calldate", "lt", end))
    html = supervisor.get("/calls/", {"preset": "yesterday", "legs": "1"}, **HTMX).content.decode()
    assert caption_total(html) == legs and f"of {legs} call legs" in html and '<tbody id="call-' not in html
    links = re.findall(r'href="(\?[^"]+)"', html)
    assert links and all("legs=1" in link for link in links)
    page = supervisor.get("/calls/", {"preset": "yesterday", "legs": "1"}).content.decode()
    assert re.search(r'<input type="checkbox" name="legs" value="1"[^>]*checked', page)


def test_an_hour_precise_range_lists_the_calls_begun_in_that_hour(supervisor, dashboard):
    day = timezone.localdate() - timedelta(days=1)
    start = datetime.combine(day, time(10), UTC)
    roots = api_total(
        dashboard,
        "/cdrs",
        ("is_root", "eq", True),
        ("calldate", "gte", start.strftime(FMT)),
        ("calldate", "lt", (start + timedelta(hours=1)).strftime(FMT)),
    )
    query = {
        "preset": "custom",
        "start": day.isoformat(),
        "end": day.isoformat(),
        "from_time": f"{day}T10:00",
        "to_time": f"{day}T11:00",
        "size": 100,
    }
    html = supervisor.get("/calls/", query, **HTMX).content.decode()
    assert roots > 0 and caption_total(html) == roots
    page = supervisor.get("/calls/", query).content.decode()
    assert 'name="from_time"' in page and "whole days" in page  # kept by the filter form, removable


def test_an_end_time_before_the_start_is_a_form_error(supervisor):
    html = supervisor.get(
        "/calls/", {"from_time": "2026-11-30T10:00", "to_time": "2026-11-30T09:00"}, **HTMX
    ).content.decode()
    assert "The end time must be after the start time." in html and "Nothing was looked up" in html


def test_duration_filters_whole_calls(supervisor, dashboard):
    start, end = yesterday_bounds()
    # The emulator's first leg lasts the whole call; the dashboard measures first leg start to last leg end.
    long = api_total(
        dashboard,
        "/cdrs",
        ("is_root", "eq", True),
        ("duration", "gte", 300),
        ("calldate", "gte", start),
        ("calldate", "lt", end),
    )
    html = supervisor.get("/calls/", {"preset": "yesterday", "min_duration": 300}, **HTMX).content.decode()
    assert long > 0 and caption_total(html) == long


def test_a_period_too_big_to_group_shows_legs_and_says_why(supervisor, dashboard, settings):
    settings.CALLS_MAX_LEGS = 1000
    html = supervisor.get("/calls/", **HTMX).content.decode()
    total = dashboard.get("/cdrs", limit=1).json()["total"]
    assert f"of {total:,} call legs" in html and "too many to group into calls" in html


@pytest.mark.parametrize("slug", ["calls", "call-tracking"])
def test_call_tracking_lists_calls_too(supervisor, slug):
    html = supervisor.get(f"/{slug}/", {"preset": "7d"}, **HTMX).content.decode()
    assert call_ids(html) and "Answered by " in html


def test_the_number_timeline_shows_each_call_once_with_how_it_ended(supervisor, dashboard):
    flt = json.dumps([{"property": "context", "operator": "eq", "value": "QUEUE"}])
    number = dashboard.get("/cdrs", limit=1, filter=flt).json()["data"][0]["src"]
    legs = dashboard.get(
        "/cdrs", limit=100, filter=json.dumps([{"property": "src", "operator": "eq", "value": number}])
    ).json()
    roots = [leg for leg in legs["data"] if leg["is_root"]]
    assert legs["total"] <= 100 and len(legs["data"]) > len(
        roots
    )  # the whole history, in several legs a call
    body = supervisor.get(f"/numbers/{number}/").content.decode()
    entries = re.findall(r'data-kind="calls">(.*?)</li>', body, re.S)
    calls_in = [e for e in entries if "Call in" in e]
    assert len(calls_in) == len(roots)
    assert all(
        re.search(r"Answered by|Went to voicemail|Abandoned in the|Hung up in the menu|Missed|Busy", e)
        for e in calls_in
    )
    assert any(" legs" in e for e in calls_in)

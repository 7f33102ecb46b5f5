"""The missed-call follow-up list: which missed calls nobody returned, against the live emulator."""

from __future__ import annotations

import json
import re

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_not_returned_lists_misses_with_no_later_call_to_or_from_the_number(supervisor, eager, dashboard):
    overview = supervisor.get("/overview/?period=7d").content.decode()
    count = int(
        re.search(
            r'<span class="figure">([\d,]+)</span><span class="what">missed calls not returned', overview
        )
        .group(1)
        .replace(",", "")
    )
    assert 'href="/overview/missed/?period=7d&amp;status=not_returned"' in overview
    body = supervisor.get("/overview/missed/", {"period": "7d", "status": "not_returned"}).content.decode()
    assert count > 0 and f"of {count:,} missed calls" in body
    first = re.search(r'<time datetime="([^"]+)">.*?<a href="/numbers/(\d+)/">', body, re.S)
    missed_at, number = first.group(1), first.group(2)
    assert "Not returned" in body and "Called back" not in body.split("<tbody>", 1)[1]
    later = json.dumps(
        [
            {"property": "dst", "operator": "eq", "value": number},
            {"property": "type", "operator": "eq", "value": "O"},
        ]
    )
    callbacks = dashboard.get("/cdrs", limit=100, filter=later).json()["data"]
    assert all(
        call["calldate"].replace(" ", "T") < missed_at[:19] for call in callbacks
    )  # none after the miss


def test_called_back_shows_who_and_how_long_after(supervisor, eager):
    body = supervisor.get("/overview/missed/", {"period": "30d", "status": "called_back"}).content.decode()
    row = body.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert (
        "Called back" in row
        and re.search(r'<td class="num">\d+:\d\d:\d\d</td>', row)
        and "Callback</a>" in row
    )


def test_the_filter_answers_a_fragment_that_stops_polling(supervisor, eager):
    response = supervisor.get("/overview/missed/", {"period": "7d", "status": "called_again"}, **HTMX)
    body = response.content.decode()
    assert (
        response.status_code == 286
        and body.lstrip().startswith('<div id="follow-ups"')
        and "<html" not in body
    )


def test_while_computing_the_list_polls(supervisor, queued):
    body = supervisor.get("/overview/missed/", {"period": "30d"}).content.decode()
    assert "Computing" in body and 'hx-trigger="every 2s"' in body

"""One number's timeline, and the links to it from every table's numbers."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime

import pytest
from django.template import Context, Template

from voiphistory.history.catalog import section
from voiphistory.voipstudio import Cdr


def busy_number(emulator) -> str:
    """A customer who left voicemail: they have calls, voicemail and probably more."""
    return emulator.get("/voicemessages", limit=1, sort="origtime", dir="DESC").json()["data"][0]["caller"]


def test_a_numbers_page_lists_its_calls_voicemail_recordings_and_sms_newest_first(supervisor, dashboard):
    number = busy_number(dashboard)
    response = supervisor.get(f"/numbers/{number}/")
    body = response.content.decode()
    assert response.status_code == 200
    kinds = re.findall(r'data-kind="(\w+)"', body)
    assert {"calls", "voicemail"} <= set(kinds)
    times = re.findall(r'<li class="entry[^"]*" data-kind="\w+">\s*<time datetime="([^"]+)"', body)
    assert times == sorted(times, reverse=True)
    sms = dashboard.get(
        "/sms", limit=1, filter=json.dumps([{"property": "from", "operator": "eq", "value": number}])
    )
    if sms.status_code == 404:  # the reference profile has no GET /sms: the timeline cannot list any
        assert dashboard.profile == "reference" and "sms" not in kinds
    elif sms.json()["total"]:
        assert "sms" in kinds
    flt = json.dumps(
        [
            {"property": "src", "operator": "eq", "value": number},
            {"property": "is_root", "operator": "eq", "value": True},
        ]
    )
    first_legs = dashboard.get("/cdrs", limit=1, filter=flt).json()["total"]
    assert kinds.count("calls") >= min(first_legs, 100)  # each inbound call once, not once per leg


def test_unknown_and_malformed_numbers(supervisor):
    assert supervisor.get("/numbers/447700000000/").status_code == 200
    assert "nothing for this number" in supervisor.get("/numbers/447700000000/").content.decode()
    assert supervisor.get("/numbers/44abc/").status_code == 404
    assert supervisor.get("/numbers/%2B44/").status_code == 404


def test_numbers_in_the_calls_table_link_to_their_timeline(supervisor):
    body = supervisor.get("/calls/", {"size": 50}, HTTP_HX_REQUEST="true").content.decode()
    links = re.findall(r'<a href="/numbers/(\d+)/" class="number">([^<]+)</a>', body)
    assert links and all(number.isdigit() and len(number) >= 7 for number, _ in links)
    assert any(shown.startswith("+") for _, shown in links)  # the number is still shown formatted


@pytest.mark.django_db
def test_extensions_stay_plain_text_and_the_cell_is_cheap():
    to = section("calls").columns[3]
    internal = Cdr(id=1, calldate=datetime(2026, 1, 1, tzinfo=UTC), dst="10002", dst_name="Ann Agent")
    template = Template("{% load history_format %}{% table_cell item column None %}")
    html = template.render(Context({"item": internal, "column": to}))
    assert "<a" not in html and "10002" in html
    outside = Cdr(id=2, calldate=internal.calldate, dst="447700900123", dst_name='<b>"Eve"</b>')
    started = time.perf_counter()
    for _ in range(1000):
        html = template.render(Context({"item": outside, "column": to}))
    assert '<a href="/numbers/447700900123/" class="number">+44 7700 900123</a>' in html and "<b>" not in html
    assert time.perf_counter() - started < 1.0  # 1,000 cells: the link costs no reverse() per cell

"""Issue 14.1: a page's independent upstream reads go side by side, in as few dependent waves as the
data allows, and the request log and Server-Timing count every one of them, whichever thread sent it.

Waves are counted from evidence of order, not from how long a page took: every request the
dashboard sends is logged with when it left and when its answer came, and the emulator holds every
answer back ``LATENCY_MS``, so requests sent side by side overlap and requests that waited for an
answer do not. The longest chain of requests each sent after the one before was answered is the
page's dependent round trips.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import requests

from voiphistory.voipstudio.transport import BudgetedAdapter

#: Held back on every answer: far longer than a thread takes to start, so a wave's requests overlap.
LATENCY_MS = 400
#: Counts every request the emulator receives (the rule only counts: no delay, no error).
COUNTED = 1_000_000


@dataclass(frozen=True)
class Sent:
    path: str
    started: float
    answered: float


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[Sent]:
    """Every request the dashboard sends to VoIPstudio, from any thread, with its times."""
    log: list[Sent] = []
    lock = threading.Lock()
    original = BudgetedAdapter.send

    def send(self, request, *args, **kwargs):
        started = time.monotonic()
        try:
            return original(self, request, *args, **kwargs)
        finally:
            with lock:
                log.append(
                    Sent(urlsplit(request.url).path.split("/voipstudio", 1)[1], started, time.monotonic())
                )

    monkeypatch.setattr(BudgetedAdapter, "send", send)
    return log


def longest_chain(log: list[Sent]) -> int:
    """The most requests of which each was sent after the one before it had been answered."""
    ordered = sorted(log, key=lambda s: s.answered)
    depth: list[int] = []
    for index, request in enumerate(ordered):
        depth.append(
            1 + max((depth[i] for i in range(index) if ordered[i].answered <= request.started), default=0)
        )
    return max(depth, default=0)


def most_in_flight(log: list[Sent]) -> int:
    return max(
        sum(1 for other in log if other.started <= request.started < other.answered) for request in log
    )


def _eq(name: str, value: object) -> str:
    return json.dumps([{"property": name, "operator": "eq", "value": value}])


@pytest.fixture
def four_leg_voicemail_call(emulator) -> list[dict]:
    """The legs of a call of four legs that ended in voicemail, the first leg first."""
    for leg in emulator.get("/cdrs", filter=_eq("disposition", "VM"), limit=200).json()["data"]:
        legs = emulator.get("/cdrs", filter=_eq("root_live_id", leg["root_live_id"]), limit=100).json()
        if legs["total"] == 4:
            return sorted(legs["data"], key=lambda leg: leg["live_id"] != leg["root_live_id"])
    raise AssertionError("the demo data has no four-leg call that ended in voicemail")


def _slow_visit(supervisor, emulator, sent: list[Sent], url: str):
    supervisor.get(url)  # user names and code labels cached per customer, as in use
    emulator.add_fault(latency_ms=LATENCY_MS)
    sent.clear()
    response = supervisor.get(url)
    assert response.status_code == 200
    return response


def test_call_detail_of_a_four_leg_voicemail_call_is_three_dependent_round_trips(
    supervisor, emulator, sent, four_leg_voicemail_call
):
    first, *_, last = four_leg_voicemail_call
    _slow_visit(supervisor, emulator, sent, f"/calls/{last['id']}/")
    paths = sorted(s.path for s in sent)
    voicemail_legs = sum(1 for leg in four_leg_voicemail_call if leg["disposition"] == "VM")
    # The leg, the call's legs, notes on it and on the first leg, recordings, voicemail per leg, the capture.
    assert paths.count(f"/cdrs/{last['id']}") == 1 and paths.count("/cdrs") == 1
    assert {f"/cdrs/{last['id']}/notes", f"/cdrs/{first['id']}/notes"} <= set(paths)
    assert paths.count("/voicemessages") == voicemail_legs and "/monitors" in paths
    assert f"/cdrs/{last['id']}.pcap" in paths
    assert len(sent) >= 6 + voicemail_legs
    assert longest_chain(sent) <= 3, sorted((s.started, s.path) for s in sent)
    assert (
        most_in_flight(sent) >= 1 + voicemail_legs
    )  # the last wave: the first leg's notes and the voicemail


def test_chat_detail_is_one_round_trip(supervisor, emulator, sent):
    chat = emulator.get("/chats", limit=1).json()["data"][0]
    _slow_visit(supervisor, emulator, sent, f"/chats/{chat['id']}/")
    paths = {s.path for s in sent}
    assert f"/chats/{chat['id']}" in paths and paths <= {f"/chats/{chat['id']}", "/chatmsgs"}
    assert longest_chain(sent) == 1
    if "/chatmsgs" in paths:  # the reference dialect has none: refused once, remembered, not asked again
        assert most_in_flight(sent) == 2


def test_number_timeline_is_two_round_trips(supervisor, emulator, sent):
    number = emulator.get("/cdrs", limit=1, filter=_eq("type", "I")).json()["data"][0]["src"]
    _slow_visit(supervisor, emulator, sent, f"/numbers/{number}/")
    assert (
        len(sent) >= 5
    )  # calls from and to, recordings from and to, voicemail (and texts where GET /sms is)
    assert most_in_flight(sent) >= 5
    assert longest_chain(sent) <= 2
    if "/chats" in {s.path for s in sent}:  # the number's calls named someone: their chats, last
        [chats] = [s for s in sent if s.path == "/chats"]
        assert all(s.answered <= chats.started for s in sent if s is not chats)


def _counted_by_emulator(emulator) -> int:
    [rule] = requests.get(f"{emulator.root_url}/_emulator/faults", timeout=10).json()["data"]
    return COUNTED - rule["remaining"]


def _logged_requests(caplog) -> int:
    [line] = [r.getMessage() for r in caplog.records if r.name == "voiphistory.request"]
    return int(re.search(r"upstream_requests=(\d+)", line).group(1))


@pytest.mark.parametrize("page", ["timeline", "call detail"])
def test_request_log_and_server_timing_count_every_request_the_emulator_received(
    supervisor, emulator, settings, caplog, four_leg_voicemail_call, page
):
    settings.DEBUG = True
    number = emulator.get("/cdrs", limit=1, filter=_eq("type", "I")).json()["data"][0]["src"]
    url = f"/numbers/{number}/" if page == "timeline" else f"/calls/{four_leg_voicemail_call[-1]['id']}/"
    emulator.add_fault(remaining=COUNTED)  # counts, nothing else
    with caplog.at_level(logging.INFO, logger="voiphistory.request"):
        response = supervisor.get(url)
    assert response.status_code == 200
    received = _counted_by_emulator(emulator)
    assert received >= (5 if page == "timeline" else 9)  # many, from several threads
    assert _logged_requests(caplog) == received
    assert f'desc="VoIPstudio, {received} requests"' in response.headers["Server-Timing"]


def test_an_expired_sign_in_met_by_a_read_sent_alongside_goes_to_sign_in(
    supervisor, emulator, four_leg_voicemail_call
):
    emulator.add_fault(path="^/voicemessages$", status=401)
    response = supervisor.get(f"/calls/{four_leg_voicemail_call[-1]['id']}/")
    assert response.status_code == 302 and response.url.startswith("/sign-in/")


def test_a_read_sent_alongside_that_fails_fails_the_call_as_one_after_another_did(
    supervisor, emulator, four_leg_voicemail_call
):
    emulator.add_fault(path="^/voicemessages$", status=503)
    response = supervisor.get(f"/calls/{four_leg_voicemail_call[-1]['id']}/")
    assert response.status_code == 502 and "VoIPstudio could not answer" in response.content.decode()


def test_call_detail_asks_the_code_labels_at_most_once_per_customer(
    supervisor, emulator, four_leg_voicemail_call
):
    emulator.add_fault(
        path="^/cdrs/dictionaries$", method="GET", remaining=COUNTED
    )  # counts; answers as usual
    for _ in range(2):
        assert supervisor.get(f"/calls/{four_leg_voicemail_call[-1]['id']}/").status_code == 200
    assert _counted_by_emulator(emulator) <= 1

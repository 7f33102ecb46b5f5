"""Fault injection switched on at run time: status, Retry-After, counts, latency, bad bodies."""

from __future__ import annotations

import time

import pytest
import requests


def test_forced_status_with_retry_after_for_one_path_only(emulator):
    emulator.add_fault(path="^/cdrs$", status=503, retry_after=7)
    response = emulator.get("/cdrs")
    assert response.status_code == 503 and response.headers["Retry-After"] == "7"
    assert response.json()["message"]
    assert emulator.get("/monitors").status_code == 200


def test_a_counted_fault_retires_itself(emulator):
    emulator.add_fault(path="^/chats", status=429, remaining=2)
    assert [emulator.get("/chats").status_code for _ in range(3)] == [429, 429, 200]


def test_method_filter_and_error_rate(emulator):
    emulator.add_fault(method="PATCH", status=500)
    assert emulator.get("/cdrs", limit=1).status_code == 200
    emulator.clear_faults()
    emulator.add_fault(path="^/sms", status=502, rate=0.5)
    statuses = [emulator.get("/sms", limit=1).status_code for _ in range(60)]
    assert 10 < statuses.count(502) < 50 and statuses.count(200) + statuses.count(502) == 60


def test_added_latency(emulator):
    emulator.add_fault(path="^/ping", latency_ms=600)
    started = time.monotonic()
    assert emulator.get("/ping").status_code == 200
    assert time.monotonic() - started >= 0.6


def test_malformed_json(emulator):
    emulator.add_fault(path="^/cdrs$", malformed=True)
    response = emulator.get("/cdrs")
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


def test_a_file_cut_off_mid_stream(emulator):
    monitor = emulator.get("/monitors", limit=1, sort="duration", dir="DESC").json()["data"][0]
    emulator.add_fault(path=r"\.mp3$", truncate_bytes=10000)
    response = requests.get(
        f"{emulator.api_url}/monitors/{monitor['id']}.mp3",
        headers={"X-Auth-Token": emulator.token()},
        stream=True,
        timeout=10,
    )
    assert int(response.headers["Content-Length"]) == monitor["size"]
    with pytest.raises(requests.exceptions.RequestException):
        b"".join(response.iter_content(4096))


def test_bad_rules_are_refused(emulator):
    response = requests.post(
        f"{emulator.root_url}/_emulator/faults", json={"path": "(", "status": 500}, timeout=10
    )
    assert response.status_code == 400
    assert requests.get(f"{emulator.root_url}/_emulator/faults", timeout=10).json()["data"] == []

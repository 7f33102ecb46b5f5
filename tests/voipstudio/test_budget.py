"""One page, one time budget: retries never wait past the page's deadline, timeouts are cut to
what is left, and once it is spent nothing more is sent. Outside a budget (Celery) nothing changes."""

from __future__ import annotations

import time

import pytest
import requests

from tests.voipstudio.http_doubles import OK_CDR, TOKEN, js, server  # noqa: F401 - server is a fixture
from voiphistory.voipstudio import Unavailable, VoipstudioClient, budget


class FakeClock:
    """Time that moves only when urllib3 sleeps between retries."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(budget, "clock", fake)
    monkeypatch.setattr(time, "sleep", fake.sleep)
    return fake


UNAVAILABLE = js(503, {"message": "Down for maintenance"}, **{"Retry-After": "5"})


def test_within_a_budget_a_retry_that_would_pass_the_deadline_is_not_made(server, clock):
    server.script = [UNAVAILABLE] * 4 + [OK_CDR]
    with budget.time_budget(6), pytest.raises(Unavailable) as excinfo:
        VoipstudioClient(server.url, TOKEN).cdrs.get(1)
    assert excinfo.value.message == "Down for maintenance" and excinfo.value.retry_after == 5
    assert len(server.requests) == 2 and clock.sleeps == [5]  # the second wait would end past 6 s


def test_outside_a_budget_every_retry_is_made(server, clock):
    server.script = [UNAVAILABLE] * 3 + [OK_CDR]
    assert VoipstudioClient(server.url, TOKEN).cdrs.get(1).id == 2147483649
    assert len(server.requests) == 4 and clock.sleeps == [5, 5, 5]


def test_the_retries_of_several_requests_share_one_deadline(server, clock):
    server.script = [UNAVAILABLE, OK_CDR, UNAVAILABLE, OK_CDR]
    client = VoipstudioClient(server.url, TOKEN)
    with budget.time_budget(8):
        client.cdrs.get(1)  # one retry: 5 s of the 8 are gone
        with pytest.raises(Unavailable):
            client.cdrs.get(1)  # another 5 s wait would pass the deadline
    assert len(server.requests) == 3 and clock.sleeps == [5]


def test_once_the_budget_is_spent_nothing_is_sent(server, clock):
    server.script = [OK_CDR]
    with budget.time_budget(1):
        clock.now += 2
        with pytest.raises(Unavailable, match="answering too slowly"):
            VoipstudioClient(server.url, TOKEN).cdrs.get(1)
    assert server.requests == []


def test_timeouts_are_cut_to_what_is_left(monkeypatch, clock):
    sent: list[object] = []

    def record(self, request, stream=False, timeout=None, **kwargs):
        sent.append(timeout)
        raise requests.ConnectionError("not sent")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", record)
    client = VoipstudioClient("http://127.0.0.1:9/v1", TOKEN, retries=0, connect_timeout=3, read_timeout=20)
    with budget.time_budget(2.5), pytest.raises(Unavailable):
        client.cdrs.get(1)
    with pytest.raises(Unavailable):
        client.cdrs.get(1)
    assert sent == [(2.5, 2.5), (3, 20)]


def test_a_table_under_503_with_retry_after_answers_within_its_budget(supervisor, dashboard, settings):
    """The whole stack: a page's budget makes one retry where the client alone would make three."""
    settings.UPSTREAM_BUDGET_SECONDS = 1.5
    dashboard.add_fault(path="^/cdrs$", method="GET", status=503, retry_after=1, remaining=10)
    response = supervisor.get("/calls/")
    assert response.status_code == 200
    assert "VoIPstudio is not answering right now" in response.content.decode()
    [rule] = requests.get(f"{dashboard.root_url}/_emulator/faults", timeout=10).json()["data"]
    assert 10 - rule["remaining"] == 2  # the first answer and one retry


def test_a_task_run_inside_a_page_has_no_budget(clock):
    """Celery runs a task eagerly inside the request in tests and the demo: it is not the page's."""
    from voiphistory.celery import app

    @app.task(name="tests.budget_seen")
    def budget_seen():
        return budget.remaining()

    with budget.time_budget(6):
        assert budget_seen.apply().get() is None
        assert budget.remaining() == 6

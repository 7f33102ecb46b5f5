"""``/health/``: 200 with every part up; 503 naming the part when the database, Redis, the Celery
worker or VoIPstudio is down; a burst of requests runs one round of checks. Redis, the worker and
the emulator are real processes here."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from celery import Celery
from django.db import OperationalError

import devstack
from tests.conftest import free_port
from voiphistory.ops import checks

HEALTH = "/health/"


@pytest.fixture(autouse=True)
def fresh_checks(settings):
    """Each test sees its own setup: no result kept from an earlier test, none kept between requests
    unless the test asks for it."""
    settings.HEALTH_CACHE_SECONDS = 0
    checks._results.clear()
    yield
    checks._results.clear()


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory):
    url = f"redis://127.0.0.1:{free_port()}/0"
    service = devstack.start_redis(url, tmp_path_factory.mktemp("redis"))
    yield url
    if service is not None:
        service.stop()


@pytest.fixture(scope="module")
def worker(redis_url: str, tmp_path_factory: pytest.TempPathFactory):
    env = dict(devstack.os.environ, REDIS_URL=redis_url)
    log: Path = tmp_path_factory.mktemp("worker") / "worker.log"
    service = devstack.start_worker(env, log, concurrency=1)
    app = Celery("test", broker=redis_url, set_as_current=False)
    try:
        for _ in range(60):  # Celery and Django start in a few seconds
            if app.control.ping(timeout=1.0):
                break
        else:
            service.stop()
            pytest.fail(f"the test worker did not start: {log.read_text()[-2000:]}")
    finally:
        app.close()
    yield service
    service.stop()


@pytest.fixture
def all_up(settings, dashboard, redis_url, worker, db):
    settings.REDIS_URL = redis_url
    return settings


def get_health(client, query: str = ""):
    response = client.get(HEALTH + query)
    return response.status_code, json.loads(response.content)


def test_everything_up_answers_200_without_signing_in(client, all_up):
    status, body = get_health(client)
    assert status == 200
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == {"database", "redis", "worker", "voipstudio"}


def test_database_down_answers_503_naming_it(client, all_up, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(checks, "connection", Unreachable())
    status, body = get_health(client)
    assert status == 503
    assert body["failing"] == ["database"]
    assert "database" in body["checks"]["database"]["error"]


def test_redis_down_answers_503_naming_it_and_the_worker(client, all_up):
    all_up.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    status, body = get_health(client)
    assert status == 503
    assert body["failing"] == ["redis", "worker"]


def test_no_worker_answers_503_naming_it(client, dashboard, redis_url, settings, db, tmp_path):
    # A Redis of its own that no worker listens to.
    url = f"redis://127.0.0.1:{free_port()}/0"
    lonely = devstack.start_redis(url, tmp_path)
    settings.REDIS_URL = url
    try:
        status, body = get_health(client)
    finally:
        lonely.stop()
    assert status == 503
    assert body["failing"] == ["worker"]
    assert "no Celery worker answered" in body["checks"]["worker"]["error"]


def test_voipstudio_unreachable_answers_503_naming_it(client, all_up):
    all_up.VOIPSTUDIO_BASE_URL = f"http://127.0.0.1:{free_port()}/v1.2/voipstudio"
    status, body = get_health(client)
    assert status == 503
    assert body["failing"] == ["voipstudio"]
    assert "could not connect" in body["checks"]["voipstudio"]["error"]


def test_voipstudio_answering_5xx_counts_as_down(client, all_up, dashboard):
    dashboard.add_fault(path="^/ping$", status=503, remaining=5)
    status, body = get_health(client, "?only=voipstudio")
    assert status == 503 and body["failing"] == ["voipstudio"]


def test_only_checks_the_named_parts(client, all_up):
    all_up.VOIPSTUDIO_BASE_URL = f"http://127.0.0.1:{free_port()}/v1.2/voipstudio"
    status, body = get_health(client, "?only=database,redis")
    assert status == 200 and set(body["checks"]) == {"database", "redis"}
    assert client.get(HEALTH + "?only=disk").status_code == 400


def test_results_are_kept_for_a_while_then_checked_again(client, all_up):
    all_up.HEALTH_CACHE_SECONDS = 3600
    assert get_health(client, "?only=voipstudio")[0] == 200
    all_up.VOIPSTUDIO_BASE_URL = f"http://127.0.0.1:{free_port()}/v1.2/voipstudio"
    status, body = get_health(client, "?only=voipstudio")
    assert status == 200 and body["checks"]["voipstudio"]["age_seconds"] >= 0  # the kept result
    all_up.HEALTH_CACHE_SECONDS = 0
    assert get_health(client, "?only=voipstudio")[0] == 503  # looked again


def test_a_burst_of_requests_runs_each_check_once(all_up, monkeypatch):
    from django.test import Client

    all_up.HEALTH_CACHE_SECONDS = 3600
    calls = []
    released = threading.Event()

    def slow_voipstudio():  # VoIPstudio answering slowly while 16 requests arrive
        calls.append(1)
        released.wait(10)
        return None

    monkeypatch.setitem(checks.CHECKS, "voipstudio", slow_voipstudio)
    statuses = []
    threads = [
        threading.Thread(
            target=lambda: statuses.append(Client().get(HEALTH + "?only=voipstudio").status_code)
        )
        for _ in range(16)
    ]
    for thread in threads:
        thread.start()
    released.set()
    for thread in threads:
        thread.join(30)
    assert statuses == [200] * 16
    assert len(calls) == 1

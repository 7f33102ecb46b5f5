"""Redis down is a degraded dashboard, not a broken one: every page works uncached and says that
background jobs are paused; once Redis answers again, the cache is used again."""

from __future__ import annotations

import pytest
from django.core.cache import cache

import devstack
from tests.conftest import free_port
from voiphistory.ops import cache as resilient

PAUSED = "Background jobs are paused"


def redis_cache_at(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "voiphistory.ops.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }


@pytest.fixture(autouse=True)
def forget_outages():
    resilient._down_until = 0.0
    yield
    resilient._down_until = 0.0


@pytest.fixture
def redis_gone(settings):
    settings.CACHES = redis_cache_at(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    return settings


@pytest.mark.parametrize(
    "path", ["/calls/", "/recordings/", "/voicemail/", "/chats/", "/overview/", "/settings/"]
)
def test_every_page_works_uncached_and_says_jobs_are_paused(supervisor, redis_gone, path):
    response = supervisor.get(path)
    assert response.status_code == 200
    assert PAUSED in response.content.decode()


def test_a_table_fragment_still_has_its_rows(supervisor, redis_gone):
    response = supervisor.get("/calls/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="table"' in response.content.decode()
    assert "<tbody" in response.content.decode()


def test_the_cache_answers_as_a_miss_and_stores_nothing(redis_gone):
    assert cache.get("anything", "default") == "default"
    assert cache.add("lock", 1) is False
    cache.set("figures", [1, 2, 3])
    assert cache.get("figures") is None
    assert cache.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError):
        cache.incr("counter")
    assert resilient.redis_down()


def test_when_redis_answers_again_the_cache_is_used_again(settings, tmp_path, monkeypatch):
    url = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = redis_cache_at(url)
    assert cache.get("k") is None and resilient.redis_down()
    server = devstack.start_redis(url, tmp_path / "redis", tmp_path / "redis.log")
    try:
        monkeypatch.setattr(resilient, "RETRY_SECONDS", 0.0)
        resilient._down_until = 0.0  # the wait after the outage is over
        cache.set("k", "v")
        assert cache.get("k") == "v" and not resilient.redis_down()
    finally:
        if server is not None:
            server.stop()


def test_the_overview_says_it_cannot_be_counted_rather_than_computing_for_ever(supervisor, redis_gone):
    html = supervisor.get("/overview/").content.decode()
    assert "The background worker cannot be reached" in html
    assert "Computing the overview" not in html

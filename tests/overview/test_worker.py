"""The overview computed by a real Celery worker over Redis, shown by polling: the cache is the
only thing web and worker share, so this is where a key or pickling mistake would show."""

from __future__ import annotations

from tests.conftest import SUPERVISOR, sign_in_as
from tests.celery_stack import wait_for

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_worker_computes_the_overview_and_the_poll_then_stops(client, worker, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": worker.redis_url, "KEY_PREFIX": "voiphistory"}}  # fmt: skip
    from voiphistory.celery import app

    # A connection pool made earlier in the session still points at the default broker URL.
    app._pool, app.amqp._producer_pool = None, None
    supervisor = sign_in_as(client, worker.emulator, SUPERVISOR)
    first = supervisor.get("/overview/?period=30d").content.decode()
    assert "Computing the overview" in first or "data as of" in first, first.split("<main", 1)[1]

    def poll():
        response = supervisor.get("/overview/?period=30d", **HTMX)
        return response if response.status_code == 286 else None

    done = wait_for(poll, timeout=120, interval=0.5)
    body = done.content.decode()
    assert "data as of" in body and "<svg" in body and "missed calls not returned" in body
    again = supervisor.get("/overview/?period=30d")  # cached: no new computation, the page opens from Redis
    assert "data as of" in again.content.decode() and "updating in the background" not in again.content.decode()

"""The overview computed by a real Celery worker over Redis, shown by polling: the cache is the
only thing web and worker share, so this is where a key or pickling mistake would show."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from tests.celery_stack import wait_for
from tests.conftest import SUPERVISOR, sign_in_as
from voiphistory.overview import refresh
from voiphistory.overview.stats import period_of

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_worker_computes_the_overview_and_the_poll_then_stops(client, worker, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": worker.redis_url,
            "KEY_PREFIX": "voiphistory",
        }
    }
    from voiphistory.celery import app

    # A connection pool made earlier in the session still points at the default broker URL.
    app._pool, app.amqp._producer_pool = None, None
    supervisor = sign_in_as(client, worker.emulator, SUPERVISOR)
    account = supervisor.session["voipstudio"]["account"]
    period = period_of("30d", zone="UTC", now=timezone.now())
    key = refresh.cache_key(customer_id=account["customer_id"], user_id=account["user_id"], period=period)
    cache.delete_many([key, f"{key}:lock", f"{key}:failure", f"{key}:followups"])  # Redis outlives a test
    first = supervisor.get("/overview/?period=30d").content.decode()
    assert "Computing the overview" in first, first.split("<main", 1)[
        1
    ]  # the page never waits for the worker

    def poll():
        response = supervisor.get("/overview/?period=30d", **HTMX)
        return response if response.status_code == 286 else None

    done = wait_for(poll, timeout=120, interval=0.5)
    body = done.content.decode()
    assert "data as of" in body and "<svg" in body and "missed calls not returned" in body
    again = supervisor.get("/overview/?period=30d")  # cached: no new computation, the page opens from Redis
    assert (
        "data as of" in again.content.decode() and "updating in the background" not in again.content.decode()
    )

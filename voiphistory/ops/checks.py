"""What ``/health/`` checks: each dependency the product needs, with a short timeout each.

Every check returns None when the part is fine, or a short reason (never a URL with a password,
never a token) when it is not. Results are kept for ``HEALTH_CACHE_SECONDS`` in each process and
one request at a time refreshes a check (the others answer with the last result), so a burst of
anonymous health requests costs one round of checks, not one each.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
from celery import Celery
from django.conf import settings
from django.db import DatabaseError, connection

from voiphistory.voipstudio import Unauthorized, VoipstudioClient, VoipstudioError

TIMEOUT_SECONDS = 2.0


def database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return f"{type(exc).__name__}: cannot query the database"
    return None


def redis_server() -> str | None:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
        )
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return f"{type(exc).__name__}: Redis does not answer"
    return None


def worker() -> str | None:
    if redis_server() is not None:
        return "the broker (Redis) does not answer, so no worker can be reached"
    # A throwaway app on settings.REDIS_URL: control messages need nothing of the real one's config.
    app = Celery("health", broker=settings.REDIS_URL, set_as_current=False)
    try:
        replies = app.control.ping(timeout=TIMEOUT_SECONDS, limit=1)  # done at the first reply
    except Exception as exc:  # noqa: BLE001 - kombu raises many kinds; any means "not reachable"
        return f"{type(exc).__name__}: cannot ask the workers"
    finally:
        app.close()
    if not replies:
        return f"no Celery worker answered a ping within {TIMEOUT_SECONDS:g} s"
    return None


def voipstudio() -> str | None:
    """GET /ping without a token: any HTTP answer (401 included) proves the API is reachable."""
    client = VoipstudioClient(
        settings.VOIPSTUDIO_BASE_URL, connect_timeout=TIMEOUT_SECONDS, read_timeout=TIMEOUT_SECONDS, retries=0
    )
    try:
        client.ping()
    except Unauthorized:
        return None
    except VoipstudioError as exc:
        if exc.status is not None and exc.status < 500:
            return None
        return f"{type(exc).__name__}: {exc.message}"
    finally:
        client.session.close()
    return None


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": database,
    "redis": redis_server,
    "worker": worker,
    "voipstudio": voipstudio,
}


@dataclass(frozen=True)
class Result:
    problem: str | None
    checked_at: float  # time.monotonic()


_results: dict[str, Result] = {}
_refreshing = {name: threading.Lock() for name in CHECKS}


def _result(name: str, max_age: float) -> Result:
    last = _results.get(name)
    if last is not None and time.monotonic() - last.checked_at < max_age:
        return last
    lock = _refreshing[name]
    if last is not None and not lock.acquire(blocking=False):
        return last  # another request is refreshing it: answer with what is known
    if last is None:
        lock.acquire()
    try:
        if (
            fresh := _results.get(name)
        ) is not None and fresh is not last:  # refreshed while this request waited
            return fresh
        _results[name] = result = Result(CHECKS[name](), time.monotonic())
        return result
    finally:
        lock.release()


def run(names: list[str], *, max_age: float) -> dict[str, Result]:
    """Each named check's last result, refreshed when it is older than ``max_age`` seconds."""
    return {name: _result(name, max_age) for name in names}

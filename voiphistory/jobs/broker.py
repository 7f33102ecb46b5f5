"""Whether a job can be handed to the workers now, and handing it over.

A job is only worth creating if its message can be published: with Redis down, a job row would sit
"Waiting" with nothing to run it. So starting a job first asks ``paused()`` (the cache's last word
on Redis, then one ping of the broker with a short timeout, remembered for a few seconds so a burst
of starts pays it once), and a publish with ``PUBLISH_OPTIONS`` reports a refused publish instead
of retrying for long.
"""

from __future__ import annotations

import logging
import threading
import time

import redis
from django.conf import settings
from kombu.exceptions import OperationalError

from voiphistory.celery import app
from voiphistory.ops.cache import redis_down

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 0.5
REMEMBER_SECONDS = 3.0
PAUSED_MESSAGE = (
    "Background jobs are paused: the job queue (Redis) cannot be reached, so nothing was started "
    "and nothing was changed. Try again in a few minutes."
)
PUBLISH_ERRORS = (OperationalError, redis.RedisError, OSError)
#: ``apply_async`` options of a job's message: two quick tries, not Celery's default wait (a person
#: is waiting for the page); a refused publish raises one of ``PUBLISH_ERRORS``.
PUBLISH_OPTIONS = {
    "retry": True,
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
}

_lock = threading.Lock()
_checked: tuple[float, bool] = (0.0, False)  # (monotonic time of the last ping, whether it failed)


class JobsPaused(Exception):
    """The broker cannot take the job's message: nothing was created."""

    def __init__(self, message: str = PAUSED_MESSAGE) -> None:
        super().__init__(message)
        self.message = message


def paused() -> bool:
    """True when the broker does not answer. Eager mode (tests, demo) needs no broker."""
    global _checked
    if app.conf.task_always_eager:
        return False
    if redis_down() and app.conf.broker_url == settings.REDIS_URL:
        return True  # the cache shares the broker's Redis and found it gone seconds ago
    at, failed = _checked
    if time.monotonic() - at < REMEMBER_SECONDS:
        return failed
    failed = not _ping(app.conf.broker_url)
    with _lock:
        _checked = (time.monotonic(), failed)
    return failed


def forget() -> None:
    """Ask the broker afresh next time (tests; after an outage the next ping says so anyway)."""
    global _checked
    _checked = (0.0, False)


def _ping(url: str) -> bool:
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return True  # another transport: let the publish say whether it works
    try:
        connection = redis.Redis.from_url(
            url, socket_connect_timeout=CHECK_TIMEOUT_SECONDS, socket_timeout=CHECK_TIMEOUT_SECONDS
        )
        try:
            return bool(connection.ping())
        finally:
            connection.close()
    except (redis.RedisError, OSError) as error:
        logger.warning("jobs: the broker does not answer (%s): starting jobs is paused", type(error).__name__)
        return False

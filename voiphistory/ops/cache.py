"""The cache on Redis, degraded instead of down: when Redis does not answer, every cache call
behaves as a miss (``get`` gives the default, ``set`` and ``add`` store nothing) and pages work
uncached. After a failure Redis is left alone for ``RETRY_SECONDS`` so that a page making many
cache calls pays the connect timeout once, not once per call; ``redis_down()`` says so for the
banner that tells supervisors background jobs are paused.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
_FAILURES = (redis.RedisError, OSError)
_state_lock = threading.Lock()
_down_until = 0.0


def redis_down() -> bool:
    """Whether the last cache call found Redis unreachable (within ``RETRY_SECONDS``)."""
    return time.monotonic() < _down_until


def _mark_down(operation: str, error: BaseException) -> None:
    global _down_until
    with _state_lock:
        was_up = not redis_down()
        _down_until = time.monotonic() + RETRY_SECONDS
    if was_up:  # once per outage, not once per call
        logger.error(
            "cache: Redis is unreachable (%s in %s); working uncached", type(error).__name__, operation
        )


def _mark_up() -> None:
    global _down_until
    if _down_until:
        with _state_lock:
            if _down_until:
                _down_until = 0.0
                logger.warning("cache: Redis answers again")


class ResilientRedisCache(RedisCache):
    def _guarded(self, operation: str, fallback: Callable[[], Any], call: Callable[[], Any]) -> Any:
        if redis_down():
            return fallback()
        try:
            result = call()
        except _FAILURES as error:
            _mark_down(operation, error)
            return fallback()
        _mark_up()
        return result

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guarded(
            "get", lambda: default, lambda: super(ResilientRedisCache, self).get(key, default, version)
        )

    def get_many(self, keys: Any, version: int | None = None) -> dict:
        return self._guarded(
            "get_many", dict, lambda: super(ResilientRedisCache, self).get_many(keys, version)
        )

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guarded(
            "has_key", lambda: False, lambda: super(ResilientRedisCache, self).has_key(key, version)
        )

    def set(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> None:
        self._guarded(
            "set", lambda: None, lambda: super(ResilientRedisCache, self).set(key, value, timeout, version)
        )

    def set_many(self, data: dict, timeout: Any = 300, version: int | None = None) -> list:
        return self._guarded(
            "set_many",
            lambda: list(data),
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
        )

    def add(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> bool:
        return self._guarded(
            "add", lambda: False, lambda: super(ResilientRedisCache, self).add(key, value, timeout, version)
        )

    def touch(self, key: Any, timeout: Any = 300, version: int | None = None) -> bool:
        return self._guarded(
            "touch", lambda: False, lambda: super(ResilientRedisCache, self).touch(key, timeout, version)
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guarded(
            "delete", lambda: False, lambda: super(ResilientRedisCache, self).delete(key, version)
        )

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._guarded(
            "delete_many", lambda: None, lambda: super(ResilientRedisCache, self).delete_many(keys, version)
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        def missing() -> int:
            raise ValueError(f"Key {key!r} not found (the cache is unavailable)")

        return self._guarded(
            "incr", missing, lambda: super(ResilientRedisCache, self).incr(key, delta, version)
        )

    def clear(self) -> None:
        self._guarded("clear", lambda: None, lambda: super(ResilientRedisCache, self).clear())

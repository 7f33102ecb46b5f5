"""A time budget shared by every VoIPstudio request made for one page.

A web request opens one (``UpstreamBudgetMiddleware``); while it is open, retries never wait past
its deadline (a 503 with Retry-After 5 on every GET costs one retry, not three), each request's
timeouts are cut to what is left, and once it is spent no new request is sent. Celery tasks and
scripts open none: a bulk job may take its time.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

import requests

__all__ = ["BudgetSpent", "no_budget", "pool_map", "remaining", "time_budget"]

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("voipstudio_deadline", default=None)
clock = time.monotonic  # tests move a fake clock


class BudgetSpent(requests.exceptions.Timeout):
    """The page's time for VoIPstudio is up: the request was not sent."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    reset = _deadline.set(clock() + seconds)
    try:
        yield
    finally:
        _deadline.reset(reset)


@contextmanager
def no_budget() -> Iterator[None]:
    """Work that is not a page's (a Celery task, even one run eagerly inside a request)."""
    reset = _deadline.set(None)
    try:
        yield
    finally:
        _deadline.reset(reset)


def remaining() -> float | None:
    """Seconds left in the open budget (may be negative), or None when none is open."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - clock()


def pool_map(pool: Executor, fn: Callable, items: Iterable) -> Iterator:
    """``pool.map(fn, items)`` whose calls run under this thread's budget: a pool's threads start
    with empty context variables, so without this the page's concurrent reads had no deadline
    (a number timeline under 503 + Retry-After held its thread 30 s). One context copy per call,
    made here in the calling thread (a context cannot be entered by two threads at once)."""
    items = list(items)
    contexts = [contextvars.copy_context() for _ in items]
    return pool.map(lambda context, item: context.run(fn, item), contexts, items)

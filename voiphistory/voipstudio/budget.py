"""A time budget shared by every VoIPstudio request made for one page.

A web request opens one (``UpstreamBudgetMiddleware``); while it is open, retries never wait past
its deadline (a 503 with Retry-After 5 on every GET costs one retry, not three), each request's
timeouts are cut to what is left, and once it is spent no new request is sent. Celery tasks and
scripts open none: a bulk job may take its time.

A page's independent reads are sent side by side (``PageReads``, ``start``, ``pool_map``): each runs
in a copy of the caller's context variables, so under the page's budget and counted in its request
tally (``timing``), whichever thread sends it.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Self, overload

import requests

from voiphistory.voipstudio.errors import Unauthorized

__all__ = [
    "PAGE_CONCURRENCY",
    "BudgetSpent",
    "PageReads",
    "no_budget",
    "pool_map",
    "remaining",
    "settle",
    "start",
    "time_budget",
]

#: Upstream requests one page sends at once (the shared session pools this many per web thread).
PAGE_CONCURRENCY = 8

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


class PageReads:
    """A page's reads sent side by side on the shared session: ``submit`` starts one now, in a copy
    of the caller's context (its budget, its tally). Leaving the block waits for those still running
    (each bounded by the page's budget), so none outlives the page. Use in one thread only."""

    def __init__(self, max_workers: int = PAGE_CONCURRENCY) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="voipstudio-read")

    def submit[T](self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return self._pool.submit(contextvars.copy_context().run, fn, *args, **kwargs)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._pool.shutdown(wait=True, cancel_futures=error is not None)


def start[T](fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
    """``fn(*args, **kwargs)`` started now in a thread of its own (in a copy of this context), for a
    part of the page read alongside the rest; its ``result()`` waits for it or raises its error."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voipstudio-read")
    try:
        return pool.submit(contextvars.copy_context().run, fn, *args, **kwargs)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its call


@overload
def settle[A, B](futures: tuple[Future[A], Future[B]], /) -> tuple[A, B]: ...
@overload
def settle[T](futures: Iterable[Future[T]], /) -> Sequence[T]: ...
def settle(futures: Iterable[Future[Any]], /) -> Sequence[Any]:
    """The results of reads sent side by side, in order, once all have finished. A failure raises as
    the first failing read of a sequence would (the first in order), except that an expired sign-in
    (``Unauthorized``) raises whichever read met it: the whole page must then sign in again.

    Reads of different types are passed as a pair, ``settle((first, second))``: the pair of results
    keeps each one's type."""
    pending = list(futures)
    wait(pending)
    errors = [error for future in pending if (error := future.exception()) is not None]
    if errors:
        raise next((error for error in errors if isinstance(error, Unauthorized)), errors[0])
    results = [future.result() for future in pending]
    return tuple(results) if isinstance(futures, tuple) else results

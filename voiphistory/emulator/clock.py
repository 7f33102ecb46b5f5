"""The emulator's clock: real time plus an offset that tests move forward, and actions due later.

``POST /_emulator/clock {"advance": seconds}`` makes time pass at once: idle tokens expire and the
delayed whole-collection deletes (views_resources.delete_everything) finish before it answers, so
tests wait for events, not for sleeps. ``GET`` shows the time. The offset lives in the database
(models.ClockOffset), so every worker process reads the same time.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import close_old_connections, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse

from voiphistory.emulator.errors import ApiError, json_response
from voiphistory.emulator.models import ClockOffset

_WAKE_AT_LEAST_EVERY = 1.0  # seconds: an offset moved by another process is seen this late at most
_changed = threading.Condition()
_pending: list[_Due] = []


@dataclass(eq=False)
class _Due:
    due: float
    action: Callable[[], None]
    taken: bool = False
    finished: threading.Event = field(default_factory=threading.Event)


def offset() -> float:
    return ClockOffset.objects.filter(pk=1).values_list("seconds", flat=True).first() or 0.0


def now() -> float:
    """Epoch seconds on the emulator's clock."""
    return time.time() + offset()


def now_text() -> str:
    """The emulator's now as the API writes dates (UTC, ``YYYY-MM-DD HH:MM:SS``)."""
    return datetime.fromtimestamp(now(), UTC).strftime("%Y-%m-%d %H:%M:%S")


def after(delay: float, action: Callable[[], None], *, name: str) -> None:
    """Run ``action`` in a thread once ``delay`` seconds have passed on this clock."""
    job = _Due(now() + delay, action)
    with _changed:
        _pending.append(job)

    def wait() -> None:
        try:
            while (remaining := job.due - now()) > 0:
                with _changed:
                    if job.taken:
                        return
                    _changed.wait(min(remaining, _WAKE_AT_LEAST_EVERY))
            _run(job)
        finally:
            close_old_connections()

    threading.Thread(target=wait, daemon=True, name=name).start()


def _run(job: _Due) -> None:
    with _changed:
        if job.taken:
            return
        job.taken = True
        _pending.remove(job)
    try:
        job.action()
    finally:
        job.finished.set()


def advance(seconds: float) -> float:
    """Move the clock forward; the actions now due (in this process) have finished when it returns."""
    with transaction.atomic():
        ClockOffset.objects.get_or_create(pk=1)
        ClockOffset.objects.filter(pk=1).update(seconds=F("seconds") + seconds)
    current = now()
    with _changed:
        due = [job for job in _pending if job.due <= current]
        _changed.notify_all()
    for job in due:
        _run(job)
        job.finished.wait(30)
    return current


def clock(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            seconds = json.loads(request.body)["advance"]
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
                raise ValueError(seconds)
        except (ValueError, TypeError, KeyError):
            return ApiError(400, 'Send {"advance": <seconds, not negative>}').response()
        advance(float(seconds))
    elif request.method != "GET":
        return ApiError(405).response()
    return json_response({"data": {"now": now_text(), "offset_seconds": offset()}})

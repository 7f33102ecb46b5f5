"""How many VoIPstudio requests the current unit of work made, and how long it waited for them.

The request-logging middleware opens a ``Tally`` per request; the client adds to whichever is
open in the current context (thread or task). With none open (Celery, scripts) it adds nowhere.
A page's reads sent from other threads (``budget.PageReads``) run in a copy of the page's context,
so they add to the page's tally too; additions from several threads at once are serialised.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = ["Tally", "current", "record", "tally"]


@dataclass
class Tally:
    requests: int = 0
    spans: list[tuple[float, float]] = field(default_factory=list, repr=False)  # (sent, answered), monotonic

    @property
    def seconds(self) -> float:
        """The time at least one request was open: requests sent side by side count once, so this
        is what the page waited for VoIPstudio, never more than the page took."""
        total, reach = 0.0, float("-inf")
        for sent, answered in sorted(self.spans):
            if answered > reach:
                total += answered - max(sent, reach)
                reach = answered
        return total

    @property
    def milliseconds(self) -> float:
        return self.seconds * 1000

    def __str__(self) -> str:
        return f"{self.requests} request{'' if self.requests == 1 else 's'} in {self.milliseconds:.0f} ms"


_current: contextvars.ContextVar[Tally | None] = contextvars.ContextVar("voipstudio_tally", default=None)
_adding = threading.Lock()  # several threads may add to one page's tally at once


def current() -> Tally | None:
    return _current.get()


def record(seconds: float) -> None:
    """One request, answered now after ``seconds``."""
    if (open_tally := _current.get()) is not None:
        answered = time.monotonic()
        with _adding:
            open_tally.requests += 1
            open_tally.spans.append((answered - seconds, answered))


@contextmanager
def tally() -> Iterator[Tally]:
    opened = Tally()
    reset = _current.set(opened)
    try:
        yield opened
    finally:
        _current.reset(reset)

"""How many VoIPstudio requests the current unit of work made, and how long they took.

The request-logging middleware opens a ``Tally`` per request; the client adds to whichever is
open in the current context (thread or task). With none open (Celery, scripts) it adds nowhere.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = ["Tally", "current", "record", "tally"]


@dataclass
class Tally:
    requests: int = 0
    seconds: float = 0.0

    @property
    def milliseconds(self) -> float:
        return self.seconds * 1000

    def __str__(self) -> str:
        return f"{self.requests} request{'' if self.requests == 1 else 's'} in {self.milliseconds:.0f} ms"


_current: contextvars.ContextVar[Tally | None] = contextvars.ContextVar("voipstudio_tally", default=None)


def current() -> Tally | None:
    return _current.get()


def record(seconds: float) -> None:
    if (open_tally := _current.get()) is not None:
        open_tally.requests += 1
        open_tally.seconds += seconds


@contextmanager
def tally() -> Iterator[Tally]:
    opened = Tally()
    reset = _current.set(opened)
    try:
        yield opened
    finally:
        _current.reset(reset)

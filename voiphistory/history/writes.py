"""Writes whose answer may be lost: the one policy every PATCH and DELETE of the dashboard follows.

A write that timed out, or whose answer was cut off, may have been applied upstream
(``OutcomeUnknown``; the emulator's latency and truncation faults do exactly that). It is never
sent again; each item is read back instead, and the supervisor is told what VoIPstudio now holds.
``settle_write`` is that policy for one item or many (recording edit, single delete, voicemail
move, mark heard/new, bulk-job deletes); ``Settled`` says what came of it, in words
(``message``) and for the audit log (``audit_detail``). See docs/voipstudio-api.md, "Writes".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from voiphistory.voipstudio import NotFound, OutcomeUnknown, Unauthorized, VoipstudioError

logger = logging.getLogger(__name__)

#: How long to wait before reading back once more what did not show the change at first.
READ_BACK_GRACE_SECONDS = 1.0
#: ``Settled.outcome`` values, also what the audit log's ``detail["outcome"]`` says.
SAVED, LOST_DONE, LOST_NOT_DONE, LOST_PARTLY, UNKNOWN = (
    "done",
    "lost_done",
    "lost_not_done",
    "lost_partly",
    "unknown",
)


@dataclass(frozen=True)
class Settled[T]:
    """What came of a write. Without a lost answer, every id is ``done`` and ``result`` is what
    VoIPstudio answered. With one, ``now`` is what reading back found per id (None: gone)."""

    ids: list[int]
    result: Any = None
    answer_lost: bool = False
    done: list[int] = field(default_factory=list)
    not_done: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    now: dict[int, T | None] = field(default_factory=dict)
    error: VoipstudioError | None = None  # why the answer was lost

    @property
    def outcome(self) -> str:
        if not self.answer_lost:
            return SAVED
        if self.unknown:
            return UNKNOWN
        if self.not_done and self.done:
            return LOST_PARTLY
        return LOST_DONE if self.done else LOST_NOT_DONE

    @property
    def all_done(self) -> bool:
        return not self.not_done and not self.unknown

    def message(self, *, done: str, not_done: str) -> str:
        """The sentence for what came of it, e.g. ``done="Saved"``, ``not_done="Not saved — VoIPstudio
        still has the old text"``; counts are added for several items."""
        many = len(self.ids) > 1
        if self.outcome == SAVED:
            return done
        if self.outcome == LOST_DONE:
            return f"{done.rstrip('.')} — VoIPstudio's answer was lost, but reading it back shows the change."
        if self.outcome == LOST_NOT_DONE:
            return f"{not_done.rstrip('.')} (VoIPstudio's answer was lost; read back just now)."
        if self.outcome == LOST_PARTLY:
            return (
                f"VoIPstudio's answer was lost. Reading back: {done.rstrip('.').lower()} for {len(self.done)}, "
                f"{not_done.rstrip('.').lower()} for {len(self.not_done)} of {len(self.ids)}."
            )
        which = f" ({len(self.unknown)} of {len(self.ids)})" if many else ""
        return (
            f"VoIPstudio's answer was lost and it could not be read back{which}: we cannot tell whether "
            "it happened. Look again before trying a second time."
        )

    def audit_detail(self) -> dict[str, Any]:
        """What the audit log keeps of the outcome (nothing extra when the answer came)."""
        if not self.answer_lost:
            return {}
        detail: dict[str, Any] = {"outcome": self.outcome, "answer_lost": str(self.error)}
        if self.not_done:
            detail["not_done"] = self.not_done
        if self.unknown:
            detail["unknown"] = self.unknown
        return detail


def settle_write[T](
    *,
    ids: Iterable[int],
    write: Callable[[], Any],
    read_one: Callable[[int], T],
    done: Callable[[T | None], bool],
) -> Settled[T]:
    """Run ``write``; if its answer is lost, read every id back (``read_one``; NotFound reads as
    None, the item is gone) and sort them by ``done(what VoIPstudio holds)``.

    Errors other than a lost answer propagate: VoIPstudio said no, so nothing happened."""
    ids = list(ids)
    try:
        result = write()
    except OutcomeUnknown as error:
        logger.warning(
            "VoIPstudio's answer to %s %s was lost (%s): reading back %d item(s)",
            error.method,
            error.path,
            error.message,
            len(ids),
        )
        return read_back(ids, error, read_one, done)
    return Settled(ids=ids, result=result, done=ids)


def read_back[T](
    ids: list[int],
    error: OutcomeUnknown,
    read_one: Callable[[int], T],
    done: Callable[[T | None], bool],
    *,
    grace: float | None = None,
) -> Settled[T]:
    """Read every id back after a lost answer. What does not show the change yet is read once
    more after ``grace`` seconds: a request that timed out here may still be under way there (the
    emulator's latency fault sleeps, then writes), and "not saved" must not be said too soon."""
    settled: Settled[T] = Settled(ids=ids, answer_lost=True, error=error)
    for id in ids:
        _read_into(settled, id, read_one, done)
    if settled.not_done:
        time.sleep(READ_BACK_GRACE_SECONDS if grace is None else grace)
        again, settled.not_done[:] = list(settled.not_done), []
        for id in again:
            _read_into(settled, id, read_one, done)
    return settled


def _read_into[T](
    settled: Settled[T], id: int, read_one: Callable[[int], T], done: Callable[[T | None], bool]
) -> None:
    try:
        value: T | None = read_one(id)
    except NotFound:
        value = None
    except Unauthorized:
        raise
    except VoipstudioError as read_error:
        logger.warning("reading back item %s after a lost answer failed: %s", id, read_error)
        settled.unknown.append(id)
        return
    settled.now[id] = value
    (settled.done if done(value) else settled.not_done).append(id)


def delete_settled(collection: Any, ids: Iterable[int]) -> Settled:
    """Delete ids of a collection (``client.monitors``…); a lost answer is read back, and an item
    that is gone counts as deleted."""
    ids = list(ids)
    return settle_write(
        ids=ids, write=lambda: collection.delete(ids), read_one=collection.get, done=lambda item: item is None
    )

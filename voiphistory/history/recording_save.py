"""Saving a person's corrections to a recording's AI text without losing anyone's edit.

One save, per recording at a time (``recording_lock``): read what VoIPstudio holds now; a field
this person changed that someone else changed too since the form was opened is a conflict (shown
side by side, nothing sent); otherwise PATCH only the changed fields, settle a lost answer by
reading back (``writes.settle_write``), and keep the save in the edit history with ``before`` as
read under the lock, so the history of each field is a chain.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from voiphistory.history.edits import ai_values, comparable, later_edits
from voiphistory.history.models import RecordingEdit, RecordingLock
from voiphistory.history.writes import LOST_DONE, LOST_NOT_DONE, SAVED, Settled, settle_write
from voiphistory.voipstudio import Monitor, Sentiment, VoipstudioClient

#: How long a save may hold a recording: longer than the slowest save (a GET, a PATCH and a read
#: back, each within the client's timeouts); a holder that died frees it when this runs out.
LOCK_LEASE = timedelta(minutes=2)
#: How long a save waits for another save of the same recording before saying it is busy.
LOCK_WAIT_SECONDS = 30.0

_OUTCOMES = {
    SAVED: RecordingEdit.Outcome.SAVED,
    LOST_DONE: RecordingEdit.Outcome.ANSWER_LOST_SAVED,
    LOST_NOT_DONE: RecordingEdit.Outcome.ANSWER_LOST_NOT_SAVED,
}


class RecordingBusy(Exception):
    """Another save of this recording did not finish within ``LOCK_WAIT_SECONDS``."""


@contextmanager
def recording_lock(*, customer_id: int, recording_id: int, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold the recording for one read-compare-write (see ``RecordingLock`` for why a lease)."""
    holder = secrets.token_hex(8)
    RecordingLock.objects.get_or_create(customer_id=customer_id, recording_id=recording_id)
    row = RecordingLock.objects.filter(customer_id=customer_id, recording_id=recording_id)
    deadline, delay = time.monotonic() + wait, 0.01
    while True:
        now = timezone.now()
        if row.filter(Q(held_until__isnull=True) | Q(held_until__lt=now)).update(
            holder=holder, held_until=now + LOCK_LEASE
        ):
            break
        if time.monotonic() > deadline:
            raise RecordingBusy
        time.sleep(delay)
        delay = min(delay * 2, 0.2)
    try:
        yield
    finally:
        row.filter(holder=holder).update(holder="", held_until=None)


@dataclass
class SaveResult:
    """What a save came to. ``conflicts`` non-empty: nothing was sent, ``current`` is what
    VoIPstudio holds. ``settled`` None: nothing needed sending. ``later``: a revert that needs
    confirming because edits were saved after the one it reverts."""

    monitor: Monitor | None = None  # what VoIPstudio holds now, when known
    current: dict = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    sent: dict = field(default_factory=dict)
    settled: Settled | None = None
    edit: RecordingEdit | None = None
    later: list[RecordingEdit] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return self.settled is not None and self.settled.all_done

    def message(self) -> str:
        if self.settled is None:
            return "Nothing to save: VoIPstudio already has this text."
        return self.settled.message(done="Saved.", not_done="Not saved — VoIPstudio still has the old text")


def _api_kwargs(body: dict) -> dict:
    kwargs = dict(body)
    if "sentiment" in kwargs:
        kwargs["sentiment"] = None if kwargs["sentiment"] is None else Sentiment(kwargs["sentiment"])
    return kwargs


def recording_save(
    *,
    client: VoipstudioClient,
    customer_id: int,
    id: int,
    opened: dict,
    wanted: dict,
    editor=None,
    editor_name: str = "",
    reverts: RecordingEdit | None = None,
    force: bool = False,
) -> SaveResult:
    """Save ``wanted`` (the fields this person changed, JSON values) over ``opened`` (what the form
    started from). ``force``: a field changed by someone else meanwhile is overwritten anyway
    (the person saw both and chose). Raises the client's errors when VoIPstudio refuses."""
    with recording_lock(customer_id=customer_id, recording_id=id):
        monitor = client.monitors.get(id)
        current = ai_values(monitor)
        conflicts = [
            name
            for name, value in wanted.items()
            if comparable(name, current[name])
            not in (comparable(name, opened[name]), comparable(name, value))
        ]
        if conflicts and not force:
            return SaveResult(monitor=monitor, current=current, conflicts=conflicts)
        body = {
            name: value
            for name, value in wanted.items()
            if comparable(name, current[name]) != comparable(name, value)
        }
        if not body:
            return SaveResult(monitor=monitor, current=current)

        def holds_body(now: Monitor | None) -> bool:
            return now is not None and all(
                comparable(n, ai_values(now)[n]) == comparable(n, v) for n, v in body.items()
            )

        settled = settle_write(
            ids=[id],
            write=lambda: client.monitors.update(id, **_api_kwargs(body)),
            read_one=client.monitors.get,
            done=holds_body,
        )
        now = settled.now.get(id) if settled.answer_lost else settled.result
        after = ai_values(now) if now is not None else {}
        edit = RecordingEdit.objects.create(
            customer_id=customer_id,
            recording_id=id,
            editor=editor,
            editor_name=editor_name[:200],
            reverts=reverts,
            before={name: current[name] for name in body},
            after={name: after[name] for name in body if after},
            attempted=body,
            outcome=_OUTCOMES.get(settled.outcome, RecordingEdit.Outcome.UNKNOWN),
        )
        return SaveResult(monitor=now, current=current, sent=body, settled=settled, edit=edit)


def recording_revert(
    *,
    client: VoipstudioClient,
    edit: RecordingEdit,
    editor=None,
    editor_name: str = "",
    confirmed: bool = False,
) -> SaveResult:
    """Put back what an edit replaced (its fields only; the others stay as they are), as a new edit.

    Unless ``confirmed``, nothing is sent when later edits exist or VoIPstudio no longer holds
    what the edit saved: the result says so (``later``, ``conflicts``) for the person to confirm."""
    later = later_edits(edit)
    if later and not confirmed:
        return SaveResult(later=later)
    return recording_save(
        client=client,
        customer_id=edit.customer_id,
        id=edit.recording_id,
        opened=edit.after,
        wanted=edit.before,
        editor=editor,
        editor_name=editor_name,
        reverts=edit,
        force=confirmed,
    )

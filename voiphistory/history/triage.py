"""Voicemail triage: file messages in folders, mark them heard or new, mark one heard when played.

The reference's only voicemail write besides delete is bulk ``PATCH /voicemessages`` of the
``folder``, so heard and new are folders, Asterisk's way: a new message waits in INBOX; heard
means moved to Old (the emulator then also clears ``is_new``). Mark new moves a message back to
INBOX. See docs/voipstudio-api.md, "Voicemail: heard and new are folders".

Every function reads what it needs, skips the messages already where asked (no request for
them), sends one bulk PATCH for the rest, and settles a lost answer by reading back
(``history.writes``): the ``Triage`` it returns says what is true, in words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from voiphistory.history.labels import folder_label
from voiphistory.history.writes import Settled, settle_write
from voiphistory.voipstudio import NotFound, VoicemailFolder, VoiceMessage, VoipstudioClient

INBOX, HEARD = VoicemailFolder.INBOX, VoicemailFolder.OLD

#: What a triage did, for its message and the audit log's ``detail["reason"]``.
MOVE, MARK_HEARD, MARK_NEW, PLAYED = "move", "heard", "new", "played"


@dataclass(frozen=True)
class Triage:
    reason: str
    target: str  # the folder moved to, by its API name
    moved: list[int] = field(default_factory=list)  # in ``target`` now, because of this request
    skipped: list[int] = field(default_factory=list)  # already there (or, marking heard, not in INBOX)
    gone: list[int] = field(default_factory=list)  # no longer exist
    settled: Settled | None = None  # None when nothing needed sending

    @property
    def not_moved(self) -> list[int]:
        return self.settled.not_done if self.settled else []

    @property
    def unknown(self) -> list[int]:
        return self.settled.unknown if self.settled else []

    def message(self) -> str:
        """The sentence a supervisor reads, e.g. "Marked 2 voicemails heard (moved to Old)."."""
        where = folder_label(self.target)
        parts = []
        if self.moved:
            parts.append(
                {
                    MOVE: f"Moved {_count(self.moved)} to {where}.",
                    MARK_NEW: f"Marked {_count(self.moved)} new (moved back to {where}).",
                }.get(self.reason, f"Marked {_count(self.moved)} heard (moved to {where}).")
            )
            if self.settled is not None and self.settled.answer_lost:
                parts.append("VoIPstudio's answer was lost, but reading back shows it was done.")
        if self.skipped:
            why = {MOVE: f"already in {where}", MARK_NEW: "already new (in the Inbox)"}.get(
                self.reason, "not new (not in the Inbox)"
            )
            parts.append(
                f"{_count(self.skipped, cap=True)} {_was(self.skipped)} {why}: left as {_it(self.skipped)} {_was(self.skipped)}."
            )
        if self.gone:
            parts.append(f"{_count(self.gone, cap=True)} no longer {_exist(self.gone)}.")
        if self.not_moved:
            parts.append(
                f"VoIPstudio's answer was lost, and reading back shows {_count(self.not_moved)} not moved."
            )
        if self.unknown:
            parts.append(
                f"VoIPstudio's answer was lost and {_count(self.unknown)} could not be read back: "
                "look again before trying a second time."
            )
        return " ".join(parts)

    @property
    def complete(self) -> bool:
        """Nothing left in doubt or undone: the message is a success, not a warning."""
        return not (self.not_moved or self.unknown)

    def audit_detail(self) -> dict[str, object]:
        detail: dict[str, object] = {"folder": self.target, "reason": self.reason}
        if self.skipped:
            detail["skipped"] = self.skipped
        return {**detail, **(self.settled.audit_detail() if self.settled else {})}


def voicemail_move(
    *, client: VoipstudioClient, ids: Iterable[int], folder: str, opened: dict[int, str] | None = None
) -> Triage:
    """File messages into ``folder`` (an API folder name); those already there are skipped."""
    return _triage(client, MOVE, list(ids), folder, wanted=lambda now: now != folder, opened=opened)


def voicemail_mark(
    *, client: VoipstudioClient, ids: Iterable[int], heard: bool, opened: dict[int, str] | None = None
) -> Triage:
    """Mark heard (INBOX → Old) or new (any other folder → INBOX). Marking heard leaves a message
    filed elsewhere (Work…) where it is: heard is not a reason to refile it."""
    if heard:
        return _triage(client, MARK_HEARD, list(ids), HEARD, wanted=lambda now: now == INBOX, opened=opened)
    return _triage(client, MARK_NEW, list(ids), INBOX, wanted=lambda now: now != INBOX, opened=opened)


def voicemail_played(*, client: VoipstudioClient, id: int) -> Triage:
    """Playback of a new message started: mark it heard. Idempotent: the message is read first
    (never trusting the page), so a second call, or one for a message already heard or filed
    elsewhere, sends nothing."""
    message = client.voicemessages.get(id)
    if not is_unheard(message):
        return Triage(PLAYED, str(HEARD), skipped=[id])
    return _triage(
        client, PLAYED, [id], HEARD, wanted=lambda now: now == INBOX, opened={id: str(message.folder)}
    )


def is_unheard(message: VoiceMessage) -> bool:
    """Waiting in the Inbox and not said to be heard: what playing it should mark heard."""
    return str(message.folder) == INBOX and message.is_new is not False


def _triage(
    client: VoipstudioClient,
    reason: str,
    ids: list[int],
    target: str,
    wanted: Callable[[str], bool],
    opened: dict[int, str] | None,
) -> Triage:
    """``opened``: the folder each message showed on the page the supervisor acted on, when the
    form carried it; the others are read (a page is at most 100 messages)."""
    ids = list(dict.fromkeys(ids))
    now, gone = dict(opened or {}), []
    for id in ids:
        if id not in now:
            try:
                now[id] = str(client.voicemessages.get(id).folder)
            except NotFound:
                gone.append(id)
    todo = [id for id in ids if id not in gone and wanted(now[id])]
    skipped = [id for id in ids if id not in gone and id not in todo]
    if not todo:
        return Triage(reason, str(target), skipped=skipped, gone=gone)
    settled = settle_write(
        ids=todo,
        write=lambda: client.voicemessages.move(todo, target),
        read_one=client.voicemessages.get,
        done=lambda message: message is not None and str(message.folder) == str(target),
    )
    moved = settled.done if settled.answer_lost else [m.id for m in settled.result]
    gone += [id for id, message in settled.now.items() if message is None]
    return Triage(
        reason,
        str(target),
        moved=[id for id in moved if id not in gone],
        skipped=skipped,
        gone=gone,
        settled=settled,
    )


def _count(ids: list[int], *, cap: bool = False) -> str:
    n = len(ids)
    return f"{'One' if cap else 'one'} voicemail" if n == 1 else f"{n} voicemails"


def _was(ids: list[int]) -> str:
    return "was" if len(ids) == 1 else "were"


def _exist(ids: list[int]) -> str:
    return "exists" if len(ids) == 1 else "exist"


def _it(ids: list[int]) -> str:
    return "it" if len(ids) == 1 else "they"

"""Reads of the recordings' edit history, with a readable diff of each change."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from voiphistory.history.models import AI_FIELDS, RecordingEdit
from voiphistory.voipstudio import Monitor, Sentiment

LABELS = {"summary": "Summary", "transcript": "Transcript", "transcript_speakers": "Transcript with speakers",
          "sentiment": "Sentiment", "cx_score": "CX score"}  # fmt: skip


def ai_values(monitor: Monitor) -> dict[str, object]:
    """A recording's AI fields as JSON values (sentiment as its number)."""
    values = {name: getattr(monitor, name) for name in AI_FIELDS}
    values["sentiment"] = int(values["sentiment"]) if values["sentiment"] is not None else None
    return values


def shown(name: str, value: object) -> str:
    if value is None or value == "":
        return "(empty)"
    if name == "sentiment":
        return Sentiment(value).name.title()
    return str(value)


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed", "same"
    text: str


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    lines: list[DiffLine]


def field_diff(name: str, before: object, after: object) -> FieldChange:
    """Word-level for short text, line-level for long; numbers and sentiment as "old → new"."""
    old, new = shown(name, before), shown(name, after)
    if name in ("sentiment", "cx_score"):
        return FieldChange(name, LABELS[name], [DiffLine("removed", old), DiffLine("added", new)])
    old_words, new_words = old.split(" "), new.split(" ")
    lines = []
    for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        if tag == "equal":
            lines.append(DiffLine("same", " ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            lines.append(DiffLine("removed", " ".join(old_words[a1:a2])))
        if b2 > b1:
            lines.append(DiffLine("added", " ".join(new_words[b1:b2])))
    return FieldChange(name, LABELS[name], lines)


@dataclass(frozen=True)
class EditView:
    edit: RecordingEdit
    changes: list[FieldChange]


def recording_edits(*, customer_id: int, recording_id: int) -> list[EditView]:
    edits = RecordingEdit.objects.filter(customer_id=customer_id, recording_id=recording_id).select_related("reverts")
    return [
        EditView(edit, [field_diff(name, edit.before.get(name), edit.after.get(name)) for name in AI_FIELDS if name in edit.after])
        for edit in edits
    ]


def edited_recording_ids(*, customer_id: int, ids: Iterable[int]) -> set[int]:
    """Which of these recordings a person has edited here (one query for a table page)."""
    return set(RecordingEdit.objects.filter(customer_id=customer_id, recording_id__in=list(ids))
               .values_list("recording_id", flat=True).distinct())  # fmt: skip

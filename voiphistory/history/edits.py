"""Reads of the recordings' edit history, with a readable diff of each change."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from voiphistory.history.models import AI_FIELDS, RecordingEdit
from voiphistory.voipstudio import Monitor, Sentiment

LABELS = {
    "summary": "Summary",
    "transcript": "Transcript",
    "transcript_speakers": "Transcript with speakers",
    "sentiment": "Sentiment",
    "cx_score": "CX score",
}


RAW_PREFIX = "raw:"  # a sentiment code the client does not know, kept as VoIPstudio sent it


def sentiment_value(sentiment: object) -> int | str | None:
    """A sentiment as a JSON value: its ordinal, None, or ``"raw:<code>"`` for a code the client
    does not know (so it can be kept, compared and shown, never mistaken for an ordinal)."""
    if sentiment is None:
        return None
    if isinstance(sentiment, Sentiment):
        return int(sentiment)
    return f"{RAW_PREFIX}{sentiment}"


def ai_values(monitor: Monitor) -> dict[str, object]:
    """A recording's AI fields as JSON values (sentiment by ``sentiment_value``)."""
    values = {name: getattr(monitor, name) for name in AI_FIELDS}
    values["sentiment"] = sentiment_value(values["sentiment"])
    if not isinstance(values["cx_score"], int | None):  # an unreadable score (Raw): kept as text
        values["cx_score"] = f"{RAW_PREFIX}{values['cx_score']}"
    return values


def comparable(name: str, value: object) -> object:
    """A value as the edit form would save it, so "unchanged" means unchanged: text without the
    surrounding blanks the form strips (None is empty), the speakers transcript as its JSON."""
    if name in ("sentiment", "cx_score"):
        return value
    text = (value or "").strip() if isinstance(value, str | None) else str(value)
    if name == "transcript_speakers" and text:
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def shown(name: str, value: object) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, str) and value.startswith(RAW_PREFIX):
        return f"{value.removeprefix(RAW_PREFIX)} (as VoIPstudio sent it)"
    if name == "sentiment" and isinstance(value, int):  # an ordinal (``sentiment_value``)
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


MAX_DIFF_WORDS = 2000  # a longer differing middle is shown as one replaced block


def field_diff(name: str, before: object, after: object) -> FieldChange:
    """Word-level for short text, line-level for long; numbers and sentiment as "old → new"."""
    old, new = shown(name, before), shown(name, after)
    if name in ("sentiment", "cx_score"):
        return FieldChange(name, LABELS[name], [DiffLine("removed", old), DiffLine("added", new)])
    old_words, new_words = old.split(" "), new.split(" ")
    # Bounded work (a page any account may open): the common start and end are found in linear time,
    # and only a middle of at most MAX_DIFF_WORDS a side goes to SequenceMatcher (quadratic).
    start = 0
    while start < min(len(old_words), len(new_words)) and old_words[start] == new_words[start]:
        start += 1
    end = 0
    while end < min(len(old_words), len(new_words)) - start and old_words[-1 - end] == new_words[-1 - end]:
        end += 1
    old_middle, new_middle = old_words[start : len(old_words) - end], new_words[start : len(new_words) - end]
    opcodes: Sequence[tuple[str, int, int, int, int]]
    if max(len(old_middle), len(new_middle)) > MAX_DIFF_WORDS:
        opcodes = [("replace", 0, len(old_middle), 0, len(new_middle))]  # shown as one replaced block
    else:
        opcodes = difflib.SequenceMatcher(None, old_middle, new_middle, autojunk=False).get_opcodes()
    lines = [DiffLine("same", " ".join(old_words[:start]))] if start else []
    for tag, a1, a2, b1, b2 in opcodes:
        if tag == "equal":
            lines.append(DiffLine("same", " ".join(old_middle[a1:a2])))
            continue
        if a2 > a1:
            lines.append(DiffLine("removed", " ".join(old_middle[a1:a2])))
        if b2 > b1:
            lines.append(DiffLine("added", " ".join(new_middle[b1:b2])))
    if end:
        lines.append(DiffLine("same", " ".join(old_words[len(old_words) - end :])))
    return FieldChange(name, LABELS[name], lines)


@dataclass(frozen=True)
class EditView:
    edit: RecordingEdit
    changes: list[FieldChange]


def recording_edits(*, customer_id: int, recording_id: int) -> list[EditView]:
    """Every save, newest first; one that was not applied shows what it tried (``attempted``)."""
    edits = RecordingEdit.objects.filter(customer_id=customer_id, recording_id=recording_id).select_related(
        "reverts"
    )
    views = []
    for edit in edits:
        target = edit.after if edit.applied else edit.attempted
        views.append(
            EditView(
                edit,
                [
                    field_diff(name, edit.before.get(name), target.get(name))
                    for name in AI_FIELDS
                    if name in target
                ],
            )
        )
    return views


def later_edits(edit: RecordingEdit) -> list[RecordingEdit]:
    """Applied edits of the same recording saved after ``edit`` (what a revert of it would undo)."""
    return list(
        RecordingEdit.objects.filter(
            customer_id=edit.customer_id,
            recording_id=edit.recording_id,
            id__gt=edit.id,
            outcome__in=RecordingEdit.APPLIED,
        ).order_by("id")
    )


def edited_recording_ids(*, customer_id: int, ids: Iterable[int]) -> set[int]:
    """Which of these recordings a person has edited here (one query for a table page)."""
    return set(
        RecordingEdit.objects.filter(
            customer_id=customer_id, recording_id__in=list(ids), outcome__in=RecordingEdit.APPLIED
        )
        .values_list("recording_id", flat=True)
        .distinct()
    )


def conflict_rows(*, customer_id: int, recording_id: int, theirs: dict, was: dict) -> dict[str, dict]:
    """Per conflicting field (``was``: what the person opened it with): what it was, what it is now
    (``theirs``), and who changed it here, when the latest edit kept here saved exactly that."""
    rows = {}
    for name, opened in was.items():
        latest = RecordingEdit.objects.filter(
            customer_id=customer_id,
            recording_id=recording_id,
            outcome__in=RecordingEdit.APPLIED,
            after__has_key=name,
        ).first()
        by = latest if latest is not None and latest.after.get(name) == theirs.get(name) else None
        rows[name] = {
            "label": LABELS[name],
            "was": shown(name, opened),
            "theirs": shown(name, theirs.get(name)),
            "by": by,
        }
    return rows

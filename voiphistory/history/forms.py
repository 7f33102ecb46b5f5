"""The forms that change what VoIPstudio holds: a recording's AI text, voicemail triage, a call's
additional information. What a table is asked (filters, sort, page) is ``history.filters``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core import signing

from voiphistory.accounts.upstream import configured_codes
from voiphistory.history.edits import LABELS, RAW_PREFIX, ai_values, comparable, shown
from voiphistory.history.labels import folder_label, sentiment_label
from voiphistory.history.models import AI_FIELDS
from voiphistory.voipstudio import Sentiment
from voiphistory.web.fields import PositiveIdsField


def _blank(choices: Sequence[tuple[object, str]], label: str) -> list[tuple[object, str]]:
    return [("", label), *choices]


SENTIMENT_CHOICES = _blank([(s.value, sentiment_label(s)) for s in Sentiment], "Not analysed")


class AnyValuesField(forms.MultipleChoiceField):
    """Values offered by no choice list, taken as posted (the form reads them leniently)."""

    def valid_value(self, value: object) -> bool:
        return True


class SpeakerTranscriptField(forms.CharField):
    """VoIPstudio keeps the speakers transcript as a JSON list in a string. People edit it one
    segment per line; it must still be a JSON list when saved, and goes back in the API's layout."""

    def prepare_value(self, value: object) -> object:
        try:
            segments = json.loads(value) if isinstance(value, str) else None
        except ValueError:
            return value
        if not isinstance(segments, list):
            return value
        return "[\n" + ",\n".join(json.dumps(segment, ensure_ascii=False) for segment in segments) + "\n]"

    def clean(self, value: str) -> str:
        value = super().clean(value)
        if not value.strip():
            return ""
        try:
            segments = json.loads(value)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                f"This is no longer valid JSON (line {error.lineno}, column {error.colno}: {error.msg}). "
                "Change only the text between quotes."
            ) from None
        if not isinstance(segments, list):
            raise forms.ValidationError("Keep the square brackets around the segments: this is a list.")
        return json.dumps(segments, ensure_ascii=False)


class RecordingEditForm(forms.Form):
    """The AI-written text of a recording, as a person corrects it.

    The form carries the values it was opened with (``opened``: signed, bound to the recording),
    so a save sends only the fields this person changed and can tell whether someone else changed
    them meanwhile (``recording_save.recording_save``). After such a conflict the form comes back with
    the other value as its new starting point and a ``choose_<field>`` per conflicting field:
    keep theirs, or use mine."""

    summary = forms.CharField(required=False, max_length=65535, widget=forms.Textarea(attrs={"rows": 3}))
    transcript = forms.CharField(required=False, max_length=65535, widget=forms.Textarea(attrs={"rows": 8}))
    transcript_speakers = SpeakerTranscriptField(
        label="Transcript with speakers (one segment per line)",
        required=False,
        max_length=65535,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    sentiment = forms.TypedChoiceField(
        coerce=lambda v: v if v.startswith(RAW_PREFIX) else int(v),
        required=False,
        empty_value=None,
        choices=SENTIMENT_CHOICES,
    )
    cx_score = forms.IntegerField(
        label="CX score",
        min_value=0,
        max_value=100,
        required=False,
        help_text="0 to 100; empty when not scored.",
    )
    opened = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": "This form is out of date: open the recording again to edit it."},
    )

    CHOICES = [("theirs", "Keep theirs"), ("mine", "Use mine")]

    def __init__(
        self,
        data=None,
        *,
        recording_id: int,
        opened: dict | None = None,
        conflicts: dict | None = None,
        initial: dict | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.recording_id = recording_id
        if opened is not None:  # a new form (or one coming back after a conflict): sign what it starts from
            self.initial["opened"] = signing.dumps(
                {"values": opened, "was": conflicts or {}}, salt=self._salt(), compress=True
            )
        else:
            conflicts = self._snapshot().get("was")
        #: Per conflicting field, what it was when the person first opened the form (theirs is ``opened``).
        self.was = {name: value for name, value in (conflicts or {}).items() if name in AI_FIELDS}
        start = opened if opened is not None else self._snapshot().get("values") or {}
        if isinstance(
            start.get("sentiment"), str
        ):  # a code the client does not know: offered, so it can stay
            raw = start["sentiment"]
            sentiment = cast(forms.ChoiceField, self.fields["sentiment"])  # declared a TypedChoiceField above
            sentiment.choices = [*SENTIMENT_CHOICES, (raw, shown("sentiment", raw))]
        self.conflicts = list(self.was)
        self.theirs = start
        for name in self.conflicts:
            self.fields[f"choose_{name}"] = forms.ChoiceField(
                label=f"Which {LABELS[name].lower()} to keep?",
                choices=self.CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose whose text to keep."},
            )

    @classmethod
    def for_recording(cls, monitor) -> RecordingEditForm:
        values = ai_values(monitor)
        return cls(recording_id=monitor.id, opened=values, initial=dict(values))

    @classmethod
    def after_conflict(
        cls, *, recording_id: int, changes: dict, current: dict, was: dict
    ) -> RecordingEditForm:
        """The person's own changes again over what VoIPstudio holds now (``current``, the new
        starting point), with a choice per conflicting field (``was``: what they first opened)."""
        return cls(recording_id=recording_id, opened=current, conflicts=was, initial={**current, **changes})

    def _salt(self) -> str:
        return f"recording-edit:{self.recording_id}"

    def _snapshot(self) -> dict:
        raw = self.data.get("opened", "") if self.is_bound else self.initial.get("opened", "")
        try:
            snapshot = signing.loads(raw, salt=self._salt())
        except signing.BadSignature:
            return {}
        return snapshot if isinstance(snapshot, dict) else {}

    def clean_opened(self) -> dict:
        values = self._snapshot().get("values")
        if not isinstance(values, dict) or set(values) != set(AI_FIELDS):
            raise forms.ValidationError("This form is out of date: open the recording again to edit it.")
        return values

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        opened = data.get("opened")
        if opened is not None:
            for name in self.conflicts:  # "keep theirs": the field is as it now is upstream, unchanged
                if data.get(f"choose_{name}") == "theirs":
                    data[name] = opened[name]
        return data

    def changes(self) -> dict[str, object]:
        """The fields this person changed from what the form was opened with, as JSON values."""
        data, opened = self.cleaned_data, self.cleaned_data["opened"]
        return {
            name: data[name]
            for name in AI_FIELDS
            if comparable(name, data[name]) != comparable(name, opened[name])
        }

    def edit_rows(self) -> list[tuple]:
        """(field, its keep-theirs-or-mine choice or None) in order, for the template."""
        return [
            (self[name], self[f"choose_{name}"] if name in self.conflicts else None) for name in AI_FIELDS
        ]

    @property
    def opened_values(self) -> dict:
        return self.cleaned_data["opened"]


class VoicemailSelectionForm(forms.Form):
    """The voicemail a supervisor ticked (or the one row acted on), and the folder each showed on
    the page (``opened``: "id:folder"), so moves that would change nothing are not sent."""

    ids = PositiveIdsField(coerce=int, error_messages={"required": "Select at least one voicemail."})
    opened = AnyValuesField(required=False)  # read leniently in ``opened_folders``

    @property
    def opened_folders(self) -> dict[int, str]:
        """Folder by id for the ticked messages whose row said where it was; a malformed or
        foreign entry is ignored (that message is read from VoIPstudio instead)."""
        ids, folders = set(self.cleaned_data["ids"]), {}
        for entry in self.cleaned_data.get("opened") or ():
            id, _, folder = str(entry).partition(":")
            if id.isdigit() and int(id) in ids and folder:
                folders[int(id)] = folder[:40]
        return folders


class VoicemailMoveForm(VoicemailSelectionForm):
    folder = forms.ChoiceField(
        choices=lambda: [(str(name), folder_label(name)) for name in configured_codes().folder_names],
        error_messages={"required": "Choose the folder to move them to."},
    )

    @property
    def target(self) -> str:
        """The folder's API name (what bulk PATCH takes)."""
        return self.cleaned_data["folder"]


#: The reference gives no limit for a call's ``info``; VoIPstudio's own validation error shows if it has a smaller one.
CALL_INFO_MAX_LENGTH = 1000


class CallInfoForm(forms.Form):
    """A call's "additional information" (``info``), for one call; empty clears it."""

    info = forms.CharField(
        label="Additional information",
        required=False,
        max_length=CALL_INFO_MAX_LENGTH,
        widget=forms.TextInput(attrs={"maxlength": CALL_INFO_MAX_LENGTH}),
    )


class CallsInfoForm(CallInfoForm):
    """The same for the calls ticked in the Calls table. Not empty: an empty field sent by mistake
    would wipe many calls at once (clearing is done one call at a time, on its page)."""

    ids = PositiveIdsField(coerce=int, error_messages={"required": "Select at least one call."})

    def __init__(self, data) -> None:
        super().__init__(data)
        self.fields["info"].required = True
        self.fields["info"].error_messages["required"] = (
            "Type the additional information to set on the selected calls."
        )

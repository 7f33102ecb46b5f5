"""What a supervisor may ask of a table, validated, and turned into the API's filters.

``TableQuery`` reads the URL's query string (filters, sort, page, page size live in the URL so a
view is bookmarkable); only the filters its section offers are fields. Invalid input is shown
next to the field and nothing is sent upstream.
"""

from __future__ import annotations

import json

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from voiphistory.history.catalog import Section
from voiphistory.history.templatetags.history_format import CALL_TYPES, CHAT_STATES
from voiphistory.voipstudio import Filter, Sentiment, VoicemailFolder
from voiphistory.voipstudio.filters import MAX_ID

PAGE_SIZES = (25, 50, 100)
DATE_PRESETS = {"": "Any time", "today": "Today", "yesterday": "Yesterday", "7d": "Last 7 days",
                "month": "This month", "custom": "Custom"}  # fmt: skip
DISPOSITION_CHOICES = [("CONNECTED", "Answered"), ("RINGING", "Rang, not answered"), ("INITIAL", "Not connected"),
                       ("VM", "Voicemail"), ("ON_HOLD", "On hold")]  # fmt: skip
_PHONE_CHARS = re.compile(r"[\s().\-/]")


class PhoneFragmentField(forms.CharField):
    """Part of a phone number as people type it ("+44 20 3846", "(0)7700-900"): digits reach the API."""

    def clean(self, value: str) -> str:
        value = super().clean(value)
        if not value:
            return ""
        digits = _PHONE_CHARS.sub("", value).removeprefix("+").replace("(0)", "")
        if not digits.isdigit():
            raise forms.ValidationError("Use digits only, e.g. 44 20 3846 or 7700900.")
        return digits


def _blank(choices: list[tuple[object, str]], label: str = "Any") -> list[tuple[object, str]]:
    return [("", label), *choices]


class ColumnsField(forms.MultipleChoiceField):
    """Column keys; the empty value the column menu always sends (so "none ticked" reaches the
    server) is not a choice."""

    def to_python(self, value: object) -> list[str]:
        return [key for key in super().to_python(value) if key]


class TableQuery(forms.Form):
    preset = forms.ChoiceField(label="When", choices=list(DATE_PRESETS.items()), required=False)
    start = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label="Search", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Search…"}))  # fmt: skip
    from_number = PhoneFragmentField(label="From number", required=False, max_length=40)
    to_number = PhoneFragmentField(label="To number", required=False, max_length=40)
    call_type = forms.ChoiceField(label="Direction", choices=_blank(list(CALL_TYPES.items())), required=False)
    disposition = forms.ChoiceField(label="Outcome", choices=_blank(DISPOSITION_CHOICES), required=False)
    user = forms.TypedChoiceField(label="User", coerce=int, required=False, empty_value=None)
    operator = forms.TypedChoiceField(label="Operator", coerce=int, required=False, empty_value=None)
    min_duration = forms.IntegerField(label="Min seconds", min_value=0, max_value=10**6, required=False)
    max_duration = forms.IntegerField(label="Max seconds", min_value=0, max_value=10**6, required=False)
    sentiment = forms.TypedChoiceField(label="Sentiment", coerce=int, required=False, empty_value=None,
                                       choices=_blank([(s.value, s.name.title()) for s in Sentiment]))  # fmt: skip
    min_cx = forms.IntegerField(label="CX from", min_value=0, max_value=100, required=False)
    max_cx = forms.IntegerField(label="CX to", min_value=0, max_value=100, required=False)
    folder = forms.TypedChoiceField(label="Folder", coerce=int, required=False, empty_value=None,
                                    choices=_blank([(f.value, f.api_name) for f in VoicemailFolder]))  # fmt: skip
    is_new = forms.ChoiceField(label="Status", choices=_blank([("new", "New"), ("heard", "Heard")]), required=False)
    chat_state = forms.TypedChoiceField(label="State", coerce=int, required=False, empty_value=None,
                                        choices=_blank(list(CHAT_STATES.items())))  # fmt: skip
    channel = forms.ChoiceField(label="Channel", required=False,
                                choices=_blank([("call", "Call"), ("chat", "Chat"), ("sms", "SMS")]))  # fmt: skip
    cols = ColumnsField(label="Columns", required=False, widget=forms.CheckboxSelectMultiple)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)
    size = forms.TypedChoiceField(coerce=int, required=False, empty_value=PAGE_SIZES[0],
                                  choices=[(n, str(n)) for n in PAGE_SIZES])  # fmt: skip

    ALWAYS = ("q", "sort", "page", "size", "cols")
    FILTER_FIELDS = {"date": ("preset", "start", "end")}

    def __init__(self, section: Section, data, *, users: dict[int, str]) -> None:
        super().__init__(data)
        self.section = section
        keep = set(self.ALWAYS)
        for name in section.filters:
            keep.update(self.FILTER_FIELDS.get(name, (name,)))
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.fields["cols"].choices = [(column.key, column.label) for column in section.columns]
        people = _blank(sorted(users.items(), key=lambda item: item[1]), "Anyone")
        for name in ("user", "operator"):
            if name in self.fields:
                self.fields[name].choices = people

    def clean_sort(self) -> str:
        value = self.cleaned_data.get("sort") or ""
        if value and value.removeprefix("-") not in self.section.sort_fields:
            raise forms.ValidationError("This table cannot be sorted that way.")
        return value or "-when"

    def clean(self) -> dict:
        data = super().clean()
        for low, high, what in (("min_duration", "max_duration", "duration"), ("min_cx", "max_cx", "CX score")):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, f"The largest {what} must not be below the smallest.")
        if data.get("preset") == "custom":
            if not data.get("start") and not data.get("end"):
                self.add_error("start", "Choose a first or last day.")
            elif data.get("start") and data.get("end") and data["start"] > data["end"]:
                self.add_error("end", "The last day must not be before the first.")
        return data

    # --- what the API is asked -------------------------------------------------------------

    @property
    def sort_field(self) -> str:
        return self.section.sort_fields[self.cleaned_data["sort"].removeprefix("-")]

    @property
    def direction(self) -> str:
        return "DESC" if self.cleaned_data["sort"].startswith("-") else "ASC"

    def api_filters(self) -> list[Filter]:
        data, section = self.cleaned_data, self.section
        filters = date_filters(section.date_field, data.get("preset", ""), data.get("start"), data.get("end"))
        simple = {
            "from_number": (section.from_field, "like"), "to_number": (section.to_field, "like"),
            "call_type": ("type", "eq"), "disposition": ("disposition", "eq"), "user": ("user_id", "eq"),
            "operator": ("operator_id", "eq"), "min_duration": ("duration", "gte"), "max_duration": ("duration", "lte"),
            "sentiment": ("sentiment", "eq"), "min_cx": ("cx_score", "gte"), "max_cx": ("cx_score", "lte"),
            "folder": ("folder", "eq"), "chat_state": ("state", "eq"), "channel": ("channel", "eq"),
            "q": (section.search_field, "like"),
        }  # fmt: skip
        for name, (prop, operator) in simple.items():
            value = data.get(name)
            if value not in (None, ""):
                filters.append(Filter(prop, operator, value))
        if data.get("is_new"):
            filters.append(Filter("is_new", "eq", data["is_new"] == "new"))
        return filters

    @property
    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1

    @property
    def page_size(self) -> int:
        return self.cleaned_data.get("size") or PAGE_SIZES[0]

    def filter_fields(self) -> list:
        """The fields the filter bar shows (sort, page and size live with the table; columns in
        their own menu)."""
        return [field for field in self.visible_fields() if field.name not in {"page", "size", "cols"}]

    @property
    def visible_columns(self) -> tuple:
        """The chosen columns in the catalog's order; all of them when none was chosen."""
        chosen = set(self.cleaned_data.get("cols") or ())
        return tuple(c for c in self.section.columns if c.key in chosen) or self.section.columns

    @property
    def is_filtered(self) -> bool:
        return any(self.cleaned_data.get(name) not in (None, "") for name in self.fields if name not in self.ALWAYS)


def date_filters(field: str, preset: str, start: date | None, end: date | None) -> list[Filter]:
    """A preset or custom day range in the supervisor's time zone, as UTC bounds: [start, end)."""
    zone: ZoneInfo = timezone.get_current_timezone()
    today = timezone.localdate()
    first, last = {
        "today": (today, today),
        "yesterday": (today - timedelta(days=1), today - timedelta(days=1)),
        "7d": (today - timedelta(days=6), today),
        "month": (today.replace(day=1), today),
        "custom": (start, end),
    }.get(preset, (None, None))
    filters = []
    if first:
        filters.append(Filter(field, "gte", datetime.combine(first, time.min, zone)))
    if last:
        filters.append(Filter(field, "lt", datetime.combine(last + timedelta(days=1), time.min, zone)))
    return filters


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
    """The AI-written text of a recording, as a person corrects it."""

    summary = forms.CharField(required=False, max_length=65535, widget=forms.Textarea(attrs={"rows": 3}))
    transcript = forms.CharField(required=False, max_length=65535, widget=forms.Textarea(attrs={"rows": 8}))
    transcript_speakers = SpeakerTranscriptField(label="Transcript with speakers (one segment per line)", required=False,
                                                 max_length=65535, widget=forms.Textarea(attrs={"rows": 6}))  # fmt: skip
    sentiment = forms.TypedChoiceField(coerce=int, required=False, empty_value=None,
                                       choices=_blank([(s.value, s.name.title()) for s in Sentiment], "Not analysed"))  # fmt: skip
    cx_score = forms.IntegerField(label="CX score", min_value=0, max_value=100, required=False,
                                  help_text="0 to 100; empty when not scored.")  # fmt: skip

    @classmethod
    def for_recording(cls, monitor) -> RecordingEditForm:
        return cls(initial={name: getattr(monitor, name) for name in cls.base_fields})

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data["sentiment"] = Sentiment(data["sentiment"]) if data["sentiment"] is not None else None
        return data


class VoicemailMoveForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, error_messages={"required": "Select at least one voicemail."})
    folder = forms.ChoiceField(choices=[(f.api_name, f.api_name) for f in VoicemailFolder])

    def __init__(self, data) -> None:
        super().__init__(data)
        # Any positive id may be posted; the client validates it again before any URL is built.
        self.fields["ids"].valid_value = lambda value: str(value).isascii() and str(value).isdigit() and 0 < int(value) <= MAX_ID

    @property
    def target(self) -> VoicemailFolder:
        return next(f for f in VoicemailFolder if f.api_name == self.cleaned_data["folder"])

"""What a supervisor may ask of a table, validated, and turned into the API's filters.

``TableQuery`` reads the URL's query string (filters, sort, page, page size live in the URL so a
view is bookmarkable); only the filters its section offers are fields. Invalid input is shown
next to the field and nothing is sent upstream. The words of coded choices are the cells' own
(``labels``): a code reads the same in the filter bar, the table and the exports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from voiphistory.history import numbers
from voiphistory.history.calls import CallCriteria
from voiphistory.history.catalog import Section
from voiphistory.history.labels import (
    VOICEMAIL_STATUS,
    chat_state_choices,
    code_choices,
    folder_choices,
    sentiment_choices,
)
from voiphistory.history.user_names import UserNames
from voiphistory.voipstudio import Filter
from voiphistory.voipstudio.codes import code_key
from voiphistory.voipstudio.filters import MAX_ID
from voiphistory.web import dates

PAGE_SIZES = (25, 50, 100)
DATE_PRESETS = dates.PRESETS


class PhoneFragmentField(forms.CharField):
    """A phone number, or part of one, as people type it ("0121 179 4264", "+44 20 3846", "(0)7700-900"):
    the API's digits reach it, national numbers by the account's country (history.numbers)."""

    def clean(self, value: str) -> str:
        value = super().clean(value)
        if not value:
            return ""
        digits = numbers.number_digits(value)
        if not digits:
            raise forms.ValidationError("Use digits only, e.g. 0121 179 4264, +44 20 3846 or 7700900.")
        return digits


def _blank(choices: Sequence[tuple[object, str]], label: str = "Any") -> list[tuple[object, str]]:
    return [("", label), *choices]


class ColumnsField(forms.MultipleChoiceField):
    """Column keys; the empty value the column menu always sends (so "none ticked" reaches the
    server) is not a choice."""

    def to_python(self, value: object) -> list[str]:
        return [key for key in super().to_python(value) if key]


class TableQuery(forms.Form):
    preset = forms.ChoiceField(label="When", choices=list(DATE_PRESETS.items()), required=False)
    start = dates.DayField(label="From", required=False)
    end = dates.DayField(label="To", required=False)
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Search…"}),
    )
    from_number = PhoneFragmentField(label="From number", required=False, max_length=40)
    to_number = PhoneFragmentField(label="To number", required=False, max_length=40)
    call_type = forms.ChoiceField(label="Direction", choices=_blank(code_choices("type")), required=False)
    disposition = forms.ChoiceField(
        label="Outcome", choices=_blank(code_choices("disposition")), required=False
    )
    user = forms.TypedChoiceField(label="User", coerce=int, required=False, empty_value=None)
    operator = forms.TypedChoiceField(label="Operator", coerce=int, required=False, empty_value=None)
    min_duration = forms.IntegerField(label="Min seconds", min_value=0, max_value=10**6, required=False)
    max_duration = forms.IntegerField(label="Max seconds", min_value=0, max_value=10**6, required=False)
    # Filters on codes send the API's code; which code means what is configuration (labels.*_choices).
    sentiment = forms.TypedChoiceField(
        label="Sentiment",
        coerce=code_key,
        required=False,
        empty_value=None,
        choices=lambda: _blank(sentiment_choices()),
    )
    min_cx = forms.IntegerField(label="CX from", min_value=0, max_value=100, required=False)
    max_cx = forms.IntegerField(label="CX to", min_value=0, max_value=100, required=False)
    folder = forms.TypedChoiceField(
        label="Folder",
        coerce=code_key,
        required=False,
        empty_value=None,
        choices=lambda: _blank(folder_choices()),
    )
    is_new = forms.ChoiceField(label="Status", choices=_blank(list(VOICEMAIL_STATUS.items())), required=False)
    chat_state = forms.TypedChoiceField(
        label="State",
        coerce=code_key,
        required=False,
        empty_value=None,
        choices=lambda: _blank(chat_state_choices()),
    )
    channel = forms.ChoiceField(label="Channel", required=False, choices=_blank(code_choices("channel")))
    cols = ColumnsField(label="Columns", required=False, widget=forms.CheckboxSelectMultiple)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)
    size = forms.TypedChoiceField(
        coerce=int,
        required=False,
        # django-stubs types empty_value as str | None; Django returns any value as it is.
        empty_value=PAGE_SIZES[0],  # type: ignore[arg-type]
        choices=[(n, str(n)) for n in PAGE_SIZES],
    )

    # An hour-precise part of the days (the overview's hour bars link to one hour): local times,
    # ANDed with the days; hidden in the filter bar, shown as a removable chip (history.calls).
    from_time = dates.MomentField(label="From time", required=False, widget=forms.HiddenInput)
    to_time = dates.MomentField(label="Until", required=False, widget=forms.HiddenInput)
    # Calls tables list calls (history.calls); this shows every leg, as the API has them.
    legs = forms.BooleanField(
        label="Show every leg", required=False, widget=forms.CheckboxInput(attrs={"value": "1"})
    )

    ALWAYS = ("q", "sort", "page", "size", "cols")
    FILTER_FIELDS = {"date": ("preset", "start", "end", "from_time", "to_time")}

    def __init__(self, section: Section, data: Mapping[str, Any] | None, *, users: Mapping[int, str]) -> None:
        super().__init__(data)
        self.section = section
        keep = set(self.ALWAYS)
        for name in section.filters:
            keep.update(self.FILTER_FIELDS.get(name, (name,)))
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self._choice_field("cols").choices = [(column.key, column.label) for column in section.columns]
        people = _blank(sorted(users.items(), key=lambda item: item[1]), "Anyone")
        unlisted = isinstance(users, UserNames) and not users and bool(users.unavailable)
        for name in ("user", "operator"):
            if name in self.fields and unlisted:
                # No user list from VoIPstudio (GET /users is optional): filter by the user's ID instead.
                self.fields[name] = forms.IntegerField(
                    label=f"{self.fields[name].label} ID", min_value=1, max_value=MAX_ID, required=False
                )
            elif name in self.fields:
                self._choice_field(name).choices = people

    def _choice_field(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])  # declared as one above; ``fields`` says Field

    def clean_sort(self) -> str:
        value = self.cleaned_data.get("sort") or ""
        if value and value.removeprefix("-") not in self.section.sort_fields:
            raise forms.ValidationError("This table cannot be sorted that way.")
        return value or "-when"

    def clean_to_time(self):
        start, end = self.cleaned_data.get("from_time"), self.cleaned_data.get("to_time")
        if start and end and end <= start:
            raise forms.ValidationError("The end time must be after the start time.")
        return end

    def clean_q(self) -> str:
        value = self.cleaned_data.get("q") or ""
        if self.section.search_numbers and numbers.looks_like_number(value):
            return numbers.number_digits(value) or value  # caller IDs hold the number as the API writes it
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "preset" in self.fields and not data.get("preset") and (data.get("start") or data.get("end")):
            data["preset"] = "custom"  # days typed with "Any time" still chosen mean those days
        for low, high, what in (
            ("min_duration", "max_duration", "duration"),
            ("min_cx", "max_cx", "CX score"),
        ):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, f"The largest {what} must not be below the smallest.")
        if data.get("preset") == "custom" and not (self.has_error("start") or self.has_error("end")):
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
        filters = date_filters(section.date_field, *self.date_span)
        simple = {
            "from_number": (section.from_field, "like"),
            "to_number": (section.to_field, "like"),
            "call_type": ("type", "eq"),
            "disposition": ("disposition", "eq"),
            "user": ("user_id", "eq"),
            "operator": ("operator_id", "eq"),
            "min_duration": ("duration", "gte"),
            "max_duration": ("duration", "lte"),
            "sentiment": ("sentiment", "eq"),
            "min_cx": ("cx_score", "gte"),
            "max_cx": ("cx_score", "lte"),
            "folder": ("folder", "eq"),
            "chat_state": ("state", "eq"),
            "channel": ("channel", "eq"),
            "q": (section.search_field, "like"),
        }
        for name, (prop, operator) in simple.items():
            value = data.get(name)
            if value not in (None, ""):
                filters.append(Filter(prop, operator, value))
        if data.get("is_new"):
            filters.append(Filter("is_new", "eq", data["is_new"] == "new"))
        filters += time_filters(section.date_field, data.get("from_time"), data.get("to_time"))
        return filters

    # --- calls, not legs (history.calls, history.call_window) -----------------------------

    @property
    def shows_calls(self) -> bool:
        """A Calls table lists one row per call unless the legs toggle asks for every leg."""
        return "legs" in self.fields and not self.cleaned_data.get("legs")

    def time_window(self) -> tuple[datetime | None, datetime | None]:
        """The [start, end) the date filters ask for, as aware datetimes (None: open)."""
        bounds = [f for f in self.api_filters() if f.property == self.section.date_field]
        starts = [f.value for f in bounds if f.operator == "gte" and isinstance(f.value, datetime)]
        ends = [f.value for f in bounds if f.operator == "lt" and isinstance(f.value, datetime)]
        return (max(starts) if starts else None), (min(ends) if ends else None)

    def call_criteria(self) -> CallCriteria:
        data = self.cleaned_data
        return CallCriteria(
            type=data.get("call_type") or "",
            disposition=data.get("disposition") or "",
            user=data.get("user"),
            min_duration=data.get("min_duration"),
            max_duration=data.get("max_duration"),
            src=data.get("from_number") or "",
            dst=data.get("to_number") or "",
            text=data.get("q") or "",
            text_field=self.section.search_field,
        )

    @property
    def date_span(self) -> tuple[date | None, date | None]:
        """The first and last local day the date filters cover (None: open)."""
        data = self.cleaned_data
        return dates.preset_days(data.get("preset", ""), data.get("start"), data.get("end"))

    @property
    def date_span_label(self) -> str:
        """The days asked for, beside the preset: "1–30 Nov 2026"."""
        return dates.range_label(*self.date_span) if self.is_valid() else ""

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
        return any(
            self.cleaned_data.get(name) not in (None, "") for name in self.fields if name not in self.ALWAYS
        )


def time_filters(field: str, start: datetime | None, end: datetime | None) -> list[Filter]:
    """An hour-precise range (aware local times) as API bounds: [start, end)."""
    return [Filter(field, op, value) for op, value in (("gte", start), ("lt", end)) if value is not None]


def date_filters(field: str, first: date | None, last: date | None) -> list[Filter]:
    """Local days (the supervisor's time zone) as bounds the API compares in UTC: [start, end)."""
    zone: ZoneInfo = timezone.get_current_timezone()
    start, end = dates.day_bounds(first, last, zone)
    filters = []
    if start:
        filters.append(Filter(field, "gte", start))
    if end:
        filters.append(Filter(field, "lt", end))
    return filters

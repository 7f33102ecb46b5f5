"""What a job acts on, said the way a supervisor would say it, and the period its file covers.

"Calls, yesterday (Mon 30 Nov 2026), missed, from +44 121 179 4264": the confirmation, the job's
panel and the audit log all show this, so a supervisor sees the scope before anything happens.
The period comes from the date filters the table really sends (not from the preset's name), so
whatever presets the form offers, the words and the file name say the days actually asked for.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils.dateformat import format as format_date

from voiphistory.history.filters import TableQuery
from voiphistory.voipstudio import Filter
from voiphistory.web.formatting import phone

DAY_FORMAT = "D j M Y"  # "Mon 30 Nov 2026", as the tables write dates
_DATE_FIELDS = ("preset", "start", "end")
_TIME_FIELDS = {"from_time": "from", "to_time": "until"}  # hour-precise bounds (the overview's hour bars)
_BARE_CHOICES = ("call_type", "disposition", "is_new")  # "missed", "answered", "new" say it all
_PHONE_WORDS = {"from_number": "from", "to_number": "to"}
_RANGE_WORDS = {
    "min_duration": "at least {} seconds long",
    "max_duration": "at most {} seconds long",
    "min_cx": "CX score {} or more",
    "max_cx": "CX score {} or less",
}
_RANGE_PAIRS = {"min_duration": "max_duration", "min_cx": "max_cx"}
_BETWEEN_WORDS = {"min_duration": "{} to {} seconds long", "min_cx": "CX score {} to {}"}


def period(filters: list[Filter], date_field: str, zone: ZoneInfo) -> tuple[date | None, date | None]:
    """The first and last day (in ``zone``) the date filters cover; None for an open end.
    The filters are [gte, lt) bounds at local midnight (history.filters.date_filters)."""
    first = last = None
    for item in filters:
        if item.property != date_field or not isinstance(item.value, datetime):
            continue
        local = item.value.astimezone(zone)
        if item.operator in ("gte", "gt"):
            first = max(first, local.date()) if first else local.date()  # several bounds: the tightest
        elif item.operator in ("lt", "lte"):
            day = (local - timedelta(microseconds=1)).date() if item.operator == "lt" else local.date()
            last = min(last, day) if last else day
    return first, last


def period_words(first: date | None, last: date | None) -> str:
    if first and last:
        if first == last:
            return format_date(first, DAY_FORMAT)
        return f"{format_date(first, DAY_FORMAT)} to {format_date(last, DAY_FORMAT)}"
    if first:
        return f"since {format_date(first, DAY_FORMAT)}"
    if last:
        return f"until {format_date(last, DAY_FORMAT)}"
    return "all time"


def file_name(title: str, first: date | None, last: date | None, extension: str) -> str:
    """``calls 2026-11-30.csv``, ``calls 2026-11-01 to 2026-11-30.xlsx``, ``calls all time.csv``."""
    if first and last:
        when = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
    elif first:
        when = f"from {first.isoformat()}"
    elif last:
        when = f"until {last.isoformat()}"
    else:
        when = "all time"
    return f"{title.lower()} {when}.{extension}"


def _choice_label(field: forms.Field, value: object) -> str:
    for key, label in getattr(field, "choices", ()):
        if str(key) == str(value):
            return str(label)
    return str(value)


def scope_words(form: TableQuery, zone: ZoneInfo) -> str:
    """The table's filters in words, starting with its title and the days it covers."""
    section, data = form.section, form.cleaned_data
    first, last = period(form.api_filters(), section.date_field, zone)
    days = period_words(first, last)
    preset = data.get("preset") or ""
    if preset and preset != "custom" and "preset" in form.fields:
        days = f"{_choice_label(form.fields['preset'], preset).lower()} ({days})"
    words = [section.title, days]
    # "missed" before "from …": what kind of item first, as people say it.
    names = sorted(form.fields, key=lambda name: name not in _BARE_CHOICES)
    for name in names:
        field, value = form.fields[name], data.get(name)
        label = str(field.label or name).lower()  # every table field has a label
        if name in form.ALWAYS and name != "q" or name in _DATE_FIELDS or value in (None, "", False, []):
            continue
        if name in _TIME_FIELDS:
            words.append(
                f"{_TIME_FIELDS[name]} {value.astimezone(zone):%H:%M}"
                if isinstance(value, datetime)
                else str(value)
            )
        elif value is True:
            words.append(label)
        elif name == "q":
            words.append(f'{section.search_label.lower()} contains "{value}"')
        elif name in _PHONE_WORDS:
            typed = str(form.data.get(name, value)).strip()
            shown = phone(str(value)) if str(value).isdigit() else typed
            words.append(f"{_PHONE_WORDS[name]} {shown if shown.startswith('+') else typed}")
        elif name in _RANGE_PAIRS and data.get(_RANGE_PAIRS[name]) not in (None, ""):
            words.append(_BETWEEN_WORDS[name].format(value, data[_RANGE_PAIRS[name]]))  # "CX score 70 to 79"
        elif name in _RANGE_WORDS:
            if name not in _RANGE_PAIRS.values() or data.get(f"min_{name[4:]}") in (None, ""):
                words.append(_RANGE_WORDS[name].format(value))  # else said with its min
        elif name in ("user", "operator"):
            words.append(f"{label} {_choice_label(field, value)}")
        elif name in _BARE_CHOICES:
            words.append(_choice_label(field, value).lower())
        elif getattr(field, "choices", None):
            words.append(f"{label} {_choice_label(field, value)}")
        else:
            words.append(f"{label} {value}")
    return ", ".join(words)

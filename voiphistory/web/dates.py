"""Which days a supervisor asks about: the presets, the days any date field accepts, how a range reads.

One place for all of it: the tables (``forms.TableQuery``), the audit log and the jobs started from
a table (which re-validate the table's query) use these, so a date refused on one page is refused
on every one, always as a form error before anything is asked of VoIPstudio.

"Today" is the supervisor's: ``timezone.localdate()`` under the zone the session middleware
activates (and that a job re-activates from ``Job.time_zone``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.dateformat import format as format_date

PRESETS = {
    "": "Any time",
    "today": "Today",
    "yesterday": "Yesterday",
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "month": "This month",
    "last_month": "Last month",
    "custom": "Custom",
}

#: The days a date field accepts. The API takes "YYYY-MM-DD H:I:S" and has nothing before the
#: platform existed; far-future days (9999-12-31) overflow the exclusive end bound (day + 1) and
#: year 1 overflows the conversion to UTC. See docs/voipstudio-api.md, "Dates the dashboard sends".
EARLIEST_DAY = date(2000, 1, 1)
DAYS_AHEAD = 366
DAY_FORMAT = "D j M Y"  # "Mon 30 Nov 2026", as the tables write dates


def allowed_days(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return EARLIEST_DAY, today + timedelta(days=DAYS_AHEAD)


class DayField(forms.DateField):
    """A day within ``allowed_days`` (checked against the supervisor's today when cleaned)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(**kwargs)

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is not None:
            _check_day(value)


class MomentField(forms.DateTimeField):
    """A local date and time on one of the ``allowed_days`` (an hour of the overview's hour bars)."""

    def validate(self, value: datetime | None) -> None:
        super().validate(value)
        if value is not None:
            _check_day(value.date())  # made aware in the supervisor's zone: its date is theirs


def _check_day(value: date) -> None:
    first, last = allowed_days()
    if not first <= value <= last:
        raise forms.ValidationError(
            f"Choose a day between {format_date(first, 'j M Y')} and {format_date(last, 'j M Y')}.",
            code="out_of_range",
        )


def preset_days(
    preset: str, start: date | None = None, end: date | None = None, *, today: date | None = None
) -> tuple[date | None, date | None]:
    """The first and last day (inclusive, local) a preset covers; ``start``/``end`` for custom.
    None for an open end ("any time", or a custom range with one side only)."""
    today = today or timezone.localdate()
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - timedelta(days=1)
    days = {
        "today": (today, today),
        "yesterday": (today - timedelta(days=1), today - timedelta(days=1)),
        "7d": (today - timedelta(days=6), today),
        "30d": (today - timedelta(days=29), today),
        "month": (first_of_month, today),
        "last_month": (last_month_end.replace(day=1), last_month_end),
        "custom": (start, end),
    }
    return days.get(preset, (None, None))


def day_bounds(
    first: date | None, last: date | None, zone: ZoneInfo
) -> tuple[datetime | None, datetime | None]:
    """Local days as aware datetimes [start of ``first``, start of the day after ``last``)."""
    start = datetime.combine(first, time.min, zone) if first else None
    end = datetime.combine(last + timedelta(days=1), time.min, zone) if last else None
    return start, end


def range_label(first: date | None, last: date | None) -> str:
    """ "Mon 30 Nov 2026", "1–30 Nov 2026", "28 Nov – 3 Dec 2026", "From Mon 2 Nov 2026"; "" for none."""
    if first and last:
        if first == last:
            return format_date(first, DAY_FORMAT)
        if (first.year, first.month) == (last.year, last.month):
            return f"{first.day}–{format_date(last, 'j M Y')}"
        if first.year == last.year:
            return f"{format_date(first, 'j M')} – {format_date(last, 'j M Y')}"
        return f"{format_date(first, 'j M Y')} – {format_date(last, 'j M Y')}"
    if first:
        return f"From {format_date(first, DAY_FORMAT)}"
    if last:
        return f"Until {format_date(last, DAY_FORMAT)}"
    return ""

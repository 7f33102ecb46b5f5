"""Date presets, the range shown beside them, and days the API cannot take (issue 11, point 5).

Form level: what each preset resolves to on a frozen "today" in the supervisor's zone, how a range
reads, which days any date field accepts. View level (against the emulator): the range beside the
preset on the page and in the fragment, and out-of-range days answered 200 with the form error on
every table, the audit log and for jobs, with no request upstream.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict
from django.utils import timezone

from voiphistory.history.catalog import BY_SLUG, SECTIONS
from voiphistory.history.filters import TableQuery
from voiphistory.voipstudio import Filter
from voiphistory.web.dates import DAYS_AHEAD, EARLIEST_DAY, allowed_days, preset_days, range_label

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "table"}
CALLS = BY_SLUG["calls"]
TODAY = date(2026, 12, 1)  # a Tuesday


@pytest.mark.parametrize(
    ("preset", "first", "last"),
    [
        ("today", date(2026, 12, 1), date(2026, 12, 1)),
        ("yesterday", date(2026, 11, 30), date(2026, 11, 30)),
        ("7d", date(2026, 11, 25), date(2026, 12, 1)),
        ("30d", date(2026, 11, 2), date(2026, 12, 1)),
        ("month", date(2026, 12, 1), date(2026, 12, 1)),
        ("last_month", date(2026, 11, 1), date(2026, 11, 30)),
        ("", None, None),
    ],
)
def test_each_preset_resolves_to_its_days(preset, first, last):
    assert preset_days(preset, today=TODAY) == (first, last)


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (date(2026, 1, 15), date(2025, 12, 1), date(2025, 12, 31)),  # across the year
        (date(2028, 3, 31), date(2028, 2, 1), date(2028, 2, 29)),  # a leap February
    ],
)
def test_last_month_is_the_whole_calendar_month_before(today, first, last):
    assert preset_days("last_month", today=today) == (first, last)


def test_custom_is_the_days_typed():
    assert preset_days("custom", date(2026, 11, 3), None, today=TODAY) == (date(2026, 11, 3), None)


@pytest.mark.parametrize(
    ("first", "last", "words"),
    [
        (date(2026, 11, 30), date(2026, 11, 30), "Mon 30 Nov 2026"),
        (date(2026, 11, 1), date(2026, 11, 30), "1–30 Nov 2026"),
        (date(2026, 11, 25), date(2026, 12, 1), "25 Nov – 1 Dec 2026"),
        (date(2025, 12, 1), date(2026, 1, 31), "1 Dec 2025 – 31 Jan 2026"),
        (date(2026, 11, 2), None, "From Mon 2 Nov 2026"),
        (None, date(2026, 11, 2), "Until Mon 2 Nov 2026"),
        (None, None, ""),
    ],
)
def test_a_range_reads_as_the_tables_write_dates(first, last, words):
    assert range_label(first, last) == words


def frozen_at(monkeypatch, instant: datetime) -> None:
    """ "Now" for the zone utilities (timezone.localdate reads timezone.now): no sleeping, no clock."""
    monkeypatch.setattr(timezone, "now", lambda: instant)


def test_the_presets_today_is_the_supervisors_and_the_bounds_are_their_midnights(monkeypatch):
    frozen_at(monkeypatch, datetime(2026, 11, 30, 23, 30, tzinfo=UTC))  # already 1 Dec in Auckland
    zone = ZoneInfo("Pacific/Auckland")
    with timezone.override(zone):
        form = TableQuery(CALLS, QueryDict("preset=yesterday"), users={})
        assert form.is_valid()
        assert form.date_span_label == "Mon 30 Nov 2026"
        assert form.api_filters()[:2] == [
            Filter("calldate", "gte", datetime(2026, 11, 30, tzinfo=zone)),
            Filter("calldate", "lt", datetime(2026, 12, 1, tzinfo=zone)),
        ]
    with timezone.override(ZoneInfo("UTC")):
        form = TableQuery(CALLS, QueryDict("preset=yesterday"), users={})
        assert form.is_valid() and form.date_span_label == "Sun 29 Nov 2026"


def test_days_typed_without_a_preset_are_a_custom_range():
    form = TableQuery(CALLS, QueryDict("start=2026-11-03&end=2026-11-04"), users={})
    assert form.is_valid() and form.cleaned_data["preset"] == "custom"
    assert form.date_span_label == "3–4 Nov 2026" and len(form.api_filters()) == 2


@pytest.mark.parametrize(
    "params",
    [
        "preset=custom&end=9999-12-31",
        "preset=custom&start=0001-01-01",
        "start=1999-12-31",
        f"end={(date.today() + timedelta(days=DAYS_AHEAD + 2)).isoformat()}",
    ],
)
def test_days_outside_what_the_api_takes_are_a_form_error(params):
    form = TableQuery(CALLS, QueryDict(params), users={})
    assert not form.is_valid()
    first, last = allowed_days()
    assert (
        f"Choose a day between 1 Jan 2000 and {last.day} {last:%b %Y}." in str(form.errors)
        and first == EARLIEST_DAY
    )


@pytest.mark.parametrize("params", ["from_time=9999-12-31T23:00", "to_time=0001-01-01T01:00"])
def test_an_hour_on_a_day_outside_what_the_api_takes_is_a_form_error_too(params):
    with timezone.override(ZoneInfo("Asia/Tokyo")):  # year 1 in a zone east of UTC cannot even reach UTC
        form = TableQuery(CALLS, QueryDict(params), users={})
        assert not form.is_valid() and "Choose a day between" in str(form.errors)


def test_an_out_of_range_day_is_the_only_complaint():
    form = TableQuery(CALLS, QueryDict("preset=custom&end=9999-12-31"), users={})
    assert not form.is_valid() and list(form.errors) == ["end"]  # not also "choose a first or last day"


def test_the_first_and_last_allowed_days_are_accepted():
    first, last = allowed_days()
    form = TableQuery(CALLS, QueryDict(f"start={first.isoformat()}&end={last.isoformat()}"), users={})
    assert form.is_valid(), form.errors


# --- Pages, against the emulator -----------------------------------------------------------------


def upstream_requests(caplog) -> list[int]:
    """The project's own counter: the request log line says how many VoIPstudio requests a page made."""
    return [
        int(re.search(r"upstream_requests=(\d+)", r.getMessage()).group(1))
        for r in caplog.records
        if r.name == "voiphistory.request"
    ]


def test_the_range_is_shown_beside_the_preset_and_follows_it_in_the_fragment(supervisor, monkeypatch):
    page = supervisor.get("/calls/", {"preset": "last_month"}).content.decode()
    today = timezone.localdate()
    first, last = preset_days("last_month", today=today)
    label = range_label(first, last)
    assert re.search(r'<p id="date-range" class="date-range" aria-live="polite">.*' + re.escape(label), page)
    fragment = supervisor.get("/calls/", {"preset": "yesterday"}, **HTMX).content.decode()
    yesterday = today - timedelta(days=1)
    label = re.escape(range_label(yesterday, yesterday))
    assert re.search(r'<p id="date-range" class="date-range" hx-swap-oob="true"[^>]*>.*' + label, fragment)


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.slug)
@pytest.mark.parametrize(
    "params", [{"preset": "custom", "end": "9999-12-31"}, {"preset": "custom", "start": "0001-01-01"}]
)
def test_an_out_of_range_day_is_a_form_error_on_every_table_and_nothing_is_asked(
    supervisor, caplog, section, params
):
    supervisor.get(f"/{section.slug}/")  # the people for the User filter are cached now
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="voiphistory.request"):
        for response in (
            supervisor.get(f"/{section.slug}/", params),
            supervisor.get(f"/{section.slug}/", params, **HTMX),
        ):
            assert response.status_code == 200
            body = response.content.decode()
            assert "Some filters need fixing" in body and "Choose a day between 1 Jan 2000 and" in body
    assert upstream_requests(caplog) == [0, 0]


@pytest.mark.parametrize("params", [{"end": "9999-12-31"}, {"start": "0001-01-01"}])
def test_an_out_of_range_day_is_a_form_error_on_the_audit_log(supervisor, params):
    response = supervisor.get("/audit/", params)
    assert response.status_code == 200
    assert (
        "Some filters need fixing" in response.content.decode()
        and "Choose a day between" in response.content.decode()
    )
    assert supervisor.get("/audit/export.csv", params).status_code == 400  # a form, not a file of everything


@pytest.mark.parametrize("action", ["export", "delete_matching", "archive_matching"])
def test_a_job_with_an_out_of_range_day_is_refused_with_the_reason(supervisor, action):
    from voiphistory.jobs.models import Job

    section = "recordings" if action == "archive_matching" else "calls"
    response = supervisor.post(
        "/jobs/start/",
        {"section": section, "action": action, "query": "preset=custom&end=9999-12-31"},
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "filters need fixing" in body and "Choose a day between 1 Jan 2000 and" in body
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("kind", "section"), [("export", "calls"), ("archive", "recordings"), ("delete", "calls")]
)
def test_a_job_whose_query_became_invalid_fails_with_a_message_instead_of_retrying(
    supervisor, dashboard, kind, section
):
    """A job queued before the rule (or with a day that has since left the range) stops for good."""
    from django.contrib.auth import get_user_model

    from voiphistory.accounts import tokens
    from voiphistory.jobs import runner
    from voiphistory.jobs.models import Job

    owner = get_user_model().objects.get()
    job = Job.objects.create(
        owner=owner,
        kind=kind,
        section=section,
        query="preset=custom&end=9999-12-31",
        time_zone="UTC",
        customer_id=1,
        sealed_token=tokens.seal(dashboard.token()),
    )
    runner.job_run(job_id=job.pk)  # returns: nothing for Celery to retry
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "filters" in job.message and not job.deleted

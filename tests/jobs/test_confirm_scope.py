"""Issue 11.6: before a delete-all or an export, the supervisor sees the scope in words, the zone,
the count and the first rows; the undo window counts down; progress reads in words."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateformat import format as format_date

from voiphistory.audit.models import Action, AuditEvent
from voiphistory.history.catalog import BY_SLUG
from voiphistory.history.filters import TableQuery
from voiphistory.jobs import scope
from voiphistory.jobs.models import Job

LONDON = ZoneInfo("Europe/London")
QUERY = "preset=yesterday&min_duration=30&sort=-when"


@pytest.fixture
def london(supervisor, dashboard):
    session = supervisor.session
    session["time_zone"] = "Europe/London"
    session.save()
    supervisor.emulator = dashboard
    return supervisor


def yesterday_words() -> str:
    return format_date(timezone.localdate(timezone=LONDON) - timedelta(days=1), "D j M Y")


def table_rows(client, query: str) -> tuple[int, list[str]]:
    """What VoIPstudio holds for the table's filters, newest first (the table's sort): its total
    and its first ids, asked of the emulator directly."""
    from tests.conftest import SUPERVISOR

    emulator = client.emulator
    with timezone.override(LONDON):
        form = TableQuery(BY_SLUG["recordings"], QueryDict(query), users={})
        assert form.is_valid(), form.errors
        filters = json.dumps([f.to_api() for f in form.api_filters()])
    body = emulator.get("/monitors", SUPERVISOR, limit=5, filter=filters, sort="timestamp", dir="DESC").json()
    return body["total"], [str(row["id"]) for row in body["data"]]


def preview_ids(html: str) -> list[str]:
    return re.findall(r'<tr data-id="(\d+)"', html)


@pytest.mark.parametrize("htmx", [True, False], ids=["fragment", "page"])
def test_delete_all_matching_states_scope_zone_count_and_first_rows(london, settings, htmx):
    settings.JOBS_CONFIRM_THRESHOLD = 10_000
    total, first_ids = table_rows(london, QUERY)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    asked = london.post(
        "/jobs/start/", {"section": "recordings", "action": "delete_matching", "query": QUERY}, **headers
    )
    html = asked.content.decode()

    assert asked.status_code == 200 and ("<html" in html) is not htmx
    assert f"Delete {total:,} recordings?" in html
    assert (
        f"Recordings, yesterday ({yesterday_words()}), at least 30 seconds long</strong>. Times are in Europe/London."
        in html
    )
    assert preview_ids(html) == first_ids[:5] and f"The first 5 of {total:,}" in html
    assert f'name="count" value="{total}"' in html and not Job.objects.exists()


def test_confirming_records_the_count_and_the_scope_on_the_job(london, settings):
    settings.JOBS_CONFIRM_THRESHOLD = 10_000
    total, _ids = table_rows(london, QUERY)
    form = {
        "section": "recordings",
        "action": "delete_matching",
        "query": QUERY,
        "count": total,
        "confirm": "yes",
    }
    panel = london.post("/jobs/start/", form, HTTP_HX_REQUEST="true").content.decode()

    job = Job.objects.get()
    assert (job.kind, job.ids, job.confirmed_count) == ("delete", None, total)
    assert job.scope == f"Recordings, yesterday ({yesterday_words()}), at least 30 seconds long"
    assert job.scope in panel and "Nothing has been deleted yet." in panel
    audited = AuditEvent.objects.get(action=Action.BULK_DELETE)
    assert (audited.detail["scope"], audited.detail["count"]) == (job.scope, total)


def test_a_count_that_changed_since_the_confirmation_was_shown_asks_again(london, settings):
    settings.JOBS_CONFIRM_THRESHOLD = 10_000
    total, _ids = table_rows(london, QUERY)
    form = {
        "section": "recordings",
        "action": "delete_matching",
        "query": QUERY,
        "count": total + 3,
        "confirm": "yes",
    }
    html = london.post("/jobs/start/", form, HTTP_HX_REQUEST="true").content.decode()
    assert f"The number matching changed from {total + 3:,} to {total:,} since you looked" in html
    assert f'name="count" value="{total}"' in html and not Job.objects.exists()


def test_more_than_the_threshold_still_wants_the_count_typed(london, settings):
    settings.JOBS_CONFIRM_THRESHOLD = 1
    total, _ids = table_rows(london, QUERY)
    form = {"section": "recordings", "action": "delete_matching", "query": QUERY, "count": total}
    assert (
        f"Type {total} to confirm"
        in london.post("/jobs/start/", form, HTTP_HX_REQUEST="true").content.decode()
    )
    assert not Job.objects.exists()
    london.post("/jobs/start/", {**form, "confirm": str(total)}, HTTP_HX_REQUEST="true")
    assert Job.objects.get().confirmed_count == total


@pytest.mark.parametrize(
    ("action", "kind", "words", "extension"),
    [("export", "export", "to CSV", "csv"), ("export_xlsx", "xlsx_export", "to Excel", "xlsx")],
)
def test_an_export_is_confirmed_with_its_scope_and_file_name_then_started(
    london, action, kind, words, extension
):
    total, first_ids = table_rows(london, QUERY)
    form = {"section": "recordings", "action": action, "query": QUERY}
    html = london.post("/jobs/start/", form, HTTP_HX_REQUEST="true").content.decode()
    day = (timezone.localdate(timezone=LONDON) - timedelta(days=1)).isoformat()
    assert f"Export {total:,} recordings {words}?" in html and "Times are in Europe/London." in html
    assert f"recordings {day}.{extension}" in html
    assert preview_ids(html) == first_ids[:5] and not Job.objects.exists()

    london.post("/jobs/start/", {**form, "count": total, "confirm": "yes"}, HTTP_HX_REQUEST="true")
    job = Job.objects.get()
    assert (job.kind, job.confirmed_count, job.time_zone) == (kind, total, "Europe/London")


def test_nothing_matching_offers_nothing_to_confirm(london):
    query = "min_duration=999999"
    html = london.post(
        "/jobs/start/",
        {"section": "recordings", "action": "delete_matching", "query": query},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "No recordings match these filters, so there is nothing to delete." in html
    assert "button danger" not in html
    again = london.post(
        "/jobs/start/",
        {"section": "recordings", "action": "delete_matching", "query": query, "count": 0, "confirm": "yes"},
        HTTP_HX_REQUEST="true",
    )
    assert again.status_code == 200 and not Job.objects.exists()


def test_upstream_trouble_while_counting_is_a_message_in_the_confirmation(london, dashboard):
    dashboard.add_fault(path=r"^/monitors$", method="GET", status=503)
    response = london.post(
        "/jobs/start/", {"section": "recordings", "action": "export", "query": QUERY}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not Job.objects.exists()


def test_the_scope_reads_as_a_supervisor_would_say_it():
    with timezone.override(LONDON):
        form = TableQuery(
            BY_SLUG["calls"],
            {"preset": "yesterday", "call_type": "M", "from_number": "+44 121 179 4264"},
            users={},
        )
        assert form.is_valid(), form.errors
        words = scope.scope_words(form, LONDON)
    assert words == f"Calls, yesterday ({yesterday_words()}), missed, from +44 121 179 4264"


def test_a_custom_range_and_an_open_range_in_words_and_file_names():
    with timezone.override(LONDON):
        form = TableQuery(
            BY_SLUG["recordings"],
            {"preset": "custom", "start": "2026-11-01", "end": "2026-11-30", "q": "refund"},
            users={},
        )
        assert form.is_valid(), form.errors
        words = scope.scope_words(form, LONDON)
        first, last = scope.period(form.api_filters(), "timestamp", LONDON)
    assert words == 'Recordings, Sun 1 Nov 2026 to Mon 30 Nov 2026, transcript contains "refund"'
    assert scope.file_name("Calls", first, last, "xlsx") == "calls 2026-11-01 to 2026-11-30.xlsx"
    assert scope.file_name("Calls", last, last, "csv") == "calls 2026-11-30.csv"
    assert scope.file_name("Call tracking", None, None, "csv") == "call tracking all time.csv"
    assert scope.file_name("Calls", first, None, "csv") == "calls from 2026-11-01.csv"


def make_job(client, **fields) -> Job:
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    return Job.objects.create(owner=owner, customer_id=1, section="recordings", **fields)


@pytest.mark.parametrize("htmx", [True, False], ids=["fragment", "page"])
def test_the_undo_window_counts_down_in_words_from_a_deadline_the_server_gives(london, htmx):
    job = make_job(
        london, kind="delete", ids=[1, 2], total=2, not_before=timezone.now() + timedelta(seconds=8.5)
    )
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    html = london.get(f"/jobs/{job.pk}/", **headers).content.decode()
    # Without JavaScript the sentence is complete; with it, app.js counts data-countdown down.
    countdown = re.search(
        r'Deleting starts in\s+<time class="countdown" datetime="([^"]+)" data-countdown="(\d+)">(\d+) seconds</time>',
        html,
    )
    assert countdown and countdown[2] == countdown[3] and int(countdown[2]) in (8, 9)
    assert datetime.fromisoformat(countdown[1]) == job.not_before
    assert "Undo before then and nothing is deleted." in html and "Nothing has been deleted yet." in html
    assert not re.search(
        r"\b\d\d:\d\d:\d\d\b", html.split("job-panel")[1].split("</section>")[0]
    )  # no clock time
    assert ">Undo</button>" in html


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (
            {"status": "running", "total": 264, "done": 120, "deleted": 120},
            "Deleting 120 of 264, none failed.",
        ),
        (
            {"status": "running", "total": 264, "done": 120, "deleted": 117, "already_gone": 2, "failed": 1},
            "Deleting 120 of 264, 1 failed, 2 were already gone.",
        ),
        ({"status": "running", "total": None}, "Listing what matches before deleting anything."),
        (
            {"status": "succeeded", "total": 264, "done": 264, "deleted": 261, "already_gone": 3},
            "Finished: 261 deleted, 3 were already gone.",
        ),
        ({"status": "succeeded", "total": 264, "done": 264, "deleted": 264}, "Finished: 264 deleted."),
        ({"status": "cancelled", "total": 264, "done": 0}, "Cancelled before anything was deleted."),
        (
            {"status": "cancelled", "total": 264, "done": 100, "deleted": 100},
            "Cancelled after 100 deleted of 264.",
        ),
        (
            {"status": "changed", "total": 270, "confirmed_count": 264},
            "Stopped before deleting anything: 264 recordings matched when you confirmed, 270 match now.",
        ),
    ],
)
def test_progress_reads_in_words(london, fields, words):
    job = make_job(london, kind="delete", **fields)
    html = london.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert f'<p class="job-progress">{words}' in html
    assert "· deleted" not in html and "already gone 0" not in html
    assert words in london.get("/jobs/").content.decode()


def test_a_finished_export_says_how_many_rows_and_how_long(london):
    started = timezone.now() - timedelta(seconds=4)
    job = make_job(
        london,
        kind="xlsx_export",
        status="succeeded",
        total=1200,
        done=1200,
        started_at=started,
        finished_at=started + timedelta(seconds=4),
        scope="Recordings, all time",
    )
    html = london.get(f"/jobs/{job.pk}/").content.decode()
    assert (
        "Finished: 1,200 rows exported. It took 4 seconds." in html
        and "Recordings, all time. Times in" in html
    )


def test_a_range_with_both_ends_reads_as_one_range():
    form = TableQuery(
        BY_SLUG["recordings"], {"min_cx": "70", "max_cx": "79", "max_duration": "120"}, users={}
    )
    assert form.is_valid(), form.errors
    assert (
        scope.scope_words(form, LONDON) == "Recordings, all time, at most 120 seconds long, CX score 70 to 79"
    )


def test_deleting_calls_says_how_many_calls_and_how_many_legs(london, settings):
    settings.JOBS_CONFIRM_THRESHOLD = 100_000
    html = london.post(
        "/jobs/start/",
        {"section": "calls", "action": "delete_matching", "query": "preset=yesterday&call_type=M"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    calls, legs = map(int, re.search(r"Delete (\d+) calls? \((\d+) legs?\)\?", html).groups())
    assert 0 < calls <= legs and f"The first 5 of {calls}" in html and f'name="count" value="{legs}"' in html


@pytest.mark.parametrize("htmx", [True, False], ids=["fragment", "page"])
def test_the_danger_zone_says_how_many_each_button_deletes(supervisor, dashboard, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    html = supervisor.get("/jobs/danger-zone/", **headers).content.decode()
    recordings = dashboard.get("/monitors", limit=1).json()["total"]
    calls = dashboard.get("/cdrs", limit=1).json()["total"]
    assert f"VoIPstudio holds {recordings:,} records here now." in html
    assert f"VoIPstudio holds {calls:,} records here now (each a call leg)." in html
    assert ("<html" in html) is not htmx


def test_a_collection_that_cannot_be_counted_still_has_its_button(supervisor, dashboard):
    dashboard.add_fault(path=r"^/monitors$", method="GET", status=503)
    html = supervisor.get("/jobs/danger-zone/").content.decode()
    assert (
        "VoIPstudio does not say how many recordings there are." in html
        and "Delete all recordings</button>" in html
    )

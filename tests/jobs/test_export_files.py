"""Issue 11.9: exports people can open. CSV values as they are (formulas neutralised, phone numbers
not), the header names the zone; the Excel workbook has text, dates and durations Excel shows
intact; both hold the table's rows and columns; the file name says the period."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.contrib.auth import get_user_model

from tests.conftest import SUPERVISOR
from tests.jobs.test_jobs import fresh  # noqa: F401 (a fixture: a private emulator and export directory)
from voiphistory.accounts import tokens
from voiphistory.history.catalog import BY_SLUG
from voiphistory.jobs import csvfile, runner
from voiphistory.jobs.models import Job
from voiphistory.voipstudio import Cdr
from voiphistory.web.csv import neutralise

DAY = "2026-11-30"
QUERY = f"preset=custom&start={DAY}&end={DAY}&cols=when&cols=from&cols=duration&sort=-when"


def run(emulator, **fields) -> Job:
    owner, _ = get_user_model().objects.get_or_create(username=SUPERVISOR)
    job = Job.objects.create(owner=owner, customer_id=1, sealed_token=tokens.seal(emulator.token()), **fields)
    runner.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded", job.message
    return job


def day_of_calls(emulator, zone: str) -> list[dict]:
    """The legs of 30 Nov in ``zone``, newest first, straight from the API."""
    import json

    start = datetime(2026, 11, 30, tzinfo=ZoneInfo(zone)).astimezone(UTC)
    bounds = [
        {"property": "calldate", "operator": "gte", "value": f"{start:%Y-%m-%d %H:%M:%S}"},
        {"property": "calldate", "operator": "lt", "value": f"{start + timedelta(days=1):%Y-%m-%d %H:%M:%S}"},
    ]
    rows, page = [], 1
    while True:
        body = emulator.get(
            "/cdrs", limit=1000, page=page, filter=json.dumps(bounds), sort="calldate", dir="DESC"
        ).json()
        rows += body["data"]
        if len(rows) >= body["total"]:
            return rows
        page += 1


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "-2+3",
        "@SUM(A1)",
        "+1+1",
        "+44 20 7946 0000",
        "\tcmd",
        "\rcmd",
        "  =cmd",
        " \t@x",
        '=HYPERLINK("http://x")',
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised_even_after_spaces(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["+441211794264", "+1", "441211794264", "1001", "Jane Doe", "", "a=b", "anonymous"]
)
def test_values_and_e164_numbers_are_written_as_they_are(text):
    assert neutralise(text) == text


def test_a_csv_row_has_numbers_without_apostrophes_and_times_in_the_zone():
    cdr = Cdr(
        id=123456789012,
        calldate=datetime(2026, 1, 5, 23, 30, tzinfo=UTC),
        type="I",
        src="441211794264",
        src_name='=cmd|" /C calc"!A0',
        dst="1001",
        duration=75,
        billsec=60,
        user_id=7,
    )
    columns = BY_SLUG["calls"].columns
    zone = ZoneInfo("Europe/Paris")
    header = csvfile.header(columns, zone)
    row = dict(zip(header, csvfile.row(cdr, columns, {7: "Ann Agent"}, zone), strict=True))
    assert header[:2] == ["ID", "When (Europe/Paris)"]
    assert row["ID"] == "123456789012" and row["When (Europe/Paris)"] == "2026-01-06 00:30:00"
    assert row["From"] == '\'=cmd|" /C calc"!A0' and row["From number"] == "+441211794264"
    assert row["To number"] == "1001" and row["Duration"] == "0:01:15"


def test_the_csv_holds_the_tables_rows_and_columns_and_is_named_for_its_day(fresh, db, settings):
    settings.EXPORT_PAGE_SIZE = 100
    job = run(fresh, kind="export", section="calls", query=QUERY + "&legs=1", time_zone="Europe/London")
    expected = day_of_calls(fresh, "Europe/London")
    assert job.result_name == f"calls {DAY}.csv"
    with open(job.result_path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["ID", "When (Europe/London)", "From", "From number", "Duration"]
    assert [row[0] for row in rows[1:]] == [str(cdr["id"]) for cdr in expected]
    numbers = [row[3] for row in rows[1:]]
    assert not any(n.startswith("'") for n in numbers) and any(n.startswith("+44") for n in numbers)
    first = expected[0]
    when = datetime.fromisoformat(first["calldate"]).replace(tzinfo=UTC).astimezone(ZoneInfo("Europe/London"))
    assert rows[1][1] == f"{when:%Y-%m-%d %H:%M:%S}"


def test_the_workbook_has_text_ids_and_numbers_real_dates_and_durations(fresh, db, settings):
    settings.EXPORT_PAGE_SIZE = 100
    job = run(
        fresh, kind="xlsx_export", section="calls", query=QUERY + "&legs=1", time_zone="America/New_York"
    )
    expected = day_of_calls(fresh, "America/New_York")
    assert job.result_name == f"calls {DAY}.xlsx" and job.done == len(expected)

    sheet = openpyxl.load_workbook(job.result_path, read_only=True).active
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]] == [
        "ID",
        "When (America/New_York)",
        "From",
        "From number",
        "Duration",
    ]
    assert len(rows) == len(expected) + 1
    first, cdr = rows[1], expected[0]
    ident, when, _name, number, duration = first
    assert (ident.data_type, ident.value) == ("s", str(cdr["id"]))
    assert number.data_type == "s"
    local = (
        datetime.fromisoformat(cdr["calldate"]).replace(tzinfo=UTC).astimezone(ZoneInfo("America/New_York"))
    )
    assert isinstance(when.value, datetime) and when.value == local.replace(tzinfo=None)
    assert when.number_format == "yyyy-mm-dd hh:mm:ss"
    assert duration.number_format == "[h]:mm:ss"
    assert (
        round(
            duration.value.total_seconds()
            if isinstance(duration.value, timedelta)
            else duration.value * 86400
        )
        == cdr["duration"]
    )
    numbers = {
        str(cdr["id"]): cdr["src"]
        for cdr in expected
        if cdr["src"].startswith("44") and len(cdr["src"]) >= 10
    }
    shown = {row[0].value: row[3] for row in rows[1:] if row[0].value in numbers}
    assert shown and all(
        cell.data_type == "s" and cell.value == f"+{numbers[id]}" for id, cell in shown.items()
    )


def test_an_export_of_all_time_says_so_in_its_name(fresh, db, settings):
    job = run(fresh, kind="export", section="recordings", query="min_cx=99&sort=when", time_zone="UTC")
    assert job.result_name == "recordings all time.csv"
    with open(job.result_path, encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert header[1] == "When (UTC)" and "Summary" in header


def test_a_workbook_stops_at_the_sheets_row_limit_and_says_so(fresh, db, settings, monkeypatch):
    from voiphistory.jobs import xlsxfile

    monkeypatch.setattr(xlsxfile, "MAX_ROWS", 3)
    settings.EXPORT_PAGE_SIZE = 2
    job = run(fresh, kind="xlsx_export", section="recordings", query="min_cx=99&sort=when", time_zone="UTC")
    sheet = openpyxl.load_workbook(job.result_path, read_only=True).active
    assert len(list(sheet.iter_rows())) == 1 + 3 and job.done == 3
    assert job.message == "Excel holds 3 rows: the file has the first 3. Use CSV for all of them."


def test_a_calls_export_has_the_calls_and_outcomes_the_table_shows(fresh, client, db, settings):
    import html as html_lib
    import re

    from tests.conftest import sign_in_as

    settings.EXPORT_PAGE_SIZE = 1000
    query = f"preset=custom&start={DAY}&end={DAY}&call_type=M&cols=when&cols=outcome&sort=-when&size=100"
    table = sign_in_as(client, fresh, SUPERVISOR).get(f"/calls/?{query}").content.decode()
    shown = [
        html_lib.unescape(text)
        for text in re.findall(r'<span class="badge [^"]*">([^<]+)</span></td>', table)
    ]
    total = int(re.search(r"of ([\d,]+) calls</caption>", table)[1].replace(",", ""))

    job = run(fresh, kind="export", section="calls", query=query, time_zone="UTC")
    with open(job.result_path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["ID", "When (UTC)", "Outcome"] and len(rows) - 1 == total <= 100
    assert [row[2] for row in rows[1:]] == shown


def test_a_recordings_archive_is_named_for_its_period_too(fresh, db):
    ids = [row["id"] for row in fresh.get("/monitors", limit=2, sort="id", dir="ASC").json()["data"]]
    job = run(
        fresh,
        kind="archive",
        section="recordings",
        ids=ids,
        query=f"preset=custom&start={DAY}&end={DAY}",
        time_zone="UTC",
    )
    assert job.result_name == f"recordings {DAY}.zip"

"""Issue 14.2 and 14.3: exports and archives at the API's speed, and still exactly right. The next page
is read while one is written and decoded by the writer (never lost, never twice), pages are as large as the setting says,
cells are formatted once per job, an archive takes its recordings' facts from list pages (no GET
per recording) and downloads several MP3s at once into a ZIP that keeps the ids' order."""

from __future__ import annotations

import csv
import math
import re
import threading
import zipfile
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from tests.jobs.test_export_files import DAY, QUERY, day_of_calls, run
from tests.jobs.test_jobs import fresh, make_job, monitor_ids  # noqa: F401 (fresh: a fixture)
from voiphistory.history.catalog import BY_SLUG
from voiphistory.jobs import csvfile, exports, runner
from voiphistory.voipstudio import Cdr, Page, Raw, VoipstudioClient


@pytest.fixture
def upstream(monkeypatch) -> list[tuple[str, str, dict]]:
    """Every request the client makes, from any thread: (method, path, params)."""
    asked: list[tuple[str, str, dict]] = []
    lock = threading.Lock()
    send = VoipstudioClient.http_request

    def recorded(self, method, path, **kwargs):
        with lock:
            asked.append((method, path, dict(kwargs.get("params") or {})))
        return send(self, method, path, **kwargs)

    monkeypatch.setattr(VoipstudioClient, "http_request", recorded)
    return asked


class Walked:
    """A collection of ``total`` numbered rows: which page answers were asked for, in which thread,
    and which were decoded, in which thread."""

    def __init__(self, total: int, size: int) -> None:
        self.total, self.size = total, size
        self.asked: list[tuple[int, str]] = []
        self.decoded: list[tuple[int, str]] = []
        self.second_asked = threading.Event()

    def page_answer(self, *, page, limit, filters, sort, direction):
        self.asked.append((page, threading.current_thread().name))
        if page == 2:
            self.second_asked.set()
        return page

    def page_of(self, answer, *, page, limit):
        self.decoded.append((page, threading.current_thread().name))
        first = (page - 1) * limit
        return Page(list(range(first, min(first + limit, self.total))), self.total, page, limit)


def walk_of(collection: Walked, settings):
    settings.EXPORT_PAGE_SIZE = collection.size
    job = SimpleNamespace(cursor=0)
    query = SimpleNamespace(shows_calls=False, sort_field="calldate", direction="DESC")
    return exports.export_pages(job, collection, query, [])


def test_the_next_page_is_read_while_the_current_one_is_written_and_decoded_by_the_writer(settings):
    collection = Walked(total=25, size=10)
    seen, ahead = [], []
    for page in walk_of(collection, settings):
        if page.page == 1:  # without reading ahead, page 2 is asked for only after this returns
            ahead.append(collection.second_asked.wait(timeout=10))
        seen.extend(page.items)
    assert ahead == [True] and seen == list(range(25))
    here = threading.current_thread().name
    assert [page for page, _thread in collection.asked] == [1, 2, 3]  # never past the total
    assert all(thread != here for _page, thread in collection.asked)  # the reading thread reads
    assert collection.decoded == [(1, here), (2, here), (3, here)]  # the writer decodes


def test_a_walk_stops_when_the_writer_stops(settings):
    collection = Walked(total=1000, size=10)
    walk = walk_of(collection, settings)
    assert next(walk).page == 1
    walk.close()
    assert [page for page, _thread in collection.asked] in ([1], [1, 2])  # at most the one on its way


def test_a_csv_export_in_small_pages_has_every_row_once_in_order_and_asks_the_configured_page_size(
    fresh, db, settings, upstream
):
    settings.EXPORT_PAGE_SIZE = 7
    job = run(fresh, kind="export", section="calls", query=QUERY + "&legs=1", time_zone="Europe/London")
    expected = [str(cdr["id"]) for cdr in day_of_calls(fresh, "Europe/London")]
    with open(job.result_path, encoding="utf-8-sig", newline="") as handle:
        ids = [row[0] for row in csv.reader(handle)][1:]
    assert ids == expected and len(expected) > 3 * 7  # no page lost, none twice, in the table's order
    pages = [params for method, path, params in upstream if path == "/cdrs"]
    assert {params["limit"] for params in pages} == {"7"}
    assert sorted(int(params["page"]) for params in pages) == list(range(1, math.ceil(len(expected) / 7) + 1))


def test_the_page_size_defaults_to_the_largest_the_api_serves():
    from voiphistory import settings as defaults

    assert defaults.EXPORT_PAGE_SIZE == 10_000 and defaults.ARCHIVE_PARALLEL_DOWNLOADS == 4


def test_a_jobs_rows_are_the_plain_rows_with_each_partys_cells_made_once(monkeypatch):
    made = []
    plain = csvfile.column_values
    monkeypatch.setattr(
        csvfile,
        "column_values",
        lambda item, column, *args: made.append(column.key) or plain(item, column, *args),
    )
    columns = BY_SLUG["calls"].columns
    zone = UTC
    cdrs = [
        Cdr(
            id=i,
            calldate=datetime(2026, 11, 30, 9, i, tzinfo=UTC),
            type="I",
            src="441211794264",
            src_name="",
            dst="1001",
            duration=60 + i % 2,
            billsec=Raw("x") if i == 3 else 30,
            user_id=7,
        )
        for i in range(6)
    ]
    rows = csvfile.Rows(columns, {7: "Ann Agent"}, zone, as_csv=True)
    memoised = [rows.cells(cdr) for cdr in cdrs]
    typed = csvfile.Rows(columns, {7: "Ann Agent"}, zone, as_csv=False)
    monkeypatch.setattr(csvfile, "column_values", plain)
    assert memoised == [csvfile.row(cdr, columns, {7: "Ann Agent"}, zone) for cdr in cdrs]
    assert [typed.cells(cdr) for cdr in cdrs] == [
        csvfile.values(cdr, columns, {7: "Ann Agent"}, zone) for cdr in cdrs
    ]
    assert made.count("from") == 1  # one number, formatted once for the whole job
    assert made.count("duration") == 2  # two different durations


def test_an_archive_is_in_the_ids_order_from_list_pages_without_a_get_per_recording(
    fresh, db, settings, upstream
):
    settings.ARCHIVE_PARALLEL_DOWNLOADS = 4
    ids = monitor_ids(fresh, 12)
    order = [ids[5], *ids[:5], *reversed(ids[6:])]
    fresh.add_fault(path=rf"^/monitors/{order[0]}\.mp3$", latency_ms=400)  # the first one comes in last
    job = make_job(fresh, kind="archive", section="recordings", ids=order)
    runner.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.done == 12 and job.failed == 0, job.message
    with zipfile.ZipFile(job.result_path) as archive:
        names = [name for name in archive.namelist() if name.endswith(".mp3")]
        manifest = list(csv.reader(archive.read("manifest.csv").decode("utf-8-sig").splitlines()))
    assert [int(re.search(r"_(\d+)\.mp3$", name)[1]) for name in names] == order
    assert [int(row[0]) for row in manifest[1:]] == order and all(
        row[-1] == "included" for row in manifest[1:]
    )
    singles = [path for method, path, params in upstream if re.fullmatch(r"/monitors/\d+", path)]
    lists = [path for method, path, params in upstream if path == "/monitors"]
    assert singles == [] and len(lists) == 1
    assert len([path for method, path, params in upstream if path.endswith(".mp3")]) == 12


def test_an_archive_of_all_matching_walks_the_table_once_and_asks_for_no_record(
    fresh, db, settings, upstream
):
    settings.EXPORT_PAGE_SIZE = 25
    job = make_job(fresh, kind="archive", section="recordings", query=f"preset=custom&start={DAY}&end={DAY}")
    runner.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.done == len(job.ids) > 0, job.message
    assert not [path for method, path, params in upstream if re.fullmatch(r"/monitors/\d+", path)]
    with zipfile.ZipFile(job.result_path) as archive:
        names = [name for name in archive.namelist() if name.endswith(".mp3")]
    assert [int(re.search(r"_(\d+)\.mp3$", name)[1]) for name in names] == job.ids == sorted(job.ids)


def test_a_recording_the_list_pages_lack_is_asked_for_alone_and_said_deleted(fresh, db, upstream):
    ids = monitor_ids(fresh, 2)
    job = make_job(fresh, kind="archive", section="recordings", ids=[ids[0], 999_999_999, ids[1]])
    runner.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.failed == 1
    singles = [path for method, path, params in upstream if re.fullmatch(r"/monitors/\d+", path)]
    assert singles == ["/monitors/999999999"]


def test_chosen_ids_are_read_in_spans_a_page_wide():
    from voiphistory.jobs.archive_downloads import id_spans

    assert list(id_spans([1, 2, 5, 20, 21, 40], 10)) == [(1, 5), (20, 21), (40, 40)]
    assert list(id_spans([], 10)) == [] and list(id_spans([7], 10)) == [(7, 7)]
    assert list(id_spans(list(range(100, 130)), 10)) == [(100, 109), (110, 119), (120, 129)]

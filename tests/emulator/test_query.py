"""Collection queries at depth: the indexes a page is read from, the same rows on every path, counts.

The query plans are SQLite's own (``EXPLAIN QUERY PLAN``) for the SQL the emulator's query module
builds, asked in a subprocess with the emulator's settings over a copy of the seeded template.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.emulator.test_api import flt

ROOT = Path(__file__).resolve().parents[2]
_PLAN_SCRIPT = """
import json, os
from django.db import connection
from voiphistory.emulator import resources
from voiphistory.emulator.paging import apply
from voiphistory.emulator.query import parse_collection_query
from voiphistory.emulator.seed import CUSTOMER_ID
plans = {}
for name, (resource, params) in json.loads(os.environ["QUERIES_TO_PLAN"]).items():
    resource = getattr(resources, resource)
    _, page = apply(parse_collection_query(params, resource), resource.queryset(CUSTOMER_ID))
    sql, args = page.ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, args)
        plans[name] = [row[-1] for row in cursor.fetchall()]
print(json.dumps(plans))
"""
_WINDOW = [("calldate", "gte", "2020-01-01"), ("calldate", "lte", "2099-12-31 23:59:59")]
QUERIES = {
    "cdr src": ("CDRS", {"filter": flt(("src", "eq", "442038467190")), "sort": "calldate", "dir": "DESC"}),
    "cdr dst + date": (
        "CDRS",
        {"filter": flt(("dst", "eq", "441614960321"), _WINDOW[0]), "sort": "-calldate"},
    ),
    "cdr user + date": ("CDRS", {"filter": flt(("user_id", "eq", 201005), _WINDOW[0]), "sort": "-calldate"}),
    "cdr disposition": (
        "CDRS",
        {"filter": flt(("disposition", "eq", "VM"), _WINDOW[0]), "sort": "-calldate"},
    ),
    "cdr type": ("CDRS", {"filter": flt(("type", "eq", "M"), _WINDOW[0]), "sort": "-calldate"}),
    "cdr window by id": (
        "CDRS",
        {"filter": flt(*_WINDOW), "sort": "id", "dir": "DESC", "page": "300", "limit": "50"},
    ),
    "monitor dst": ("MONITORS", {"filter": flt(("dst", "eq", "442038467190")), "sort": "-timestamp"}),
    "monitor src": ("MONITORS", {"filter": flt(("src", "eq", "442038467190")), "sort": "-timestamp"}),
    "voicemail caller": (
        "VOICEMESSAGES",
        {"filter": flt(("caller", "eq", "447700900123")), "sort": "-origtime"},
    ),
}
INDEXES = {
    "cdr src": "cdr_src_date",
    "cdr dst + date": "cdr_dst_date",
    "cdr user + date": "cdr_user_date_id",
    "cdr disposition": "cdr_disposition_date",
    "cdr type": "cdr_type_date",
    "cdr window by id": "cdr_id_date",
    "monitor dst": "monitor_dst_date",
    "monitor src": "monitor_src_date",
    "voicemail caller": "vm_caller_date",
}


@pytest.fixture(scope="module")
def plans(emulator_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    data_dir = tmp_path_factory.mktemp("query-plans")
    shutil.copy(emulator_template, data_dir / "emulator.sqlite3")
    env = dict(
        os.environ,
        VOIPHISTORY_DATA_DIR=str(data_dir),
        EMULATOR_DB=str(data_dir / "emulator.sqlite3"),
        QUERIES_TO_PLAN=json.dumps(QUERIES),
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "voiphistory.emulator", "shell", "-c", _PLAN_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_filter_and_sort_the_clients_use_reads_one_index(plans, name):
    # The page's ids come from the filter's own index, never from a scan of the table; sorted by id,
    # a date window walks the id index instead of sorting the window's rows.
    subquery = [step for step in plans[name] if "U0" in step or "SUBQUERY" not in step]
    assert any(INDEXES[name] in step for step in plans[name]), plans[name]
    assert not any(step.startswith("SCAN") for step in subquery), plans[name]
    if name == "cdr window by id":
        assert not any("TEMP B-TREE" in step for step in plans[name]), plans[name]


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "calldate", "dir": "DESC"},
        {"sort": "id", "dir": "ASC", "filter": flt(("calldate", "gte", "2000-01-01"))},
        {"sort": "duration", "dir": "DESC", "filter": flt(("type", "eq", "M"))},
    ],
)
def test_a_deep_page_holds_the_rows_a_walk_finds_there(emulator, params):
    whole = emulator.get("/cdrs", limit=300, page=1, **params).json()["data"]
    deep = emulator.get("/cdrs", limit=100, page=3, **params).json()
    assert [row["id"] for row in deep["data"]] == [row["id"] for row in whole[200:300]]
    assert deep["data"] and deep["total"] >= 300


def test_voicemail_folders_sort_the_same_on_a_deep_page(emulator):
    whole = emulator.get("/voicemessages", limit=60, sort="folder", dir="DESC").json()["data"]
    deep = emulator.get("/voicemessages", limit=20, page=3, sort="folder", dir="DESC").json()["data"]
    assert [row["id"] for row in deep] == [row["id"] for row in whole[40:60]]


def test_totals_follow_deletes_and_edits(fresh_emulator):
    headers = {"X-Auth-Token": fresh_emulator.token()}
    new = flt(("is_new", "eq", True))
    before = fresh_emulator.get("/voicemessages", limit=5, filter=new).json()
    assert (
        fresh_emulator.get("/voicemessages", limit=5, filter=new).json()["total"] == before["total"]
    )  # kept
    first, second = before["data"][0], before["data"][1]
    deleted = requests.delete(
        f"{fresh_emulator.api_url}/voicemessages/{first['id']}", headers=headers, timeout=10
    )
    assert deleted.status_code == 204
    assert fresh_emulator.get("/voicemessages", limit=5, filter=new).json()["total"] == before["total"] - 1
    moved = requests.patch(
        f"{fresh_emulator.api_url}/voicemessages",
        json=[{"id": second["id"], "folder": "Old"}],
        headers=headers,
        timeout=10,
    )
    assert moved.status_code == 200  # a message moved to Old is heard: no longer new
    assert fresh_emulator.get("/voicemessages", limit=5, filter=new).json()["total"] == before["total"] - 2


@pytest.mark.parametrize("sort", ["-calldate", "id", "billsec", "-src"])
def test_walking_pages_twice_finds_what_one_big_page_holds(emulator, sort):
    # A walk reads each next page from the previous one's bookmark (paging.py); asking a page
    # again starts from its own. Either way the rows are those of one OFFSET listing.
    window = flt(("calldate", "gte", "2000-01-01"))
    whole = [row["id"] for row in emulator.get("/cdrs", limit=200, sort=sort, filter=window).json()["data"]]
    walked = []
    for number in range(1, 5):
        first = emulator.get("/cdrs", limit=50, page=number, sort=sort, filter=window).json()
        again = emulator.get("/cdrs", limit=50, page=number, sort=sort, filter=window).json()
        assert again == first
        walked += [row["id"] for row in first["data"]]
    assert walked == whole


def test_a_walk_after_a_delete_reads_the_table_as_it_is_now(fresh_emulator):
    headers = {"X-Auth-Token": fresh_emulator.token()}
    first_page = fresh_emulator.get("/monitors", limit=20, page=1, sort="timestamp", dir="DESC").json()[
        "data"
    ]
    second_page = fresh_emulator.get("/monitors", limit=20, page=2, sort="timestamp", dir="DESC").json()[
        "data"
    ]
    gone = first_page[3]["id"]
    assert (
        requests.delete(f"{fresh_emulator.api_url}/monitors/{gone}", headers=headers, timeout=10).status_code
        == 204
    )
    now = fresh_emulator.get("/monitors", limit=40, sort="timestamp", dir="DESC").json()["data"]
    after = fresh_emulator.get("/monitors", limit=20, page=2, sort="timestamp", dir="DESC").json()["data"]
    assert [row["id"] for row in after] == [row["id"] for row in now[20:40]]
    assert after[0]["id"] == second_page[1]["id"]  # everything moved up by the one deleted row


def _total_and_rows(emulator, resource: str, filters: str) -> tuple[int, list[int]]:
    """``total`` as counted (a one-row page) and the ids a plain listing of every match holds."""
    total = emulator.get(f"/{resource}", limit=1, filter=filters).json()["total"]
    rows = emulator.get(f"/{resource}", limit=10000, sort="id", filter=filters).json()["data"]
    return total, [row["id"] for row in rows]


def _windows(emulator) -> list[list[tuple[str, str, object]]]:
    """Windows spanning several days whose bounds are existing rows' dates (strict bounds then matter)."""
    dated = emulator.get("/cdrs", limit=10000, sort="calldate", dir="ASC").json()["data"]  # the oldest
    recent = emulator.get("/cdrs", limit=10000, sort="calldate", dir="DESC").json()["data"]
    lo, hi = dated[len(dated) // 5]["calldate"], dated[len(dated) * 4 // 5]["calldate"]
    assert lo[:10] < hi[:10]
    user = next(row["user_id"] for row in dated if row["user_id"])
    return [  # each holds fewer than 10,000 rows: one page lists them all
        [("calldate", "gte", lo), ("calldate", "lte", hi)],
        [("calldate", "gt", lo), ("calldate", "lt", hi)],
        [("calldate", "gte", lo[:10]), ("calldate", "lte", hi[:10])],
        [("calldate", "lte", hi)],
        [("calldate", "gt", recent[len(recent) // 2]["calldate"])],
        [("calldate", "gt", lo), ("calldate", "lte", hi), ("type", "eq", "M")],
        [("calldate", "gte", lo), ("calldate", "lt", hi), ("disposition", "eq", "VM")],
        [("calldate", "gte", lo), ("calldate", "lte", hi), ("user_id", "eq", user)],
        [("calldate", "gte", lo), ("calldate", "lte", hi), ("user_id", "eq", None)],
    ]


def test_a_date_windows_total_from_the_day_counts_is_the_plain_count(emulator):
    # daycounts.py sums whole days and counts the two edge days; every bound kind and filter it takes.
    for window in _windows(emulator):
        total, ids = _total_and_rows(emulator, "cdrs", flt(*window))
        assert total == len(ids) > 0, window
    tracking, ids = _total_and_rows(emulator, "cdrs/calltracking", flt(*_windows(emulator)[0]))
    assert tracking == len(ids)


def _deep_page_is_an_offset(emulator, window: str, sort: str, page: int = 60) -> None:
    # Pages past paging._DEEP rows, without a bookmark, start from their id block or day.
    offset = (page - 1) * 100
    listed = []  # walked page by page: each next page starts at the previous one's bookmark
    for number in range(1, 2 + offset // 10000):
        listed += emulator.get("/cdrs", limit=10000, page=number, sort=sort, filter=window).json()["data"]
    deep = emulator.get("/cdrs", limit=100, page=page, sort=sort, filter=window).json()
    wanted = listed[offset : offset + 100]
    assert [row["id"] for row in deep["data"]] == [row["id"] for row in wanted]
    assert len(deep["data"]) == 100


@pytest.mark.parametrize("sort", ["id", "-id", "calldate", "-calldate"])
def test_a_deep_page_of_a_window_holds_the_rows_an_offset_finds(emulator, sort):
    windows = _windows(emulator)
    for window in [windows[0][:1], windows[1][:1], windows[3]]:
        _deep_page_is_an_offset(emulator, flt(*window), sort)


@pytest.mark.default_profile  # DELETE /cdrs/{ids} is the default profile's
def test_day_counts_follow_deletes(fresh_emulator):
    headers = {"X-Auth-Token": fresh_emulator.token()}
    windows = _windows(fresh_emulator)
    before = [_total_and_rows(fresh_emulator, "cdrs", flt(*window)) for window in windows]
    missed = before[5][1]
    gone = missed[len(missed) // 2]  # a missed call inside the window, on a day counted whole
    response = requests.delete(f"{fresh_emulator.api_url}/cdrs/{gone}", headers=headers, timeout=10)
    assert response.status_code == 204
    for window, (total, ids) in zip(windows, before, strict=True):
        now = _total_and_rows(fresh_emulator, "cdrs", flt(*window))
        assert now == (total - (gone in ids), [id for id in ids if id != gone]), window
    _deep_page_is_an_offset(fresh_emulator, flt(windows[1][0]), "id", page=110)  # a block later
    _deep_page_is_an_offset(fresh_emulator, flt(windows[1][0]), "calldate", page=110)  # days later
    assert requests.delete(f"{fresh_emulator.api_url}/cdrs", headers=headers, timeout=10).status_code == 204
    assert [_total_and_rows(fresh_emulator, "cdrs", flt(*window)) for window in windows[:2]] == [(0, [])] * 2

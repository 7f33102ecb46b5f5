"""Exports and deletes of a Calls table act on calls (history.call_window), as the table lists them."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.jobs.test_jobs import make_job
from voiphistory.accounts import tokens
from voiphistory.accounts.upstream import api_client
from voiphistory.jobs import runner, selectors


@pytest.fixture
def exporting(settings, dashboard, tmp_path, db):
    settings.EXPORT_DIR = tmp_path / "exports"
    return dashboard


def yesterday_roots(emulator, *extra) -> list[dict]:
    day = timezone.localdate() - timedelta(days=1)
    start = datetime.combine(day, time.min, UTC)
    flt = [
        {"property": "is_root", "operator": "eq", "value": True},
        {"property": "calldate", "operator": "gte", "value": start.strftime("%Y-%m-%d %H:%M:%S")},
        {
            "property": "calldate",
            "operator": "lt",
            "value": (start + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S"),
        },
        *extra,
    ]
    return emulator.get("/cdrs", limit=5000, filter=json.dumps(flt)).json()["data"]


def test_a_calls_export_holds_one_row_per_call_and_the_legs_toggle_every_leg(exporting):
    roots = yesterday_roots(exporting)
    job = make_job(
        exporting, kind="export", section="calls", query="preset=yesterday&sort=-when", time_zone="UTC"
    )
    runner.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded"
    with open(job.result_path, encoding="utf-8-sig") as handle:
        ids = [row[0] for row in csv.reader(handle)][1:]
    assert sorted(ids) == sorted(str(root["id"]) for root in roots)  # each call once, by its first leg

    legs = make_job(
        exporting, kind="export", section="calls", query="preset=yesterday&legs=1", time_zone="UTC"
    )
    runner.job_run(job_id=legs.pk)
    legs.refresh_from_db()
    with open(legs.result_path, encoding="utf-8-sig") as handle:
        assert len(list(csv.reader(handle))) - 1 > len(roots)


def test_deleting_matching_calls_lists_every_leg_of_each_call_and_no_other(exporting):
    roots = yesterday_roots(exporting, {"property": "disposition", "operator": "eq", "value": "VM"})
    job = make_job(
        exporting, kind="delete", section="calls", query="preset=yesterday&disposition=VM", time_zone="UTC"
    )
    ids = selectors.matching_ids(job=job, client=api_client(tokens.unseal(job.sealed_token)))
    expected = set()
    for root in roots:
        flt = json.dumps([{"property": "root_live_id", "operator": "eq", "value": root["root_live_id"]}])
        expected |= {leg["id"] for leg in exporting.get("/cdrs", limit=100, filter=flt).json()["data"]}
    assert roots and set(ids) == expected and len(ids) > len(roots)

"""Jobs run in this process (the worker's code path without the worker), views, and the CSV rules."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.conftest import AGENT, SUPERVISOR, sign_in_as
from voiphistory.accounts import tokens
from voiphistory.audit.models import Action, AuditEvent
from voiphistory.history.catalog import BY_SLUG
from voiphistory.jobs import csvfile, files, lease, runner, services
from voiphistory.jobs.models import Job
from voiphistory.voipstudio import Cdr
from voiphistory.web.csv import neutralise


@pytest.fixture
def fresh(settings, fresh_emulator, tmp_path):
    settings.VOIPSTUDIO_BASE_URL = fresh_emulator.api_url
    settings.VOIPSTUDIO_BACKOFF = 0.01
    settings.EXPORT_DIR = tmp_path / "exports"
    return fresh_emulator


def make_job(emulator, email: str = SUPERVISOR, **fields) -> Job:
    owner, _ = get_user_model().objects.get_or_create(username=email)
    fields.setdefault("sealed_token", tokens.seal(emulator.token(email)))
    return Job.objects.create(owner=owner, customer_id=1, **fields)


def monitor_ids(emulator, limit: int) -> list[int]:
    return [row["id"] for row in emulator.get("/monitors", limit=limit, sort="id", dir="ASC").json()["data"]]


@pytest.mark.parametrize(
    "text", ["=1+1", "+44 20 7946 0000", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", '=HYPERLINK("http://x")']
)
def test_cells_that_a_spreadsheet_would_run_are_neutralised(text):
    assert neutralise(text) == "'" + text


def test_plain_text_and_numbers_are_written_as_they_are():
    assert neutralise("Jane Doe") == "Jane Doe"
    cdr = Cdr(
        id=123456789012,
        calldate=datetime(2026, 1, 5, 23, 30, tzinfo=UTC),
        type="I",
        src="447700900123",
        src_name='=cmd|" /C calc"!A0',
        dst="1001",
        duration=75,
        billsec=60,
        user_id=7,
    )
    row = csvfile.row(cdr, BY_SLUG["calls"].columns, {7: "Ann Agent"}, ZoneInfo("Europe/Paris"))
    assert row[0] == "123456789012"  # ids as text, not 1.23457E+11
    assert row[1] == "2026-01-06 00:30:00"  # the supervisor's zone
    assert row[3] == '\'=cmd|" /C calc"!A0' and row[4] == "+447700900123"  # a number is a value (issue 11.9)
    buffer = io.StringIO()
    csv.writer(buffer).writerow(row)
    assert next(csv.reader(io.StringIO(buffer.getvalue())))[3].startswith("'=")


def test_ids_already_gone_count_as_deleted_and_other_failures_are_reported_per_item(fresh, db):
    ids = monitor_ids(fresh, 40)
    requests_gone = ids[5:8]
    fresh.add_fault(
        path=rf"^/monitors/({ids[20]},|.*,{ids[20]}(,|$)|{ids[20]}$)", method="DELETE", status=400
    )
    import requests

    requests.delete(
        f"{fresh.api_url}/monitors/{','.join(map(str, requests_gone))}",
        headers={"X-Auth-Token": fresh.token()},
        timeout=10,
    ).raise_for_status()
    job = make_job(fresh, kind="delete", section="recordings", ids=ids, total=len(ids))

    runner.job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.done, job.deleted, job.already_gone, job.failed) == ("succeeded", 40, 36, 3, 1)
    failure = job.failures.get()
    assert failure.item_id == ids[20] and "did not accept" in failure.reason
    assert fresh.get(f"/monitors/{ids[20]}").status_code == 200


def test_an_agents_crafted_delete_fails_with_voipstudios_403(fresh, db):
    ids = monitor_ids(fresh, 5)
    job = make_job(fresh, AGENT, kind="delete", section="recordings", ids=ids, total=5)
    runner.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "refused" in job.message and job.deleted == 0
    assert all(fresh.get(f"/monitors/{id}").status_code == 200 for id in ids)


def test_a_revoked_token_fails_the_job_with_a_clear_message(fresh, db):
    job = make_job(fresh, kind="export", section="calls", sealed_token=tokens.seal("revoked-token-123"))
    runner.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "revoked or has expired" in job.message and job.sealed_token == ""


def test_an_export_resumes_from_its_checkpoint_without_repeating_rows(fresh, db, settings):
    settings.EXPORT_PAGE_SIZE = 500
    job = make_job(fresh, kind="export", section="recordings", query="sort=when")
    total = fresh.get("/monitors", limit=1).json()["total"]
    original = lease.Lease.checkpoint
    calls = {"n": 0}

    def crash_after_three_pages(self, failures=(), **fields):
        original(self, failures, **fields)
        if "written_bytes" in fields and fields["cursor"] == 1500:
            raise SystemExit("worker killed")  # not an Exception: nothing releases the lease

    lease.Lease.checkpoint = crash_after_three_pages
    try:
        with pytest.raises(SystemExit):
            runner.job_run(job_id=job.pk)
    finally:
        lease.Lease.checkpoint = original
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    runner.job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "succeeded" and job.done == total and job.attempts == 2
    with open(job.result_path, encoding="utf-8-sig") as handle:
        ids = [row[0] for row in csv.reader(handle)][1:]
    assert len(ids) == total == len(set(ids))
    del calls


def test_archive_holds_the_mp3s_and_a_manifest(fresh, db):
    import zipfile

    ids = monitor_ids(fresh, 3)
    job = make_job(fresh, kind="archive", section="recordings", ids=[*ids, 999999999])
    runner.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.failed == 1
    with zipfile.ZipFile(job.result_path) as archive:
        names = archive.namelist()
        manifest = archive.read("manifest.csv").decode("utf-8-sig")
    assert len([n for n in names if n.endswith(".mp3")]) == 3 and "already deleted" in manifest


def test_another_user_cannot_download_my_export_or_see_my_job(client, dashboard, db, tmp_path, settings):
    owner, _ = get_user_model().objects.get_or_create(username="someone-else")
    path = tmp_path / "export.csv"
    path.write_text("\ufeffID\r\n1\r\n", encoding="utf-8")
    job = Job.objects.create(
        owner=owner,
        kind="export",
        section="calls",
        status="succeeded",
        result_path=str(path),
        result_name="calls.csv",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    intruder = sign_in_as(client, dashboard, SUPERVISOR)
    assert intruder.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert intruder.get(f"/jobs/{job.pk}/").status_code == 404
    assert intruder.post(f"/jobs/{job.pk}/cancel/").status_code == 404

    state = intruder.session["voipstudio"]
    client.force_login(owner)
    session = client.session
    session["voipstudio"] = state
    session.save()
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 200
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert files.jobs_expire_files() == 1 and not path.exists()


def test_starting_an_export_and_downloading_it_are_in_the_audit_log(supervisor, dashboard, tmp_path):
    form = {"section": "calls", "action": "export", "query": "call_type=M"}
    asked = supervisor.post("/jobs/start/", form)
    assert asked.status_code == 200 and not Job.objects.exists()  # the scope is confirmed first (issue 11.6)
    started = supervisor.post("/jobs/start/", {**form, "confirm": "yes"})
    assert started.status_code == 302
    job = Job.objects.get()
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert (event.section, event.detail["job"], event.detail["query"], event.email) == (
        "calls",
        job.pk,
        "call_type=M",
        SUPERVISOR,
    )
    path = tmp_path / "calls.csv"
    path.write_text("\ufeffID\r\n1\r\n", encoding="utf-8")
    Job.objects.filter(pk=job.pk).update(
        status="succeeded",
        result_path=str(path),
        result_name="calls.csv",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    assert supervisor.get(f"/jobs/{job.pk}/download/").status_code == 200
    assert AuditEvent.objects.get(action=Action.DOWNLOAD).detail == {"job": job.pk, "file": "calls.csv"}


def test_delete_all_matching_shows_the_count_and_wants_it_typed(supervisor, dashboard, settings):
    settings.JOBS_CONFIRM_THRESHOLD = 100
    form = {"section": "recordings", "action": "delete_matching", "query": "min_cx=0"}
    total = dashboard.get(
        "/monitors", limit=1, filter='[{"property":"cx_score","operator":"gte","value":0}]'
    ).json()["total"]
    asked = supervisor.post("/jobs/start/", form, HTTP_HX_REQUEST="true").content.decode()
    assert f"Delete {total:,} recordings?" in asked and f"Type {total} to confirm" in asked
    wrong = supervisor.post("/jobs/start/", {**form, "confirm": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert "That is not" in wrong and not Job.objects.exists()


def test_the_table_offers_bulk_actions_to_supervisors_and_only_exports_to_agents(client, dashboard, db):
    supervisor_html = sign_in_as(client, dashboard, SUPERVISOR).get("/recordings/").content.decode()
    assert (
        'form="bulk"' in supervisor_html
        and 'value="delete_matching"' in supervisor_html
        and 'id="job-panel"' in supervisor_html
    )
    agent_html = sign_in_as(client, dashboard, AGENT).get("/recordings/").content.decode()
    assert 'value="delete' not in agent_html and 'value="export"' in agent_html
    assert "style=" not in supervisor_html.split('id="job-panel"')[1] and "<script>" not in supervisor_html


def test_cancel_after_the_end_changes_nothing(db, dashboard):
    job = make_job(dashboard, kind="export", section="calls", status="succeeded")
    assert services.job_cancel(job=job) is False and job.status == "succeeded"

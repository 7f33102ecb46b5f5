"""Jobs run by a real Celery worker over a real Redis, against the live emulator."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.celery_stack import wait_for
from tests.conftest import SUPERVISOR, sign_in_as
from voiphistory.audit.models import Action, AuditEvent
from voiphistory.jobs import services, tasks
from voiphistory.jobs.models import Job

pytestmark = pytest.mark.timeout(180)


def monitor_ids(emulator, limit: int, direction: str) -> list[int]:
    rows = emulator.get("/monitors", limit=limit, sort="id", dir=direction).json()["data"]
    return [row["id"] for row in rows]


def monitors_total(emulator) -> int:
    return emulator.get("/monitors", limit=1).json()["total"]


def finished(job_id: int) -> Job | None:
    job = Job.objects.get(pk=job_id)
    return job if not job.is_active else None


def start_job(client, **fields) -> Job:
    """What the start view does once confirmed (a table posts at most a page of ids, far under 1,000)."""
    from voiphistory.accounts.tokens import SESSION_KEY
    from voiphistory.accounts.upstream import Account

    state = client.session[SESSION_KEY]
    user = Job._meta.get_field("owner").related_model.objects.get(pk=client.session["_auth_user_id"])
    return services.job_create(
        owner=user, account=Account(**state["account"]), sealed_token=state["token"], **fields
    )


def test_deleting_1000_recordings_end_to_end(client, worker):
    supervisor = sign_in_as(client, worker.emulator, SUPERVISOR)
    ids = monitor_ids(worker.emulator, 1000, "ASC")
    before = monitors_total(worker.emulator)

    job = start_job(supervisor, kind="delete", section="recordings", ids=ids)
    job = wait_for(lambda: finished(job.pk), timeout=90)

    assert (job.status, job.done, job.total, job.deleted, job.already_gone, job.failed) == (
        "succeeded",
        1000,
        1000,
        1000,
        0,
        0,
    )
    assert monitors_total(worker.emulator) == before - 1000
    assert worker.emulator.get(f"/monitors/{ids[0]}").status_code == 404
    poll = supervisor.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert poll.status_code == 286 and "hx-trigger" not in poll.content.decode()
    assert json.loads(poll["HX-Trigger"]) == {
        "job-finished": {}
    }  # the table under the panel reloads without the rows
    audited = AuditEvent.objects.get(action=Action.JOB_FINISHED)
    assert (audited.detail["deleted"], audited.user, audited.section) == (1000, job.owner, "recordings")
    assert audited.detail["result"] == "Finished: 1,000 deleted."


def test_exporting_20000_calls_end_to_end(client, worker):
    supervisor = sign_in_as(client, worker.emulator, SUPERVISOR)
    total = worker.emulator.get("/cdrs", limit=1).json()["total"]
    supervisor.post(
        "/jobs/start/",
        {"section": "calls", "action": "export", "query": "sort=-when&legs=1", "confirm": "yes"},
    )
    job = wait_for(lambda: finished(Job.objects.get().pk), timeout=120)
    assert job.status == "succeeded" and job.done == total == 20_000

    response = supervisor.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["ID", "When (UTC)", "Type", "From"] and len(rows) == total + 1
    newest = worker.emulator.get("/cdrs", limit=1, sort="calldate", dir="DESC").json()["data"][0]
    assert rows[1][0] == str(newest["id"])
    assert len({row[0] for row in rows[1:]}) == total  # no row twice


def test_a_killed_worker_resumes_the_job_without_double_counting(client, worker):
    supervisor = sign_in_as(client, worker.emulator, SUPERVISOR)
    ids = monitor_ids(worker.emulator, 600, "DESC")
    before = monitors_total(worker.emulator)
    worker.emulator.add_fault(path=r"^/monitors/\d", method="DELETE", latency_ms=150)
    job_id = start_job(supervisor, kind="delete", section="recordings", ids=ids).pk

    wait_for(lambda: Job.objects.get(pk=job_id).done >= 150, timeout=60, interval=0.05)
    worker.kill_worker()
    halfway = Job.objects.get(pk=job_id)
    assert halfway.status == "running" and 0 < halfway.done < 600
    worker.emulator.clear_faults()
    worker.start_worker()
    tasks.resume_stale.apply_async(countdown=4)  # what beat does every minute; Redis also redelivers

    job = wait_for(lambda: finished(job_id), timeout=90)
    assert (job.status, job.done, job.deleted, job.already_gone, job.failed) == ("succeeded", 600, 600, 0, 0)
    assert job.attempts >= 2
    assert monitors_total(worker.emulator) == before - 600
    assert all(worker.emulator.get(f"/monitors/{id}").status_code == 404 for id in ids[::50])


def test_cancelling_inside_the_undo_window_deletes_nothing(client, worker, settings):
    settings.JOBS_UNDO_SECONDS = 2
    supervisor = sign_in_as(client, worker.emulator, SUPERVISOR)
    ids = monitor_ids(worker.emulator, 40, "ASC")
    cancelled_ids, later_ids = ids[:20], ids[20:]
    before = monitors_total(worker.emulator)
    started = supervisor.post(
        "/jobs/start/",
        {"section": "recordings", "action": "delete", "ids": cancelled_ids},
        HTTP_HX_REQUEST="true",
    )
    job = Job.objects.get()
    assert "Undo" in started.content.decode() and job.status == "queued"

    undone = supervisor.post(f"/jobs/{job.pk}/cancel/", HTTP_HX_REQUEST="true")
    assert "Cancelled" in undone.content.decode()
    # A second deletion, due a second after the first: once the one worker has run it, the
    # cancelled job's message (due first) has been delivered and handled too.
    settings.JOBS_UNDO_SECONDS = 3
    supervisor.post(
        "/jobs/start/",
        {"section": "recordings", "action": "delete", "ids": later_ids},
        HTTP_HX_REQUEST="true",
    )
    later = wait_for(lambda: finished(Job.objects.exclude(pk=job.pk).get().pk), timeout=60)
    assert (later.status, later.deleted) == ("succeeded", 20)

    job.refresh_from_db()
    assert (job.status, job.done, job.deleted) == ("cancelled", 0, 0)
    assert monitors_total(worker.emulator) == before - 20
    assert all(worker.emulator.get(f"/monitors/{id}").status_code == 200 for id in cancelled_ids[::5])

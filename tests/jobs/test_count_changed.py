"""Issue 11.6: a "delete all matching" whose count moved since the supervisor confirmed stops before
deleting anything and asks again. A real Celery worker over a real Redis, the live emulator."""

from __future__ import annotations

import json

import pytest
import requests

from tests.celery_stack import wait_for
from tests.conftest import SUPERVISOR, sign_in_as
from voiphistory.jobs.models import Job

pytestmark = pytest.mark.timeout(180)
# A small set of recordings only these tests touch: the shortest ones with the top CX scores.
QUERY = "min_cx=97&max_duration=120&sort=when"
API_FILTER = json.dumps(
    [
        {"property": "cx_score", "operator": "gte", "value": 97},
        {"property": "duration", "operator": "lte", "value": 120},
    ]
)


def matching(emulator) -> list[int]:
    rows = emulator.get("/monitors", limit=500, filter=API_FILTER).json()["data"]
    return [row["id"] for row in rows]


def confirm(client, count: int) -> None:
    form = {
        "section": "recordings",
        "action": "delete_matching",
        "query": QUERY,
        "count": count,
        "confirm": "yes",
    }
    client.post("/jobs/start/", form, HTTP_HX_REQUEST="true")


def test_a_count_changed_before_the_run_deletes_nothing_and_asks_again(client, worker, settings):
    settings.JOBS_UNDO_SECONDS = 2
    settings.JOBS_CONFIRM_THRESHOLD = 10_000
    supervisor = sign_in_as(client, worker.emulator, SUPERVISOR)
    before = matching(worker.emulator)
    assert len(before) >= 3
    confirm(supervisor, len(before))
    job = Job.objects.get()
    # Inside the undo window, someone else deletes one of them in VoIPstudio.
    requests.delete(
        f"{worker.emulator.api_url}/monitors/{before[0]}",
        headers={"X-Auth-Token": worker.emulator.token()},
        timeout=10,
    ).raise_for_status()

    job = wait_for(lambda: (j := Job.objects.get(pk=job.pk)) and not j.is_active and j, timeout=60)
    assert (job.status, job.confirmed_count, job.total, job.deleted, job.done) == (
        "changed",
        len(before),
        len(before) - 1,
        0,
        0,
    )
    assert matching(worker.emulator) == before[1:]  # nothing else was deleted

    panel = supervisor.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    html = panel.content.decode()
    assert panel.status_code == 286  # finished: the panel stops polling
    assert (
        f"Stopped before deleting anything: {len(before)} recordings matched when you confirmed, "
        f"{len(before) - 1} match now."
    ) in html
    assert f"See the {len(before) - 1} now matching" in html and 'value="delete_matching"' in html

    again = supervisor.post(
        "/jobs/start/",
        {"section": "recordings", "action": "delete_matching", "query": QUERY},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert f"Delete {len(before) - 1} recordings?" in again and Job.objects.count() == 1


def test_an_unchanged_count_deletes_the_confirmed_set(client, worker, settings):
    settings.JOBS_CONFIRM_THRESHOLD = 10_000
    supervisor = sign_in_as(client, worker.emulator, SUPERVISOR)
    before = matching(worker.emulator)
    confirm(supervisor, len(before))

    job = wait_for(lambda: (j := Job.objects.get()) and not j.is_active and j, timeout=60)
    assert (job.status, job.deleted, job.already_gone, job.failed) == ("succeeded", len(before), 0, 0)
    assert job.progress == f"Finished: {len(before)} deleted."
    assert matching(worker.emulator) == []

"""A bad day for the job queue, on a private Redis and worker (they get killed here): Redis and the
worker killed mid-delete, a worker killed in the undo window (issue 13.2, 13.9).

Beat's part is played by calling ``jobs_resume_stale`` every second from the test, with a short
grace, where production runs it every ``JOBS_RESUME_EVERY_SECONDS`` with ``JOBS_QUEUED_GRACE_SECONDS``.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis

import devstack
from tests.celery_stack import Stack, wait_for, worker_env
from tests.conftest import SUPERVISOR, _start_copy, free_port, sign_in_as
from voiphistory.audit.models import Action, AuditEvent
from voiphistory.jobs import services, tasks
from voiphistory.jobs.models import Job

pytestmark = pytest.mark.timeout(240)


class BadDay(Stack):
    redis_dir: Path
    redis_server: devstack.Service | None = None

    def start_redis(self) -> None:
        self.redis_dir = self.log.parent / f"redis-{free_port()}"  # a new, empty one: Redis lost everything
        self.redis_server = devstack.start_redis(
            self.redis_url, self.redis_dir, self.log.parent / "redis.log"
        )
        assert self.redis_server is not None, "the private Redis port is taken"

    def kill_redis(self) -> None:
        os.killpg(self.redis_server.process.pid, signal.SIGKILL)
        self.redis_server.process.wait()


@pytest.fixture(scope="module")
def bad_day(django_db_setup, emulator_template, tmp_path_factory) -> Iterator[BadDay]:

    root = tmp_path_factory.mktemp("bad-day")
    emulator = _start_copy(emulator_template, root / "emulator")
    redis_url = f"redis://127.0.0.1:{free_port()}/0"
    # An hour, as in production: a message held by a killed worker comes back only after it, so
    # only jobs_resume_stale can bring the job back in time.
    env = worker_env(root, emulator=emulator, redis_url=redis_url, CELERY_VISIBILITY_TIMEOUT="3600")
    stack = BadDay(emulator, redis_url, env, root / "worker.log")
    stack.start_redis()
    stack.start_worker()
    yield stack
    stack.worker.stop()
    if stack.redis_server is not None:
        stack.redis_server.stop()
    emulator.service.stop()


@pytest.fixture
def day(bad_day: BadDay, settings, transactional_db) -> Iterator[BadDay]:
    from voiphistory.celery import app

    settings.VOIPSTUDIO_BASE_URL = bad_day.emulator.api_url
    settings.VOIPSTUDIO_MAX_PATH_LENGTH = 300
    settings.JOBS_STALE_SECONDS = 3
    settings.JOBS_QUEUED_GRACE_SECONDS = 2
    before = app.conf.broker_url
    app.conf.broker_url = bad_day.redis_url
    app._after_fork()  # publishing pools are made from the URL of their first use
    if bad_day.worker.process.poll() is not None:
        bad_day.start_worker()
    yield bad_day
    bad_day.emulator.clear_faults()
    app.conf.broker_url = before
    app._after_fork()


def beat_until(predicate, timeout: float):
    """What beat does, once a second, until ``predicate`` holds."""
    return wait_for(lambda: tasks.resume_stale() is not None and predicate(), timeout=timeout, interval=1.0)


def start_delete(client, ids: list[int]) -> Job:
    from voiphistory.accounts.tokens import SESSION_KEY
    from voiphistory.accounts.upstream import Account

    state = client.session[SESSION_KEY]
    user = Job._meta.get_field("owner").related_model.objects.get(pk=client.session["_auth_user_id"])
    return services.job_create(
        owner=user,
        account=Account(**state["account"]),
        sealed_token=state["token"],
        kind="delete",
        section="recordings",
        ids=ids,
    )


def ended(job_id: int) -> Job | None:
    job = Job.objects.get(pk=job_id)
    return None if job.is_active else job


def monitors_total(emulator) -> int:
    return emulator.get("/monitors", limit=1).json()["total"]


def test_redis_and_the_worker_killed_mid_delete_the_job_finishes_with_exact_counts(client, day, settings):
    settings.JOBS_UNDO_SECONDS = 0
    supervisor = sign_in_as(client, day.emulator, SUPERVISOR)
    ids = [
        row["id"] for row in day.emulator.get("/monitors", limit=600, sort="id", dir="DESC").json()["data"]
    ]
    before = monitors_total(day.emulator)
    day.emulator.add_fault(path=r"^/monitors/\d", method="DELETE", latency_ms=150)
    job_id = start_delete(supervisor, ids).pk

    wait_for(lambda: Job.objects.get(pk=job_id).done >= 150, timeout=60, interval=0.05)
    day.kill_redis()  # the queue and the worker's unacknowledged message are gone with it
    day.kill_worker()
    halfway = Job.objects.get(pk=job_id)
    assert halfway.status == "running" and 0 < halfway.done < 600
    day.emulator.clear_faults()
    day.start_redis()
    day.start_worker()

    job = beat_until(lambda: ended(job_id), timeout=120)
    assert (job.status, job.done, job.deleted, job.already_gone, job.failed) == ("succeeded", 600, 600, 0, 0)
    assert monitors_total(day.emulator) == before - 600  # each deleted once: none counted "already gone"
    assert all(day.emulator.get(f"/monitors/{id}").status_code == 404 for id in ids[::60])
    endings = AuditEvent.objects.filter(detail__job=job_id).exclude(action=Action.BULK_DELETE)
    assert [e.action for e in endings] == [Action.JOB_FINISHED] and job.sealed_token == ""


def test_a_worker_killed_in_the_undo_window_runs_the_job_within_a_minute_of_its_time(client, day, settings):
    settings.JOBS_UNDO_SECONDS = 4
    supervisor = sign_in_as(client, day.emulator, SUPERVISOR)
    ids = [row["id"] for row in day.emulator.get("/monitors", limit=30, sort="id", dir="ASC").json()["data"]]
    before = monitors_total(day.emulator)
    queue = redis.Redis.from_url(day.redis_url)
    job = start_delete(supervisor, ids)

    # The worker holds the message (unacknowledged, waiting for its countdown) when it is killed.
    wait_for(lambda: queue.hlen("unacked") >= 1 and queue.llen("celery") == 0, timeout=30, interval=0.05)
    day.kill_worker()
    day.start_worker()
    assert Job.objects.get(pk=job.pk).status == "queued"

    done = beat_until(lambda: ended(job.pk), timeout=90)
    assert (done.status, done.deleted) == ("succeeded", 30) and monitors_total(day.emulator) == before - 30
    assert done.started_at >= done.not_before  # the undo window was kept
    assert done.started_at - done.not_before < timedelta(seconds=60)

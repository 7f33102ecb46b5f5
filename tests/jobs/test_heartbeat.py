"""A running job keeps its lease while its worker lives, however long it goes between
checkpoints; so only a dead worker's job goes stale and is taken over (issue 13.2)."""

from __future__ import annotations

import threading

import pytest

from tests.jobs.test_stranded import make_job
from voiphistory.jobs import lease
from voiphistory.jobs.heartbeat import heartbeat
from voiphistory.jobs.models import Job


def test_a_slow_job_keeps_its_lease_and_a_silent_one_loses_it(transactional_db, settings):
    settings.JOBS_STALE_SECONDS = 2  # renewed every 0.5 s
    job = lease.job_claim(job_id=make_job(status="queued").pk, runner="alive")
    claimed_at = job.heartbeat_at
    done = threading.Event()
    with heartbeat(job_id=job.pk, runner="alive"):
        done.wait(3)  # longer than JOBS_STALE_SECONDS without a checkpoint
        with pytest.raises(lease.JobBusy):
            lease.job_claim(job_id=job.pk, runner="other")
    assert Job.objects.get(pk=job.pk).heartbeat_at > claimed_at

    # Without the heartbeat (its worker killed), the same silence makes the job another's.
    done.wait(2.5)
    assert lease.job_claim(job_id=job.pk, runner="other").runner == "other"


def test_a_heartbeat_never_renews_a_lease_taken_over_by_another_runner(transactional_db, settings):
    settings.JOBS_STALE_SECONDS = 2
    job = lease.job_claim(job_id=make_job(status="queued").pk, runner="old")
    Job.objects.filter(pk=job.pk).update(runner="new")
    taken_over_at = Job.objects.get(pk=job.pk).heartbeat_at
    with heartbeat(job_id=job.pk, runner="old"):
        threading.Event().wait(1.2)
    assert Job.objects.filter(pk=job.pk).values_list("runner", "heartbeat_at").get() == ("new", taken_over_at)

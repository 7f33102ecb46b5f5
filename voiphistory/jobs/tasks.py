"""Celery tasks: thin adapters that take a job's id and call the runner.

``acks_late`` and reject-on-worker-lost are set for every task in settings: a worker killed mid-job
leaves its message unacknowledged, Redis hands it out again, and the job resumes from its last
checkpoint (``runner.job_run``). VoIPstudio's 429/5xx answers are retried with backoff.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from voiphistory.celery import UnbudgetedTask
from voiphistory.jobs import files, runner
from voiphistory.jobs.lease import JobBusy, job_fail
from voiphistory.jobs.models import Job
from voiphistory.voipstudio import TRANSIENT_ERRORS
from voiphistory.web.messages import upstream_message

logger = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 300


@shared_task(
    base=UnbudgetedTask,  # the app's base, named so that its on-commit API is typed too
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
    soft_time_limit=settings.JOBS_TIME_LIMIT,
    time_limit=settings.JOBS_TIME_LIMIT + 60,
)
def run_job(self, job_id: int) -> None:
    try:
        runner.job_run(job_id=job_id)
    except JobBusy as busy:
        # Waiting (undo window, or another worker holds the job) is not a failure: no retry counted.
        raise self.retry(countdown=max(0.2, busy.seconds), max_retries=None) from None
    except TRANSIENT_ERRORS as error:
        attempt = self.request.retries + 1
        if attempt > settings.JOBS_MAX_RETRIES:
            job_fail(job=Job(pk=job_id), message=f"Gave up after {attempt} tries: {upstream_message(error)}")
            return
        wait = error.retry_after or min(MAX_BACKOFF_SECONDS, 2**attempt)
        logger.info(
            "job %s: VoIPstudio busy (%s); retry %s in %.0f s", job_id, type(error).__name__, attempt, wait
        )
        raise self.retry(countdown=wait) from None
    except SoftTimeLimitExceeded:
        job_fail(job=Job(pk=job_id), message=f"Stopped: took longer than {settings.JOBS_TIME_LIMIT} seconds.")


@shared_task
def expire_files() -> int:
    return files.jobs_expire_files()


@shared_task
def resume_stale() -> list[int]:
    return runner.jobs_resume_stale(enqueue=run_job.delay)

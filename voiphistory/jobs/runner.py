"""Running a job: claim it, hand it to the work of its kind (a delete, an export, an archive) with
a lease and a VoIPstudio client, and end it with the outcome its errors mean.

Data flows view → service → task → runner → delete/export → client. The runner imports the work;
the work imports only ``jobs.lease`` (how it writes its progress), so nothing imports back.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone

from voiphistory.accounts import tokens
from voiphistory.accounts.upstream import api_client
from voiphistory.jobs import broker, deletes, exports, xlsxfile
from voiphistory.jobs.heartbeat import heartbeat
from voiphistory.jobs.lease import CountChanged, JobStopped, Lease, job_claim, job_end, job_fail, job_release
from voiphistory.jobs.models import Job
from voiphistory.jobs.selectors import InvalidTableQuery
from voiphistory.voipstudio import (
    TRANSIENT_ERRORS,
    Forbidden,
    Unauthorized,
    VoipstudioClient,
    VoipstudioError,
)
from voiphistory.web.messages import upstream_message

logger = logging.getLogger(__name__)

#: The work of a kind, called with the job, a client and the lease; it returns the job's closing note.
Work = Callable[..., str]
REVOKED_MESSAGE = (
    "Your VoIPstudio sign-in was revoked or has expired, so the job could not go on. "
    "Sign in again and start it again."
)
UNEXPECTED_MESSAGE = (
    "Stopped by an unexpected error; it will not be tried again. The worker's log has the details."
)


def work_of(job: Job) -> Work:
    """The work of the job's kind (looked up when the job runs)."""
    work: Mapping[str, Work] = {
        Job.Kind.DELETE: deletes.run_delete,
        Job.Kind.DELETE_ALL: deletes.run_delete_all,
        Job.Kind.EXPORT: exports.run_export,
        Job.Kind.XLSX_EXPORT: xlsxfile.run_xlsx_export,
        Job.Kind.ARCHIVE: exports.run_archive,
    }
    return work[job.kind]


def job_client(job: Job) -> VoipstudioClient:
    try:
        return api_client(tokens.unseal(job.sealed_token))
    except tokens.InvalidToken:
        raise Unauthorized("the saved VoIPstudio sign-in can no longer be read") from None


def job_run(*, job_id: int) -> None:
    """Claim the job and run (or resume) it to its end; nothing when it has ended already. Raises
    ``JobBusy`` while it must wait (``jobs.lease.job_claim``)."""
    runner = uuid.uuid4().hex
    job = job_claim(job_id=job_id, runner=runner)
    if job is not None:
        run(job=job, runner=runner)


def run(*, job: Job, runner: str) -> None:
    """Run a job ``runner`` has claimed. Transient VoIPstudio errors and database outages
    propagate after the lease is released, so the caller retries later from the last checkpoint;
    every other error ends the job with what it means."""
    work = work_of(job)
    try:
        with heartbeat(job_id=job.pk, runner=runner):
            message = work(job=job, client=job_client(job), lease=Lease(job, runner)) or ""
    except JobStopped:
        return
    except InvalidTableQuery as error:  # a query no table accepts fails now, not retried for ever
        job_fail(job=job, runner=runner, message=f"The table's filters need fixing: {error}")
        return
    except CountChanged as changed:
        job_end(
            job=job,
            runner=runner,
            status=Job.Status.CHANGED,
            total=changed.count,
            message="Nothing was deleted. Check what matches now and confirm again.",
        )
        return
    except Unauthorized:
        job_fail(job=job, runner=runner, message=REVOKED_MESSAGE)
        return
    except Forbidden as error:  # refused for the account (history.capabilities.NotOffered among them)
        job_fail(job=job, runner=runner, message=upstream_message(error), refused=True)
        return
    except TRANSIENT_ERRORS:
        job_release(job=job, runner=runner)
        raise
    except VoipstudioError as error:  # a 400, a 404 of the collection…: trying again would get the same
        job_fail(job=job, runner=runner, message=upstream_message(error))
        return
    except DatabaseError:  # the database is locked or restarting: resumed from the checkpoint later
        job_release(job=job, runner=runner)
        raise
    except Exception:
        # A bug or a value nothing can handle: fail once, with the trace in the worker's log, rather
        # than release the job for jobs_resume_stale to run into the same error every minute.
        logger.exception("job %s stopped by an unexpected error", job.pk)
        job_fail(job=job, runner=runner, message=UNEXPECTED_MESSAGE)
        return
    job_end(job=job, runner=runner, status=Job.Status.SUCCEEDED, message=message)


def jobs_resume_stale(*, enqueue: Callable[[int], object], now: datetime | None = None) -> list[int]:
    """Re-enqueue (``enqueue(job_id)``: the task's ``delay``) the jobs nothing is running (beat,
    every ``JOBS_RESUME_EVERY_SECONDS``):

    - running jobs whose runner stopped checkpointing (its worker died);
    - queued jobs whose start (the end of the undo window) passed more than
      ``JOBS_QUEUED_GRACE_SECONDS`` ago: their message is gone (the worker holding it during the
      undo window was killed, whose message Redis would hand out only after its visibility
      timeout; or the broker refused it). A live message would have been claimed by then.

    Re-enqueueing a job whose message is in fact alive is harmless: the claim (``job_claim``) lets
    one runner through and the other message finds the job taken or ended. A queued job is marked
    (``heartbeat_at``) when re-enqueued, so a job waiting behind a busy worker gets one more message
    per ``JOBS_STALE_SECONDS``, not one per beat. Ended jobs that still hold a sealed token (rows
    from before tokens were dropped on every ending) lose it here."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.JOBS_STALE_SECONDS)
    overdue = now - timedelta(seconds=settings.JOBS_QUEUED_GRACE_SECONDS)
    not_marked = Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=stale)
    running = Q(status=Job.Status.RUNNING) & not_marked
    queued = Q(status=Job.Status.QUEUED, not_before__lt=overdue) & not_marked
    ids = list(Job.objects.filter(running | queued).values_list("pk", flat=True))
    Job.objects.filter(pk__in=ids, status=Job.Status.QUEUED).update(heartbeat_at=now)
    resumed = []
    for job_id in ids:
        try:
            enqueue(job_id)
        except broker.PUBLISH_ERRORS:  # beat reached a broker that went away: the next beat tries again
            Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(heartbeat_at=None)
            continue
        resumed.append(job_id)
    if resumed:
        logger.warning("jobs: re-enqueued %s (no runner, or their message was lost)", resumed)
    Job.objects.exclude(status__in=Job.ACTIVE).exclude(sealed_token="").update(sealed_token="")
    return resumed

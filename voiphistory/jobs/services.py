"""Writes for jobs the web asks for: create one (enqueued once the transaction commits) and cancel
one. Running them is ``jobs.runner``'s; their row's life (claim, checkpoint, end) ``jobs.lease``'s.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from voiphistory.accounts.upstream import Account
from voiphistory.jobs import broker, tasks
from voiphistory.jobs.lease import job_end
from voiphistory.jobs.models import Job

logger = logging.getLogger(__name__)


def job_create(
    *,
    owner,
    account: Account,
    sealed_token: str,
    kind: str,
    section: str,
    query: str = "",
    ids: list[int] | None = None,
    time_zone: str = "UTC",
    scope: str = "",
    confirmed_count: int | None = None,
    requested: Callable[[Job], object] | None = None,
) -> Job:
    """A queued job, enqueued once the transaction commits. Deletions wait out the undo window.
    ``sealed_token`` is the owner's VoIPstudio token as the session keeps it (Fernet-sealed).
    ``confirmed_count``: how many matched when the supervisor confirmed; a "delete all matching"
    that finds another number stops before deleting (``CountChanged``). ``requested(job)`` writes
    the audit row of the request, before the message is published (so it comes before the outcome).

    With the job queue down nothing is created (``broker.JobsPaused``); a publish refused after that
    check ends the job as refused, in the audit trail too, and removes its row."""
    if broker.paused():
        raise broker.JobsPaused()
    undo = settings.JOBS_UNDO_SECONDS if kind in (Job.Kind.DELETE, Job.Kind.DELETE_ALL) else 0
    job = Job.objects.create(
        owner=owner,
        kind=kind,
        section=section,
        query=query,
        ids=ids,
        time_zone=time_zone or "UTC",
        customer_id=account.customer_id,
        sealed_token=sealed_token,
        scope=scope,
        confirmed_count=confirmed_count,
        total=len(ids) if ids is not None else None,
        not_before=timezone.now() + timedelta(seconds=undo),
    )
    if requested is not None:
        requested(job)
    # After the commit, so that the worker finds the row. Outside a transaction that is now, and a
    # refused publish is the caller's to hear: the row goes, nothing is left waiting. Inside a
    # caller's transaction (``robust``) a refused publish is logged at the commit and the row stays
    # queued: jobs_resume_stale enqueues it once its start time has passed.
    deferred = transaction.get_connection().in_atomic_block
    try:
        tasks.run_job.apply_async_on_commit(
            (job.pk,), countdown=undo, robust=deferred, **broker.PUBLISH_OPTIONS
        )
    except broker.PUBLISH_ERRORS as error:
        logger.warning("job %s: the broker refused its message (%s)", job.pk, type(error).__name__)
        job_end(job=job, status=Job.Status.FAILED, message=broker.PAUSED_MESSAGE, refused=True)
        Job.objects.filter(pk=job.pk).delete()
        raise broker.JobsPaused() from None
    return job


def job_cancel(*, job: Job) -> bool:
    """Cancel a waiting or running job; False when it had already ended. A running job stops
    after the chunk or page in hand (its counts then say exactly what was done)."""
    cancelled = job_end(job=job, status=Job.Status.CANCELLED, message="Cancelled.")
    job.refresh_from_db()
    return cancelled

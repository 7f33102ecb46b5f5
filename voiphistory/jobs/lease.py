"""A job row's life: claimed by one runner at a time, checkpointed, released, ended once.

A job row is claimed by one runner at a time (``runner`` + ``heartbeat_at``, a lease): a Celery
message redelivered while the first worker is alive waits; one whose worker died takes over once
the heartbeat is stale. Every checkpoint writes counts and cursor together, so a resumed job
never counts an item twice. Ending a job writes its one outcome to the audit trail.

The runner (``jobs.runner``) claims and ends jobs; deletes and exports write through the
``Lease`` they are handed; services end a job the supervisor cancels.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from voiphistory.audit import services as audit
from voiphistory.audit.actors import Actor
from voiphistory.audit.models import Action
from voiphistory.jobs.models import Job, JobFailure

logger = logging.getLogger(__name__)


class JobBusy(Exception):
    """Another runner holds the job, or its undo window is still open: try again in ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"busy for {seconds:.1f} s")
        self.seconds = seconds


class JobStopped(Exception):
    """The job was cancelled, or another runner took it over: stop without writing more."""


class CountChanged(Exception):
    """A "delete all matching" found a different number matching than the supervisor confirmed."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} match now")
        self.count = count


class Lease:
    """One runner's hold on a job: every write goes through ``checkpoint``."""

    def __init__(self, job: Job, runner: str) -> None:
        self.job = job
        self.runner = runner

    def checkpoint(self, failures: list[tuple[int, str]] | tuple[()] = (), **fields: Any) -> None:
        fields["heartbeat_at"] = timezone.now()
        with transaction.atomic():
            if not Job.objects.filter(pk=self.job.pk, runner=self.runner).update(**fields):
                raise JobStopped("another runner took the job over")
            if failures:
                JobFailure.objects.bulk_create(
                    [JobFailure(job_id=self.job.pk, item_id=i, reason=r[:1000]) for i, r in failures],
                    ignore_conflicts=True,
                )
        for name, value in fields.items():
            setattr(self.job, name, value)
        status = Job.objects.filter(pk=self.job.pk).values_list("status", flat=True).first()
        if status != Job.Status.RUNNING:
            raise JobStopped(f"job is {status}")


def job_claim(*, job_id: int, runner: str) -> Job | None:
    """Take the job for ``runner``; None when there is nothing left to do. Raises ``JobBusy``
    while the undo window is open or a live runner holds it."""
    now = timezone.now()
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not job.is_active:
        return None
    if job.not_before and job.not_before > now:
        raise JobBusy((job.not_before - now).total_seconds())
    stale = now - timedelta(seconds=settings.JOBS_STALE_SECONDS)
    free = Q(status=Job.Status.QUEUED) | Q(status=Job.Status.RUNNING) & (
        Q(runner="") | Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=stale)
    )
    claimed = Job.objects.filter(free, pk=job_id).update(
        status=Job.Status.RUNNING,
        runner=runner,
        heartbeat_at=now,
        attempts=job.attempts + 1,
        started_at=job.started_at or now,
    )
    if not claimed:
        job.refresh_from_db()
        if not job.is_active:
            return None
        raise JobBusy(settings.JOBS_STALE_SECONDS)
    job.refresh_from_db()
    return job


def job_release(*, job: Job, runner: str) -> None:
    """Let the next attempt claim the job at once (the checkpoint stays)."""
    Job.objects.filter(pk=job.pk, runner=runner).update(runner="", heartbeat_at=None)


def job_end(
    *, job: Job, status: str, message: str, runner: str | None = None, refused: bool = False, **fields: Any
) -> bool:
    """End an active job (``runner``: only while that runner holds it); False when it had already
    ended. The sealed token goes with it, and the audit trail gets the job's one outcome: the
    conditional update lets exactly one caller through, so no job ends twice in the trail.
    ``refused``: it ended because VoIPstudio refused the account or the operation, not by accident."""
    jobs = Job.objects.filter(pk=job.pk, status__in=Job.ACTIVE)
    if runner is not None:
        jobs = jobs.filter(runner=runner)
    if status == Job.Status.SUCCEEDED:
        fields["inflight"] = None
    ended = jobs.update(status=status, finished_at=timezone.now(), message=message, sealed_token="", **fields)
    if ended:
        _audit_outcome(job.pk, refused=refused)
    return bool(ended)


def job_fail(*, job: Job, runner: str | None = None, message: str, refused: bool = False) -> None:
    if job_end(job=job, runner=runner, status=Job.Status.FAILED, message=message, refused=refused):
        logger.info("job %s failed: %s", job.pk, message)


OUTCOMES: dict[str, Action] = {
    Job.Status.SUCCEEDED: Action.JOB_FINISHED,
    Job.Status.FAILED: Action.JOB_FAILED,
    Job.Status.CANCELLED: Action.JOB_CANCELLED,
    Job.Status.CHANGED: Action.JOB_REFUSED,
}


def _audit_outcome(job_id: int, *, refused: bool) -> None:
    job = Job.objects.select_related("owner").get(pk=job_id)
    action = Action.JOB_REFUSED if refused else OUTCOMES[job.status]
    detail = {"job": job.pk, "kind": job.get_kind_display(), "result": job.progress, "reason": job.message}
    if job.is_deletion:
        detail.update(deleted=job.deleted, already_gone=job.already_gone, failed=job.failed)
    audit.record(
        actor=Actor.owner(job.owner, email=job.owner.email, customer_id=job.customer_id),
        action=action,
        section=job.section,
        detail=detail,
    )

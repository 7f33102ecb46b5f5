"""Writes for jobs: create, cancel, run (claim, checkpoint, finish), and housekeeping.

A job row is claimed by one runner at a time (``runner`` + ``heartbeat_at``, a lease): a Celery
message redelivered while the first worker is alive waits; one whose worker died takes over once
the heartbeat is stale. Every checkpoint writes counts and cursor together, so a resumed job
never counts an item twice.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from voiphistory.accounts import tokens
from voiphistory.accounts.upstream import Account, api_client
from voiphistory.audit import services as audit
from voiphistory.audit.models import Action
from voiphistory.history.messages import upstream_message
from voiphistory.jobs.models import Job, JobFailure
from voiphistory.voipstudio import TRANSIENT_ERRORS, Forbidden, Unauthorized, VoipstudioClient, VoipstudioError

logger = logging.getLogger(__name__)


class JobBusy(Exception):
    """Another runner holds the job, or its undo window is still open: try again in ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"busy for {seconds:.1f} s")
        self.seconds = seconds


class JobStopped(Exception):
    """The job was cancelled, or another runner took it over: stop without writing more."""


# --- Creating and cancelling ---------------------------------------------------------------------


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
) -> Job:
    """A queued job, enqueued once the transaction commits. Deletions wait out the undo window.
    ``sealed_token`` is the owner's VoIPstudio token as the session keeps it (Fernet-sealed)."""
    undo = settings.JOBS_UNDO_SECONDS if kind in (Job.Kind.DELETE, Job.Kind.DELETE_ALL) else 0
    job = Job.objects.create(
        owner=owner, kind=kind, section=section, query=query, ids=ids, time_zone=time_zone or "UTC",
        customer_id=account.customer_id, sealed_token=sealed_token,
        total=len(ids) if ids is not None else None, not_before=timezone.now() + timedelta(seconds=undo),
    )  # fmt: skip
    from voiphistory.jobs import tasks  # tasks import services: import here to keep one direction

    transaction.on_commit(lambda: tasks.run_job.apply_async((job.pk,), countdown=undo))
    return job


def job_cancel(*, job: Job) -> bool:
    """Cancel a waiting or running job; False when it had already ended. A running job stops
    after the chunk or page in hand (its counts then say exactly what was done)."""
    now = timezone.now()
    cancelled = Job.objects.filter(pk=job.pk, status__in=Job.ACTIVE).update(
        status=Job.Status.CANCELLED, finished_at=now, message="Cancelled."
    )
    job.refresh_from_db()
    return bool(cancelled)


# --- Running ---------------------------------------------------------------------------------------


class Lease:
    """One runner's hold on a job: every write goes through ``checkpoint``."""

    def __init__(self, job: Job, runner: str) -> None:
        self.job = job
        self.runner = runner

    def checkpoint(self, failures: list[tuple[int, str]] = (), **fields) -> None:
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
        status=Job.Status.RUNNING, runner=runner, heartbeat_at=now, attempts=job.attempts + 1,
        started_at=job.started_at or now,
    )  # fmt: skip
    if not claimed:
        job.refresh_from_db()
        if not job.is_active:
            return None
        raise JobBusy(settings.JOBS_STALE_SECONDS)
    job.refresh_from_db()
    return job


def job_client(job: Job) -> VoipstudioClient:
    try:
        return api_client(tokens.unseal(job.sealed_token))
    except tokens.InvalidToken:
        raise Unauthorized("the saved VoIPstudio sign-in can no longer be read") from None


def job_run(*, job_id: int) -> None:
    """Run (or resume) a job to its end. Transient VoIPstudio errors propagate after the lease is
    released, so the caller retries later from the last checkpoint."""
    from voiphistory.jobs import deletes, exports

    runner = uuid.uuid4().hex
    job = job_claim(job_id=job_id, runner=runner)
    if job is None:
        return
    lease = Lease(job, runner)
    work = {Job.Kind.DELETE: deletes.run_delete, Job.Kind.DELETE_ALL: deletes.run_delete_all,
            Job.Kind.EXPORT: exports.run_export, Job.Kind.ARCHIVE: exports.run_archive}[job.kind]  # fmt: skip
    try:
        message = work(job=job, client=job_client(job), lease=lease) or ""
    except JobStopped:
        return
    except Unauthorized:
        job_fail(job=job, runner=runner, message=(
            "Your VoIPstudio sign-in was revoked or has expired, so the job could not go on. "
            "Sign in again and start it again."
        ))  # fmt: skip
        return
    except Forbidden as error:
        job_fail(job=job, runner=runner, message=upstream_message(error))
        return
    except TRANSIENT_ERRORS:
        job_release(job=job, runner=runner)
        raise
    except VoipstudioError as error:
        job_fail(job=job, runner=runner, message=upstream_message(error))
        return
    except Exception:
        job_release(job=job, runner=runner)
        raise
    finished = Job.objects.filter(pk=job.pk, runner=runner, status=Job.Status.RUNNING).update(
        status=Job.Status.SUCCEEDED, finished_at=timezone.now(), message=message, inflight=None, sealed_token=""
    )
    if finished and job.is_deletion:
        job.refresh_from_db()
        audit.record(None, action=Action.BULK_DELETE, section=job.section, user=job.owner, email=job.owner.email,
                     customer_id=job.customer_id,
                     detail={"job": job.pk, "finished": True, "deleted": job.deleted,
                             "already_gone": job.already_gone, "failed": job.failed})  # fmt: skip


def job_release(*, job: Job, runner: str) -> None:
    """Let the next attempt claim the job at once (the checkpoint stays)."""
    Job.objects.filter(pk=job.pk, runner=runner).update(runner="", heartbeat_at=None)


def job_fail(*, job: Job, runner: str | None = None, message: str) -> None:
    jobs = Job.objects.filter(pk=job.pk, status__in=Job.ACTIVE)
    if runner is not None:
        jobs = jobs.filter(runner=runner)
    jobs.update(status=Job.Status.FAILED, finished_at=timezone.now(), message=message, sealed_token="")
    logger.info("job %s failed: %s", job.pk, message)


# --- Housekeeping ----------------------------------------------------------------------------------


def export_path(job: Job, suffix: str) -> Path:
    directory = Path(settings.EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"job-{job.pk}-{uuid.uuid4().hex}{suffix}"


def jobs_expire_files(*, now=None) -> int:
    """Delete the files of exports past their expiry; returns how many were removed."""
    now = now or timezone.now()
    removed = 0
    for job in Job.objects.filter(expires_at__lt=now).exclude(result_path=""):
        Path(job.result_path).unlink(missing_ok=True)
        Job.objects.filter(pk=job.pk).update(result_path="", result_size=None)
        removed += 1
    # Files of failed or cancelled exports never got an expiry: drop them after the same delay.
    ended = now - timedelta(hours=settings.EXPORT_TTL_HOURS)
    for job in Job.objects.filter(finished_at__lt=ended, expires_at__isnull=True).exclude(result_path=""):
        Path(job.result_path).unlink(missing_ok=True)
        Job.objects.filter(pk=job.pk).update(result_path="")
        removed += 1
    return removed


def jobs_resume_stale() -> list[int]:
    """Re-enqueue running jobs whose runner stopped checkpointing (its worker died)."""
    from voiphistory.jobs import tasks

    stale = timezone.now() - timedelta(seconds=settings.JOBS_STALE_SECONDS)
    ids = list(
        Job.objects.filter(status=Job.Status.RUNNING)
        .filter(Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True))
        .values_list("pk", flat=True)
    )
    for job_id in ids:
        tasks.run_job.delay(job_id)
    return ids

"""Writes for jobs: create, cancel, run (claim, checkpoint, finish), and housekeeping.

A job row is claimed by one runner at a time (``runner`` + ``heartbeat_at``, a lease): a Celery
message redelivered while the first worker is alive waits; one whose worker died takes over once
the heartbeat is stale. Every checkpoint writes counts and cursor together, so a resumed job
never counts an item twice.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from voiphistory.accounts import tokens
from voiphistory.accounts.upstream import Account, api_client
from voiphistory.audit import services as audit
from voiphistory.audit.models import Action
from voiphistory.history.messages import upstream_message
from voiphistory.jobs import broker
from voiphistory.jobs.heartbeat import heartbeat
from voiphistory.jobs.models import Job, JobFailure
from voiphistory.jobs.selectors import InvalidTableQuery
from voiphistory.voipstudio import TRANSIENT_ERRORS, Forbidden, Unauthorized, VoipstudioClient, VoipstudioError

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
        owner=owner, kind=kind, section=section, query=query, ids=ids, time_zone=time_zone or "UTC",
        customer_id=account.customer_id, sealed_token=sealed_token, scope=scope, confirmed_count=confirmed_count,
        total=len(ids) if ids is not None else None, not_before=timezone.now() + timedelta(seconds=undo),
    )  # fmt: skip
    if requested is not None:
        requested(job)
    refused: list[BaseException] = []

    def enqueue() -> None:  # after the commit, so that the worker finds the row
        try:
            broker.publish(job.pk, countdown=undo)
        except broker.PUBLISH_ERRORS as error:
            refused.append(error)
            if not deferred:  # the caller is told at once: the row goes, nothing is left waiting
                job_end(job=job, status=Job.Status.FAILED, message=broker.PAUSED_MESSAGE, refused=True)
                Job.objects.filter(pk=job.pk).delete()
            # Deferred (inside a caller's transaction): the row stays queued and jobs_resume_stale
            # enqueues it once its start time has passed.
            logger.warning("job %s: the broker refused its message (%s)", job.pk, type(error).__name__)

    deferred = transaction.get_connection().in_atomic_block
    transaction.on_commit(enqueue)  # outside a transaction: runs now
    if refused and not deferred:
        raise broker.JobsPaused()
    return job


def job_cancel(*, job: Job) -> bool:
    """Cancel a waiting or running job; False when it had already ended. A running job stops
    after the chunk or page in hand (its counts then say exactly what was done)."""
    cancelled = job_end(job=job, status=Job.Status.CANCELLED, message="Cancelled.")
    job.refresh_from_db()
    return cancelled


def job_end(*, job: Job, status: str, message: str, runner: str | None = None, refused: bool = False, **fields) -> bool:
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


OUTCOMES = {Job.Status.SUCCEEDED: Action.JOB_FINISHED, Job.Status.FAILED: Action.JOB_FAILED,
            Job.Status.CANCELLED: Action.JOB_CANCELLED, Job.Status.CHANGED: Action.JOB_REFUSED}  # fmt: skip


def _audit_outcome(job_id: int, *, refused: bool) -> None:
    job = Job.objects.select_related("owner").get(pk=job_id)
    action = Action.JOB_REFUSED if refused else OUTCOMES[job.status]
    detail = {"job": job.pk, "kind": job.get_kind_display(), "result": job.progress, "reason": job.message}
    if job.is_deletion:
        detail.update(deleted=job.deleted, already_gone=job.already_gone, failed=job.failed)
    audit.record(None, action=action, section=job.section, user=job.owner, email=job.owner.email,
                 customer_id=job.customer_id, detail=detail)  # fmt: skip


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
    from voiphistory.jobs import deletes, exports, xlsxfile

    runner = uuid.uuid4().hex
    job = job_claim(job_id=job_id, runner=runner)
    if job is None:
        return
    lease = Lease(job, runner)
    work = {Job.Kind.DELETE: deletes.run_delete, Job.Kind.DELETE_ALL: deletes.run_delete_all,
            Job.Kind.EXPORT: exports.run_export, Job.Kind.XLSX_EXPORT: xlsxfile.run_xlsx_export,
            Job.Kind.ARCHIVE: exports.run_archive}[job.kind]  # fmt: skip
    try:
        with heartbeat(job_id=job.pk, runner=runner):
            message = work(job=job, client=job_client(job), lease=lease) or ""
    except JobStopped:
        return
    except InvalidTableQuery as error:  # a query no table accepts fails now, rather than being retried for ever
        job_fail(job=job, runner=runner, message=f"The table's filters need fixing: {error}")
        return
    except CountChanged as changed:
        job_end(job=job, runner=runner, status=Job.Status.CHANGED, total=changed.count,
                message="Nothing was deleted. Check what matches now and confirm again.")  # fmt: skip
        return
    except Unauthorized:
        job_fail(job=job, runner=runner, message=(
            "Your VoIPstudio sign-in was revoked or has expired, so the job could not go on. "
            "Sign in again and start it again."
        ))  # fmt: skip
        return
    except Forbidden as error:
        job_fail(job=job, runner=runner, message=upstream_message(error), refused=True)
        return
    except TRANSIENT_ERRORS:
        job_release(job=job, runner=runner)
        raise
    except VoipstudioError as error:  # a 400, a 404 of the collection…: trying again would get the same
        job_fail(job=job, runner=runner, message=upstream_message(error))
        return
    except DatabaseError:  # the database is locked or restarting: the next attempt resumes from the checkpoint
        job_release(job=job, runner=runner)
        raise
    except Exception:
        # A bug or a value nothing can handle: fail once, with the trace in the worker's log, rather
        # than release the job for jobs_resume_stale to run into the same error every minute.
        logger.exception("job %s stopped by an unexpected error", job.pk)
        job_fail(job=job, runner=runner, message=(
            "Stopped by an unexpected error; it will not be tried again. The worker's log has the details."
        ))  # fmt: skip
        return
    job_end(job=job, runner=runner, status=Job.Status.SUCCEEDED, message=message)


def job_release(*, job: Job, runner: str) -> None:
    """Let the next attempt claim the job at once (the checkpoint stays)."""
    Job.objects.filter(pk=job.pk, runner=runner).update(runner="", heartbeat_at=None)


def job_fail(*, job: Job, runner: str | None = None, message: str, refused: bool = False) -> None:
    if job_end(job=job, runner=runner, status=Job.Status.FAILED, message=message, refused=refused):
        logger.info("job %s failed: %s", job.pk, message)


# --- Housekeeping ----------------------------------------------------------------------------------


def export_path(job: Job, suffix: str) -> Path:
    """A new, empty file for the job's output, readable by this user only (0600: exports hold
    customer data; web and worker share the volume as the same user). Writers open it as it is,
    so its mode stays; ``private_file`` makes their side files the same way."""
    directory = Path(settings.EXPORT_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return private_file(directory / f"job-{job.pk}-{uuid.uuid4().hex}{suffix}")


def private_file(path: Path) -> Path:
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    os.chmod(path, 0o600)  # whatever the umask, and for a file that was already there
    return path


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


def jobs_resume_stale(*, now=None) -> list[int]:
    """Re-enqueue the jobs nothing is running (beat, every ``JOBS_RESUME_EVERY_SECONDS``):

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
    from voiphistory.jobs import tasks

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
            tasks.run_job.delay(job_id)
        except broker.PUBLISH_ERRORS:  # beat reached a broker that went away: the next beat tries again
            Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(heartbeat_at=None)
            continue
        resumed.append(job_id)
    if resumed:
        logger.warning("jobs: re-enqueued %s (no runner, or their message was lost)", resumed)
    Job.objects.exclude(status__in=Job.ACTIVE).exclude(sealed_token="").update(sealed_token="")
    return resumed

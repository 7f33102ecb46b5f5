"""A job's output files: made private from the start, and removed once they expire."""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from voiphistory.jobs.models import Job


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


def jobs_expire_files(*, now: datetime | None = None) -> int:
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

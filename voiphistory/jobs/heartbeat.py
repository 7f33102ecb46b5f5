"""A running job's lease kept fresh by a thread of its own, however far apart its checkpoints are
(a slow VoIPstudio page, a large MP3). So a job only goes stale when its worker is gone, and
``JOBS_STALE_SECONDS`` can be short: a killed job is taken over within a minute."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from voiphistory.jobs.models import Job

logger = logging.getLogger(__name__)


def _beat(job_id: int, runner: str, every: float, stop: threading.Event) -> None:
    try:
        while not stop.wait(every):
            try:
                if not Job.objects.filter(pk=job_id, runner=runner).update(heartbeat_at=timezone.now()):
                    return  # ended, or taken over: nothing of ours to keep fresh
            except DatabaseError:
                logger.warning(
                    "job %s: heartbeat not written, trying again in %g s", job_id, every, exc_info=True
                )
    finally:
        connection.close()  # this thread's own connection


@contextmanager
def heartbeat(*, job_id: int, runner: str) -> Iterator[None]:
    """While the block runs, renew the lease every quarter of ``JOBS_STALE_SECONDS``."""
    stop = threading.Event()
    every = max(0.5, settings.JOBS_STALE_SECONDS / 4)
    thread = threading.Thread(
        target=_beat, args=(job_id, runner, every, stop), name=f"job-{job_id}-heartbeat", daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)

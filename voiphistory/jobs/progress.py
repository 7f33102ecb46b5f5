"""A job's progress in words: "Deleting 120 of 264, none failed", "Finished: 264 deleted".

The panel, the jobs list and their tests read these sentences; numbers alone ("0 · deleted 0 ·
already gone 0") say nothing to a supervisor about what happened.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from django.utils import timezone

from voiphistory.history.catalog import BY_SLUG, item_nouns

if TYPE_CHECKING:
    from voiphistory.jobs.models import Job


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def _were(count: int) -> str:
    return f"{count:,} {'was' if count == 1 else 'were'}"


def _what(job: Job) -> tuple[str, str]:
    """The item words of the job's kind: rows of an export, recordings of an archive…"""
    if job.is_export:
        return "row", "rows"
    if job.kind == "archive":
        return "recording", "recordings"
    section = BY_SLUG.get(job.section)  # a deletion acts on the API's records: a call's legs
    return item_nouns(section) if section else ("item", "items")


def seconds_to_start(job: Job, now=None) -> int:
    """Whole seconds left in the undo window (0 once it is over)."""
    if job.not_before is None:
        return 0
    return max(0, math.ceil((job.not_before - (now or timezone.now())).total_seconds()))


def deletion_words(job: Job) -> str:
    """What a deletion did so far: "264 deleted, 3 were already gone, 1 failed"."""
    parts = [f"{job.deleted:,} deleted"]
    if job.already_gone:
        parts.append(f"{_were(job.already_gone)} already gone")
    if job.failed:
        parts.append(f"{job.failed:,} failed")
    return ", ".join(parts)


def progress_words(job: Job) -> str:
    one, many = _what(job)
    of_total = f" of {job.total:,}" if job.total is not None else ""
    status = job.status
    if status == "queued":
        if job.is_deletion:
            return "Waiting to start. Nothing has been deleted yet."
        return "Waiting to start."
    if status == "running":
        if job.is_deletion:
            if job.kind == "delete" and job.total is None:
                return "Listing what matches before deleting anything."
            failed = "none failed" if not job.failed else f"{job.failed:,} failed"
            gone = f", {_were(job.already_gone)} already gone" if job.already_gone else ""
            return f"Deleting {job.done:,}{of_total}, {failed}{gone}."
        verb = "Exporting" if job.is_export else "Archiving"
        return f"{verb} {job.done:,}{of_total} {many if (job.total or job.done) != 1 else one}."
    if status == "changed":
        return (
            f"Stopped before deleting anything: {_n(job.confirmed_count or 0, one, many)} matched when you "
            f"confirmed, {job.total or 0:,} match now."
        )
    if job.is_deletion:
        if status == "succeeded":
            return f"Finished: {deletion_words(job)}."
        if job.deleted or job.already_gone or job.failed:
            return f"{job.get_status_display()} after {deletion_words(job)}{of_total}."
        return f"{job.get_status_display()} before anything was deleted."
    if status == "succeeded":
        done = job.done - job.failed if job.kind == "archive" else job.done
        verb = "exported" if job.is_export else "archived"
        failed = f", {job.failed:,} could not be included" if job.failed else ""
        return f"Finished: {_n(done, one, many)} {verb}{failed}."
    if job.done:
        return f"{job.get_status_display()} after {_n(job.done, one, many)}{of_total}."
    return f"{job.get_status_display()} before anything was done."


def took_words(job: Job) -> str:
    seconds = job.duration_seconds
    if seconds is None or job.is_active or job.status == "changed":
        return ""
    if seconds < 1:
        return "took under a second"
    if seconds < 90:
        return f"took {_n(round(seconds), 'second')}"
    return f"took {_n(round(seconds / 60), 'minute')}"

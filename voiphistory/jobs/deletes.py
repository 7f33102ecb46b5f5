"""Bulk deletes, chunk by chunk within the client's path-length bound, checkpointed per chunk.

VoIPstudio answers 404 for a ``DELETE /monitors/1,2,3`` when any id is unknown (the emulator
deletes nothing then; the live API is undocumented here), so a chunk that 404s is split in
halves until the missing ids are found: those count as already gone. Any other refusal of a
single id is recorded against that id. If a worker died while a chunk was in flight, ids of that
chunk found gone on resume are counted as deleted by this job, not as already gone. A chunk whose
answer was lost (``OutcomeUnknown``) is read back id by id: gone counts as deleted, still there
as failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from voiphistory.history import capabilities
from voiphistory.history.writes import read_back
from voiphistory.jobs import selectors
from voiphistory.jobs.lease import CountChanged, Lease
from voiphistory.jobs.models import Job
from voiphistory.voipstudio import (
    TRANSIENT_ERRORS,
    Forbidden,
    NotFound,
    OutcomeUnknown,
    Unauthorized,
    VoipstudioClient,
    VoipstudioError,
)
from voiphistory.web.messages import upstream_message

#: About the account or the moment, not the item: the whole job stops or retries.
JOB_ERRORS: tuple[type[VoipstudioError], ...] = (Unauthorized, Forbidden, *TRANSIENT_ERRORS)


@dataclass
class Outcome:
    deleted: int = 0
    already_gone: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)


def delete_chunk(collection: Any, ids: list[int], *, ours: frozenset[int] = frozenset()) -> Outcome:
    """Delete ``ids`` (one request when all exist); ``ours`` are ids this job may already have
    deleted before a crash."""
    outcome = Outcome()
    _delete(collection, ids, outcome, ours)
    return outcome


def _delete(collection: Any, ids: list[int], outcome: Outcome, ours: frozenset[int]) -> None:
    try:
        collection.delete(ids)
    except JOB_ERRORS:
        raise
    except NotFound:
        if len(ids) > 1:
            return _split(collection, ids, outcome, ours)
        if ids[0] in ours:
            outcome.deleted += 1
        else:
            outcome.already_gone += 1
    except OutcomeUnknown as error:  # sent, answer lost: never sent again, read back (history.writes)
        settled = read_back(ids, error, collection.get, done=lambda item: item is None)
        outcome.deleted += len(settled.done)
        outcome.failures += [
            (id, "Not deleted: VoIPstudio's answer was lost and it still has it.") for id in settled.not_done
        ]
        outcome.failures += [(id, upstream_message(error)) for id in settled.unknown]
    except VoipstudioError as error:
        if len(ids) > 1:
            return _split(collection, ids, outcome, ours)
        outcome.failures.append((ids[0], upstream_message(error)))
    else:
        outcome.deleted += len(ids)
    return None


def _split(collection: Any, ids: list[int], outcome: Outcome, ours: frozenset[int]) -> None:
    middle = len(ids) // 2
    _delete(collection, ids[:middle], outcome, ours)
    _delete(collection, ids[middle:], outcome, ours)


def run_delete(*, job: Job, client: VoipstudioClient, lease: Lease) -> str:
    # Calls by id may not be deletable at all (not in the reference): the guard fails the job once, with why.
    collection = capabilities.guarded_collection(
        client, selectors.section_of(job), customer_id=job.customer_id
    )
    ids: list[int] | None = job.ids
    if ids is None:
        # "Everything matching": the ids are listed once, before anything is deleted, so that
        # deleting does not shift the pages being walked and a resumed job acts on the same set.
        ids = selectors.matching_ids(job=job, client=client)
        if job.confirmed_count is not None and len(ids) != job.confirmed_count:
            # New items arrived or some were deleted elsewhere: this is not the set the supervisor
            # confirmed, so nothing is deleted and they are asked again with the new count.
            raise CountChanged(len(ids))
        lease.checkpoint(ids=ids, total=len(ids))
    ours = frozenset(job.inflight or ())
    for chunk in collection.chunk_ids(ids[job.cursor :]):
        lease.checkpoint(inflight=chunk)
        outcome = delete_chunk(collection, chunk, ours=ours)
        ours = frozenset()
        lease.checkpoint(
            outcome.failures,
            cursor=job.cursor + len(chunk),
            done=job.done + len(chunk),
            inflight=None,
            deleted=job.deleted + outcome.deleted,
            already_gone=job.already_gone + outcome.already_gone,
            failed=job.failed + len(outcome.failures),
        )
    return ""


def run_delete_all(*, job: Job, client: VoipstudioClient, lease: Lease) -> str:
    """``DELETE /monitors`` and the like: one request; VoIPstudio may finish it later (202)."""
    collection = getattr(client, selectors.wipeable_of(job).collection)
    if "list" in collection.operations and job.total is None:
        lease.checkpoint(total=collection.page(limit=1).total)
    later = collection.delete_all()
    lease.checkpoint(done=job.total or 0, deleted=job.total or 0)
    if later:
        return "VoIPstudio accepted the deletion and is finishing it in the background."
    return ""

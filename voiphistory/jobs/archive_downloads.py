"""A recordings archive's inputs at the API's speed: each recording's facts from list pages, and its
MP3s downloaded several at once, handed to the archive in order.

No recording costs a GET of its own before its MP3: the facts the manifest needs come from the
list pages the job walks anyway ("all matching": the table's own walk; chosen ids: one page per
span of ids, ``listed_facts``). Only one the pages did not hold (deleted since, unreadable) is
asked for alone, and its 404 says "already deleted" as before. The MP3s are downloaded
``parallel`` at a time on the job's one pooled session, each into a spooled temporary file (in
memory up to ``SPOOL_BYTES``, on disk beyond, in the export directory: 0600, as every job file);
at most ``AHEAD × parallel`` are held at once, so memory stays flat however long the archive is.
"""

from __future__ import annotations

import contextvars
import tempfile
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from voiphistory.voipstudio import (
    TRANSIENT_ERRORS,
    Filter,
    Forbidden,
    InvalidRequest,
    Monitor,
    NotFound,
    Unauthorized,
    VoipstudioError,
)
from voiphistory.voipstudio.record_collections import MonitorCollection
from voiphistory.web.messages import upstream_message

SPOOL_BYTES = 4 * 2**20
#: Downloads asked for ahead of the one the archive waits for, per download at a time: a slow one
#: does not leave the others idle (the files are taken in order) while the rest keep coming.
AHEAD = 4
INCLUDED = "included"


@dataclass(frozen=True, slots=True)
class Facts:
    """What the manifest says of a recording: its record without the transcript and the analysis
    (an archive of many thousands keeps only these)."""

    timestamp: datetime
    src_name: str | None
    src: str | None
    dst_name: str | None
    dst: str | None
    duration: int | None

    @classmethod
    def of(cls, record: Monitor) -> Facts:
        return cls(
            record.timestamp, record.src_name, record.src, record.dst_name, record.dst, record.duration
        )


def matching_facts(
    collection: MonitorCollection, *, filters: list[Filter], page_size: int
) -> dict[int, Facts]:
    """Every recording the table's filters match, oldest id first, with its facts: one walk."""
    records = collection.iterate(filters=filters, sort="id", direction="ASC", page_size=page_size)
    return {record.id: Facts.of(record) for record in records}


def listed_facts(collection: MonitorCollection, *, ids: Iterable[int], page_size: int) -> dict[int, Facts]:
    """The facts of the given recordings from list pages over their ids (``id gte``/``lte``): ids
    less than a page apart share one request, so no recording costs more than one and a table's
    selection costs one or two. A recording the pages do not hold is left out; a server that
    refuses id filters (400) leaves out the rest, for the caller to ask one by one."""
    wanted = set(ids)
    facts: dict[int, Facts] = {}
    for low, high in id_spans(sorted(wanted), page_size):
        bounds = [Filter("id", "gte", low), Filter("id", "lte", high)]
        try:
            for record in collection.iterate(filters=bounds, sort="id", direction="ASC", page_size=page_size):
                if record.id in wanted:
                    facts[record.id] = Facts.of(record)
        except InvalidRequest:
            return facts
    return facts


def id_spans(ids: list[int], width: int) -> Iterator[tuple[int, int]]:
    """Sorted ``ids`` cut into (first, last) spans narrower than ``width``: each holds at most
    ``width`` records, one page."""
    if not ids:
        return
    first = last = ids[0]
    for id in ids[1:]:
        if id - first >= width:
            yield first, last
            first = id
        last = id
    yield first, last


@dataclass
class Download:
    """One recording's outcome: ``INCLUDED`` with its MP3 in ``body`` (the reader closes it), or
    why not ("already deleted", VoIPstudio's refusal in words)."""

    id: int
    status: str
    facts: Facts | None = None
    body: IO[bytes] | None = None
    size: int = 0

    def close(self) -> None:
        if self.body is not None:
            self.body.close()


def downloads(
    collection: MonitorCollection,
    ids: Iterable[int],
    facts: dict[int, Facts],
    *,
    parallel: int,
    directory: Path,
) -> Generator[Download]:
    """Each id's MP3, ``parallel`` downloads at a time, yielded in the order of ``ids``. A 401, a
    403 or a transient failure is raised when its turn comes (the job stops or retries); close the
    generator to stop early: nothing further is asked for and every spooled body is closed."""
    queue = iter(ids)
    pending: deque[Future[Download]] = deque()
    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="archive-mp3") as pool:

        def submit() -> None:
            for id in queue:  # the next id, if any; each download runs in the job's context
                context = contextvars.copy_context()
                pending.append(pool.submit(context.run, _download, collection, id, facts.get(id), directory))
                return

        try:
            for _ in range(AHEAD * parallel):
                submit()
            while pending:
                done = pending.popleft().result()
                submit()
                yield done
        finally:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True)
            for future in pending:
                if not future.cancelled() and future.exception() is None:
                    future.result().close()


def _download(collection: MonitorCollection, id: int, facts: Facts | None, directory: Path) -> Download:
    try:
        if facts is None:  # not on the list pages: asked for alone (a 404 means it is gone)
            facts = Facts.of(collection.get(id))
        stream = collection.mp3(id)
        body = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, dir=str(directory))  # noqa: SIM115 (the archive closes it)
        try:
            for chunk in stream.iter_chunks():
                body.write(chunk)
        except BaseException:
            body.close()
            raise
        size = body.tell()
        body.seek(0)
        return Download(id, INCLUDED, facts, body, size)
    except (Unauthorized, Forbidden):
        raise
    except TRANSIENT_ERRORS:
        raise
    except NotFound:
        return Download(id, "already deleted")
    except VoipstudioError as error:
        return Download(id, upstream_message(error))

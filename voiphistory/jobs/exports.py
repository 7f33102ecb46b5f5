"""CSV exports (Excel workbooks: xlsxfile.py) and recordings archives, written as streams to disk (flat memory).

An export walks the table's query page by page (``EXPORT_PAGE_SIZE`` rows, the largest page
VoIPstudio serves; the next page is read while one is written: ``export_pages``) and appends each
page to the file, its cells memoised for the job (``csvfile.Rows``); the checkpoint is (rows
written, bytes written), so a resumed export cuts the file back to the last checkpoint and carries
on from the next page. An archive restarts from the beginning when
resumed (a half-written ZIP cannot be appended to safely); its counts restart with it.
"""

from __future__ import annotations

import contextvars
import csv
import functools
import io
import shutil
import time
import zipfile
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from voiphistory.history import call_window
from voiphistory.history.user_names import user_names
from voiphistory.jobs import archive_downloads, csvfile, scope, selectors
from voiphistory.jobs.files import export_path, private_file
from voiphistory.jobs.lease import Lease
from voiphistory.jobs.models import Job
from voiphistory.voipstudio import Page, VoipstudioClient, VoipstudioError
from voiphistory.web.csv import BOM, DIALECT, TIME_FORMAT, neutralise
from voiphistory.web.formatting import hms


def _finish_file(job: Job, lease: Lease, path: Path, name: str) -> None:
    lease.checkpoint(
        result_path=str(path),
        result_name=name,
        result_size=path.stat().st_size,
        expires_at=timezone.now() + timedelta(hours=settings.EXPORT_TTL_HOURS),
    )


def export_plan(job: Job, client: VoipstudioClient) -> tuple:
    """What an export walks, and how it writes it: (section, users, query, filters, collection,
    zone), the table's query in the supervisor's zone (CSV and Excel alike)."""
    section = selectors.section_of(job)
    users = user_names(client=client, customer_id=job.customer_id)
    try:
        query, filters = selectors.table_query(
            section=section, query=job.query, time_zone=job.time_zone, users=users
        )
    except ValueError:
        raise VoipstudioError("The table's filters were not valid, so nothing was exported.") from None
    return section, users, query, filters, getattr(client, section.collection), ZoneInfo(job.time_zone)


def run_export(*, job: Job, client: VoipstudioClient, lease: Lease) -> str:
    section, users, query, filters, collection, zone = export_plan(job, client)
    size = settings.EXPORT_PAGE_SIZE
    if job.cursor % size:
        lease.checkpoint(cursor=0, done=0, written_bytes=0)  # written with another page size
    if not job.result_path:
        lease.checkpoint(result_path=str(export_path(job, ".csv.part")))
    path = Path(job.result_path)
    mode = "r+b" if job.cursor and path.exists() else "wb"
    with open(path, mode) as raw:
        if mode == "r+b":
            raw.truncate(job.written_bytes)
            raw.seek(job.written_bytes)
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=False)
        out = csv.writer(text, dialect=DIALECT)
        if mode == "wb":
            lease.checkpoint(cursor=0, done=0)
            text.write(BOM)
            out.writerow(csvfile.header(query.visible_columns, zone))
        rows = csvfile.Rows(query.visible_columns, users, zone, as_csv=True)
        with closing(export_pages(job, collection, query, filters)) as pages:
            for page in pages:  # the next page is on its way while this one is written
                out.writerows(map(rows.cells, page.items))
                text.flush()
                written = job.cursor + len(page.items)
                lease.checkpoint(cursor=written, done=written, total=page.total, written_bytes=raw.tell())
                del page  # written: free its rows while the next page is decoded
        text.detach()
    final = path.with_suffix("") if path.suffix == ".part" else path
    path.rename(final)
    _finish_file(job, lease, final, export_name(job, section, filters, "csv"))
    return ""


def export_pages(job: Job, collection, query, filters: list) -> Generator[Page]:
    """The table's pages from the job's cursor on, in the table's sort; the caller checkpoints
    ``cursor`` after each page (the walk goes on from there).

    The next page is read (``read_ahead``) while the caller writes this one, so a walk costs the
    slower of reading and writing, not their sum; once the first page has told the total, the next
    one is asked for before this one is even decoded. Close the generator (``contextlib.closing``)
    to stop the walk early."""
    size = settings.EXPORT_PAGE_SIZE
    if query.shows_calls:  # a Calls table lists calls: so does its export (history.call_window)
        calls = call_window.matching_calls(collection, query, limited=False)
        for first in range(job.cursor, len(calls), size):
            yield Page(calls[first : first + size], len(calls), first // size + 1, size)
        return
    number = job.cursor // size + 1  # counted here: the checkpoint lags behind the page on its way
    walk = functools.partial(
        collection.page_answer, limit=size, filters=filters, sort=query.sort_field, direction=query.direction
    )
    with read_ahead(lambda number: walk(page=number)) as ask:
        answer: Future[Any] | None = ask(number)
        total: int | None = None
        while answer is not None:
            got, answer = answer.result(), None
            if total is not None and number * size < total:
                answer = ask(number + 1)
            page = collection.page_of(got, page=number, limit=size)  # decoded here, not by the reader
            del got
            last = not page.items or (number - 1) * size + len(page.items) >= page.total
            if not last and answer is None:
                answer = ask(number + 1)
            total = page.total
            yield page
            del page  # not held while the next one is decoded
            if last:
                return
            number += 1


@contextmanager
def read_ahead[T](read: Callable[[int], T]) -> Iterator[Callable[[int], Future[T]]]:
    """``ask(number)``: ``read(number)`` started in one thread of its own, in the caller's context (the
    request tally counts its requests). One read at a time; on the way out, a read not started is
    cancelled and one under way is waited for (its connection goes back to the pool)."""
    context = contextvars.copy_context()
    latest: list[Future[T]] = []  # the last read asked for only: a read done with is not kept
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-read-ahead") as pool:

        def ask(number: int) -> Future[T]:
            latest[:] = [pool.submit(context.run, read, number)]
            return latest[0]

        try:
            yield ask
        finally:
            for future in latest:
                future.cancel()
            latest.clear()


def export_name(job: Job, section, filters: list, extension: str) -> str:
    """The file name says the period the rows cover ("calls 2026-11-30.csv"), not when it was made."""
    first, last = scope.period(filters, section.date_field, ZoneInfo(job.time_zone))
    return scope.file_name(section.title, first, last, extension)


MANIFEST = ["ID", "File", "When", "From", "From number", "To", "To number", "Duration", "Bytes", "Status"]


#: An archive's progress is saved at most this often (and at every failure): per recording, the
#: database would cost more than a download.
ARCHIVE_CHECKPOINT_SECONDS = 0.5
COPY_CHUNK = 2**20


def run_archive(*, job: Job, client: VoipstudioClient, lease: Lease) -> str:
    """A ZIP of recordings' MP3s (stored, not compressed: MP3 does not shrink) plus manifest.csv,
    in the order of the job's ids; the MP3s come several at once (``archive_downloads``)."""
    section = selectors.section_of(job)
    zone = ZoneInfo(job.time_zone)
    size = settings.EXPORT_PAGE_SIZE
    if job.ids is None:  # the table's walk gives the ids and their facts at once
        _form, filters = selectors.query_filters(job=job, client=client)
        facts = archive_downloads.matching_facts(client.monitors, filters=filters, page_size=size)
        lease.checkpoint(ids=list(facts))
    else:
        facts = archive_downloads.listed_facts(client.monitors, ids=job.ids, page_size=size)
        filters = None
    if job.result_path:
        Path(job.result_path).unlink(missing_ok=True)
    path = export_path(job, ".zip.part")
    manifest_path = private_file(path.with_suffix(".manifest"))
    ids: list[int] = job.ids or []
    lease.checkpoint(result_path=str(path), total=len(ids), cursor=0, done=0, failed=0)
    failures, refused, saved = 0, [], time.monotonic()
    number_value = functools.lru_cache(maxsize=csvfile.MEMO_LIMIT)(csvfile.number_value)  # per job
    parallel = settings.ARCHIVE_PARALLEL_DOWNLOADS
    mp3s = archive_downloads.downloads(client.monitors, ids, facts, parallel=parallel, directory=path.parent)
    try:
        with (
            zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive,
            open(manifest_path, "w", encoding="utf-8", newline="") as manifest,
            closing(mp3s),
        ):
            out = csv.writer(manifest, dialect=DIALECT)
            manifest.write(BOM)
            out.writerow(MANIFEST)
            for index, got in enumerate(mp3s, start=1):
                name = _archive_member(archive, got, zone)
                if got.status != archive_downloads.INCLUDED:
                    failures += 1
                    refused.append((got.id, got.status))
                shown = _manifest_cells(got.facts if name else None, zone, number_value)
                cells = [str(got.id), name, *shown, got.size if name else 0, got.status]
                out.writerow([neutralise(c) if isinstance(c, str) else c for c in cells])
                if refused or index == len(ids) or time.monotonic() - saved >= ARCHIVE_CHECKPOINT_SECONDS:
                    lease.checkpoint(refused, cursor=index, done=index, failed=failures)
                    refused, saved = [], time.monotonic()
            manifest.flush()
            archive.write(manifest_path, "manifest.csv")
    finally:
        manifest_path.unlink(missing_ok=True)
    final = path.with_suffix("")
    path.rename(final)
    if filters is None:  # named for the table's period, as exports are
        try:
            _form, filters = selectors.query_filters(job=job, client=client)
        except ValueError:
            filters = []
    _finish_file(job, lease, final, export_name(job, section, filters, "zip"))
    return f"{len(ids) - failures} of {len(ids)} recordings archived."


def _archive_member(archive: zipfile.ZipFile, got: archive_downloads.Download, zone: ZoneInfo) -> str:
    """Write a downloaded MP3 into the archive; its member name, or "" for one not included."""
    if got.status != archive_downloads.INCLUDED or got.body is None or got.facts is None:
        return ""
    name = f"{got.facts.timestamp.astimezone(zone):%Y-%m-%d_%H%M%S}_{got.id}.mp3"
    try:
        with archive.open(name, "w", force_zip64=True) as member:
            shutil.copyfileobj(got.body, member, COPY_CHUNK)
    finally:
        got.close()
    return name


def _manifest_cells(
    record: archive_downloads.Facts | None,
    zone: ZoneInfo,
    number_value: Callable[[str | None], str] = csvfile.number_value,
) -> list:
    if record is None:
        return ["", "", "", "", "", ""]
    return [
        record.timestamp.astimezone(zone).strftime(TIME_FORMAT),
        record.src_name or "",
        number_value(record.src),
        record.dst_name or "",
        number_value(record.dst),
        hms(record.duration),
    ]

"""CSV exports (Excel workbooks: xlsxfile.py) and recordings archives, written as streams to disk (flat memory).

An export walks the table's query page by page and appends each page to the file; the
checkpoint is (rows written, bytes written), so a resumed export cuts the file back to the last
checkpoint and carries on from the next page. An archive restarts from the beginning when
resumed (a half-written ZIP cannot be appended to safely); its counts restart with it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from voiphistory.history import call_window
from voiphistory.history.messages import upstream_message
from voiphistory.jobs import csvfile, scope, selectors
from voiphistory.jobs.models import Job
from voiphistory.jobs.services import Lease, export_path, private_file
from voiphistory.voipstudio import (
    TRANSIENT_ERRORS,
    Forbidden,
    NotFound,
    Page,
    Unauthorized,
    VoipstudioClient,
    VoipstudioError,
)


def _finish_file(job: Job, lease: Lease, path: Path, name: str) -> None:
    lease.checkpoint(
        result_path=str(path), result_name=name, result_size=path.stat().st_size,
        expires_at=timezone.now() + timedelta(hours=settings.EXPORT_TTL_HOURS),
    )  # fmt: skip


def export_plan(job: Job, client: VoipstudioClient) -> tuple:
    """What an export walks, and how it writes it: (section, users, query, filters, collection,
    zone), the table's query in the supervisor's zone (CSV and Excel alike)."""
    section = selectors.section_of(job)
    users = selectors.user_names(client=client, customer_id=job.customer_id)
    try:
        query, filters = selectors.table_query(section=section, query=job.query, time_zone=job.time_zone, users=users)
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
        out = csv.writer(text, dialect="excel")
        if mode == "wb":
            lease.checkpoint(cursor=0, done=0)
            text.write(csvfile.BOM)
            out.writerow(csvfile.header(query.visible_columns, zone))
        for page in export_pages(job, collection, query, filters):
            for item in page.items:
                out.writerow(csvfile.row(item, query.visible_columns, users, zone))
            text.flush()
            written = job.cursor + len(page.items)
            lease.checkpoint(cursor=written, done=written, total=page.total, written_bytes=raw.tell())
        text.detach()
    final = path.with_suffix("") if path.suffix == ".part" else path
    path.rename(final)
    _finish_file(job, lease, final, export_name(job, section, filters, "csv"))
    return ""


def export_pages(job: Job, collection, query, filters: list) -> Iterator[Page]:
    """The table's pages from the job's cursor on, in the table's sort; the caller checkpoints
    ``cursor`` after each page (the walk goes on from there)."""
    size = settings.EXPORT_PAGE_SIZE
    if query.shows_calls:  # a Calls table lists calls: so does its export (history.call_window)
        calls = call_window.matching_calls(collection, query, limited=False)
        for first in range(job.cursor, len(calls), size):
            yield Page(calls[first : first + size], len(calls), first // size + 1, size)
        return
    while True:
        page = collection.page(page=job.cursor // size + 1, limit=size, filters=filters,
                               sort=query.sort_field, direction=query.direction)  # fmt: skip
        start = job.cursor
        yield page
        if not page.items or start + len(page.items) >= page.total:
            return


def export_name(job: Job, section, filters: list, extension: str) -> str:
    """The file name says the period the rows cover ("calls 2026-11-30.csv"), not when it was made."""
    first, last = scope.period(filters, section.date_field, ZoneInfo(job.time_zone))
    return scope.file_name(section.title, first, last, extension)


MANIFEST = ["ID", "File", "When", "From", "From number", "To", "To number", "Duration", "Bytes", "Status"]


def run_archive(*, job: Job, client: VoipstudioClient, lease: Lease) -> str:
    """A ZIP of recordings' MP3s (stored, not compressed: MP3 does not shrink) plus manifest.csv."""
    section = selectors.section_of(job)
    zone = ZoneInfo(job.time_zone)
    if job.ids is None:
        lease.checkpoint(ids=selectors.matching_ids(job=job, client=client))
    if job.result_path:
        Path(job.result_path).unlink(missing_ok=True)
    path = export_path(job, ".zip.part")
    manifest_path = private_file(path.with_suffix(".manifest"))
    lease.checkpoint(result_path=str(path), total=len(job.ids), cursor=0, done=0, failed=0)
    failures = 0
    try:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive, \
                open(manifest_path, "w", encoding="utf-8", newline="") as manifest:  # fmt: skip
            out = csv.writer(manifest, dialect="excel")
            manifest.write(csvfile.BOM)
            out.writerow(MANIFEST)
            for index, id in enumerate(job.ids, start=1):
                status, name, size, record = _archive_one(client, archive, id, zone)
                failures += status != "included"
                cells = [str(id), name, *_manifest_cells(record, zone), size, status]
                out.writerow([csvfile.neutralise(c) if isinstance(c, str) else c for c in cells])
                lease.checkpoint([(id, status)] if status != "included" else [], cursor=index, done=index, failed=failures)
            manifest.flush()
            archive.write(manifest_path, "manifest.csv")
    finally:
        manifest_path.unlink(missing_ok=True)
    final = path.with_suffix("")
    path.rename(final)
    try:  # named for the table's period, as exports are
        _form, filters = selectors.query_filters(job=job, client=client)
    except ValueError:
        filters = []
    _finish_file(job, lease, final, export_name(job, section, filters, "zip"))
    return f"{len(job.ids) - failures} of {len(job.ids)} recordings archived."


def _archive_one(client: VoipstudioClient, archive: zipfile.ZipFile, id: int, zone: ZoneInfo):
    try:
        record = client.monitors.get(id)
        name = f"{record.timestamp.astimezone(zone):%Y-%m-%d_%H%M%S}_{id}.mp3"
        size = 0
        stream = client.monitors.mp3(id)
        with archive.open(name, "w", force_zip64=True) as member:
            for chunk in stream.iter_chunks():
                member.write(chunk)
                size += len(chunk)
        return "included", name, size, record
    except (Unauthorized, Forbidden, *TRANSIENT_ERRORS):
        raise
    except NotFound:
        return "already deleted", "", 0, None
    except VoipstudioError as error:
        return upstream_message(error), "", 0, None


def _manifest_cells(record, zone: ZoneInfo) -> list:
    if record is None:
        return ["", "", "", "", "", ""]
    from voiphistory.history.templatetags.history_format import hms

    return [
        record.timestamp.astimezone(zone).strftime(csvfile.TIME_FORMAT), record.src_name or "",
        csvfile.number_value(record.src), record.dst_name or "", csvfile.number_value(record.dst), hms(record.duration),
    ]  # fmt: skip


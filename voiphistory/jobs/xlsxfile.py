"""Excel workbooks for people: the table's rows with cells Excel shows intact.

XlsxWriter in ``constant_memory`` mode writes each row to a temporary file as soon as the next
one starts, so memory stays flat however many rows there are (bench/export_csv.py measures it).
Ids and phone numbers are text cells (never 4.47E+11, never a lost leading 0 or ``+``), times real
dates in the supervisor's zone (the header names it), durations real durations (``[h]:mm:ss``),
so sorting and sums work in Excel. Text is written with ``write_string``: it is never read as a
formula, so nothing needs neutralising here.

A workbook cannot be appended to, so a resumed export starts its file again (its counts restart
with it), as a recordings archive does.
"""

from __future__ import annotations

from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import xlsxwriter

from voiphistory.jobs import csvfile
from voiphistory.jobs.exports import _finish_file, export_name, export_pages, export_plan
from voiphistory.jobs.files import export_path
from voiphistory.jobs.lease import Lease
from voiphistory.jobs.models import Job
from voiphistory.voipstudio import VoipstudioClient

#: A worksheet holds 1,048,576 rows; one is the header.
MAX_ROWS = 1_048_575
DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"
DURATION_FORMAT = "[h]:mm:ss"
SECONDS_PER_DAY = 86_400
_WIDTHS = {"when": 20, "party": 24, "duration": 10, "text": 40}


def _open(path: Path) -> tuple[xlsxwriter.Workbook, dict]:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent)})
    book.use_zip64()  # a sheet of a million rows may pass 4 GB uncompressed
    formats = {
        "header": book.add_format({"bold": True}),
        "date": book.add_format({"num_format": DATE_FORMAT}),
        "duration": book.add_format({"num_format": DURATION_FORMAT}),
        "text": book.add_format({"num_format": "@"}),
    }
    return book, formats


def write_row(sheet, row: int, cells: list, formats: dict) -> None:
    for col, value in enumerate(cells):
        if isinstance(value, datetime):
            sheet.write_datetime(row, col, value, formats["date"])
        elif isinstance(value, timedelta):
            sheet.write_number(row, col, value.total_seconds() / SECONDS_PER_DAY, formats["duration"])
        elif value is None or value == "":
            sheet.write_blank(row, col, None)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            sheet.write_number(row, col, value)
        else:
            sheet.write_string(row, col, str(value), formats["text"])


def run_xlsx_export(*, job: Job, client: VoipstudioClient, lease: Lease) -> str:
    section, users, query, filters, collection, zone = export_plan(job, client)
    if job.result_path:
        Path(job.result_path).unlink(missing_ok=True)
    path = export_path(job, ".xlsx.part")
    lease.checkpoint(result_path=str(path), cursor=0, done=0)
    book, formats = _open(path)
    sheet = book.add_worksheet(section.title)
    columns = query.visible_columns
    names = csvfile.header(columns, zone)
    kinds = ["id"] + [c.kind for c in columns for _ in range(2 if c.kind == "party" else 1)]
    for col, kind in enumerate(kinds):
        sheet.set_column(col, col, _WIDTHS.get(kind, 14))
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, names, formats["header"])
    cut = False
    rows = csvfile.Rows(columns, users, zone, as_csv=False)
    try:
        with closing(export_pages(job, collection, query, filters)) as pages:
            for page in pages:  # the next page is on its way while this one is written
                room = MAX_ROWS - job.cursor
                for offset, item in enumerate(page.items[:room]):
                    write_row(sheet, job.cursor + offset + 1, rows.cells(item), formats)
                written = job.cursor + min(len(page.items), room)
                lease.checkpoint(cursor=written, done=written, total=min(page.total, MAX_ROWS))
                if written >= MAX_ROWS and page.total > MAX_ROWS:
                    cut = True
                    break
                del page  # written: free its rows while the next page is read
    finally:
        book.close()
    final = path.with_suffix("")
    path.rename(final)
    _finish_file(job, lease, final, export_name(job, section, filters, "xlsx"))
    if cut:
        return f"Excel holds {MAX_ROWS:,} rows: the file has the first {MAX_ROWS:,}. Use CSV for all of them."
    return ""

"""The cells of an export (CSV for machines, XLSX for people), one row per table row.

``values`` gives each cell as a typed value (local datetimes, ``timedelta`` durations, text,
numbers) for the columns the table shows (a party column becomes its name and its number); ``row``
writes them for CSV. Times are in the supervisor's zone, which the header names ("When
(Europe/London)"): a first comment line would break CSV readers.

CSV values are as they are: phone numbers are E.164 (``+441211794264``), extensions as the API
gives them, no leading ``'``. Only a cell a spreadsheet could run as a formula is neutralised
(OWASP "CSV injection"): one whose first non-space character is ``=``, ``+``, ``-``, ``@``,
tab or CR gets a leading ``'`` — except a cell that is exactly
``+`` followed by digits (an E.164 number): a spreadsheet reads that as a positive number or as
text, never as a formula that calls anything, and rewriting it would corrupt the number. "+44 20"
(with a space) or "+1+1" are not exempt: they are not numbers, and may be formula fragments.
Excel reads the UTF-8 BOM as "this is UTF-8".
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import IO, Any
from zoneinfo import ZoneInfo

from voiphistory.history.calls import Call
from voiphistory.history.catalog import Column
from voiphistory.history.templatetags.history_format import coded, hms, party_parts, phone
from voiphistory.history.user_names import user_label
from voiphistory.voipstudio import Raw

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_E164 = re.compile(r"\+[0-9]{1,20}")


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet will show it, never as a formula it would run."""
    if _E164.fullmatch(text):
        return text
    if text.lstrip(" \u00a0").startswith(FORMULA_STARTS + CONTROL_STARTS):
        return "'" + text
    return text


def number_value(number: str | None) -> str:
    """A phone number as a value: E.164 with its ``+`` when it is one, else as the API wrote it."""
    raw = str(number or "")
    return f"+{raw}" if raw.isdigit() and phone(raw).startswith("+") else raw


def header(columns: Sequence[Column], zone: ZoneInfo | str = "UTC") -> list[str]:
    names = ["ID"]
    for column in columns:
        names.append(f"{column.label} ({zone})" if column.kind == "when" else column.label)
        if column.kind == "party":
            names.append(f"{column.label} number")
    return names


def _cells(item: object, column: Column, users: dict[int, str], zone: ZoneInfo) -> Iterable[Any]:
    value = getattr(item, column.value_attr, None)
    kind = column.kind
    if column.key == "outcome" and isinstance(item, Call):
        return (item.describe(users or {}),)  # how the whole call ended, as the Calls table says it
    if kind == "when":
        return (value.astimezone(zone).replace(tzinfo=None) if isinstance(value, datetime) else value or "",)
    if kind == "duration":
        return (timedelta(seconds=int(value)) if isinstance(value, int | float) else value or "",)
    if kind == "party":
        name, number = party_parts(item, column, users)  # the table's name and number, in two cells
        return (name, number_value(number))
    if kind == "user":
        return (user_label(users, value),)  # "User 1234" when VoIPstudio gave no name
    if kind == "sentiment":
        return (coded(value, "sentiment") if value is not None else "",)
    if kind == "badge":
        return (coded(value, column.code_kind) if value else "",)
    if kind in ("folder", "chat_state"):
        return (coded(value, kind),)
    if kind == "bool":
        return ("New" if value else "Heard",)
    return ("" if value is None else value,)


def values(item: object, columns: Sequence[Column], users: dict[int, str], zone: ZoneInfo) -> list[Any]:
    """The typed cells of one row: the id as text, then each column's cells."""
    cells: list[Any] = [str(getattr(item, "id", ""))]
    for column in columns:
        cells.extend(_cells(item, column, users, zone))
    return cells


def csv_cell(value: Any) -> Any:
    if isinstance(value, Raw):  # a value the client could not read: its text, neutralised like any text
        value = str(value)
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    if isinstance(value, timedelta):
        return hms(int(value.total_seconds()))
    return neutralise(value) if isinstance(value, str) else value


def row(item: object, columns: Sequence[Column], users: dict[int, str], zone: ZoneInfo) -> list[Any]:
    return [csv_cell(cell) for cell in values(item, columns, users, zone)]


def writer(stream: IO[str]) -> Any:
    """Excel's dialect: comma, CRLF, quotes where needed (a cell may hold newlines)."""
    return csv.writer(stream, dialect="excel")


def write_rows(stream: IO[str], rows: Iterable[Sequence[Any]]) -> int:
    out = writer(stream)
    count = 0
    for cells in rows:
        out.writerow(cells)
        count += 1
    return count

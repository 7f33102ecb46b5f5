"""CSV that opens cleanly in a spreadsheet: the cells of a table's columns, made safe.

One row per API record, the columns the table shows (a party column becomes its name and its
number), times in the supervisor's zone. Excel reads the UTF-8 BOM as "this is UTF-8"; a cell
that starts with ``=``, ``+``, ``-``, ``@``, tab or CR would be read as a formula, so it gets a
leading ``'`` (OWASP "CSV injection"). Phone numbers keep their ``+`` and spaces, so they stay
text rather than becoming 4.47E+11.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO, Any
from zoneinfo import ZoneInfo

from voiphistory.history.catalog import Column, Section
from voiphistory.history.templatetags.history_format import caller_name, coded, hms, phone

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet will show it, never as a formula it would run."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def header(columns: Sequence[Column]) -> list[str]:
    names = ["ID"]
    for column in columns:
        names.append(column.label)
        if column.kind == "party":
            names.append(f"{column.label} number")
    return names


def _cells(item: object, column: Column, users: dict[int, str], zone: ZoneInfo) -> Iterable[Any]:
    value = getattr(item, column.value_attr, None)
    kind = column.kind
    if kind == "when":
        return (value.astimezone(zone).strftime(TIME_FORMAT) if value is not None else "",)
    if kind == "duration":
        return (hms(value),)
    if kind == "party":
        number = getattr(item, column.sub, None) if column.sub else None
        name = caller_name(value) if value and value != number else ""
        return (name, phone(number or (value if not name else "")))
    if kind == "user":
        return (users.get(value, "") if value is not None else "",)
    if kind == "sentiment":
        return (coded(value, "sentiment") if value is not None else "",)
    if kind == "badge":
        return (coded(value, column.field) if value else "",)
    if kind in ("folder", "chat_state"):
        return (coded(value, kind),)
    if kind == "bool":
        return ("New" if value else "Heard",)
    if kind == "score":
        return ("" if value is None else value,)
    return ("" if value is None else value,)


def row(item: object, columns: Sequence[Column], users: dict[int, str], zone: ZoneInfo) -> list[Any]:
    cells: list[Any] = [str(getattr(item, "id", ""))]
    for column in columns:
        cells.extend(_cells(item, column, users, zone))
    return [neutralise(cell) if isinstance(cell, str) else cell for cell in cells]


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

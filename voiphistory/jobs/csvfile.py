"""The cells of an export (CSV for machines, XLSX for people), one row per table row.

``values`` gives each cell as a typed value (local datetimes, ``timedelta`` durations, text,
numbers) for the columns the table shows (a party column becomes its name and its number); ``row``
writes them for CSV. Times are in the supervisor's zone, which the header names ("When
(Europe/London)"): a first comment line would break CSV readers.

Text cells are neutralised, the file starts with a BOM and times read as ``TIME_FORMAT``: the
conventions of every CSV the dashboard writes (``web.csv``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from voiphistory.history.calls import Call
from voiphistory.history.catalog import Column
from voiphistory.history.cells import cell, export_values
from voiphistory.voipstudio import Raw
from voiphistory.web.csv import TIME_FORMAT, neutralise
from voiphistory.web.formatting import hms, phone


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


def values(item: object, columns: Sequence[Column], users: dict[int, str], zone: ZoneInfo) -> list[Any]:
    """The typed cells of one row: the id as text, then each column's cells."""
    row: list[Any] = [str(getattr(item, "id", ""))]
    for column in columns:
        row.extend(column_values(item, column, users, zone))
    return row


def column_values(item: object, column: Column, users: dict[int, str], zone: ZoneInfo) -> tuple[Any, ...]:
    """One column's typed cells: what the table shows (history.cells), as export values."""
    shown = cell(item, column, users)
    return (shown.text, number_value(shown.number)) if shown.party else export_values(shown, zone)


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


#: Entries one job's memo of cells holds before it starts again (a few tens of MB at most).
MEMO_LIMIT = 65_536


class Rows:
    """One export job's rows: ``values`` (typed, for XLSX) or ``row`` (CSV text) of each item, with
    every column's cells memoised for the job. The same number, name, code or duration is formatted
    once per job, not once per row (phone formatting is the dearest cell, and a window of a million
    calls holds tens of thousands of numbers: a shared cache of a few thousand keeps none of them).
    A column's cells depend only on the attributes it reads (its value, a party's number and user)
    and on the job's users and zone, so those attributes are the key. Times (all different) and a
    call's outcome (the whole call) are not memoised."""

    def __init__(
        self, columns: Sequence[Column], users: dict[int, str], zone: ZoneInfo, *, as_csv: bool
    ) -> None:
        self.users, self.zone, self.as_csv = users, zone, as_csv
        self._plan = [(index, column, _reads(column)) for index, column in enumerate(columns)]
        self._memo: dict[tuple, tuple] = {}

    def _made(self, item: object, column: Column) -> tuple:
        cells = column_values(item, column, self.users, self.zone)
        return tuple(csv_cell(cell) for cell in cells) if self.as_csv else tuple(cells)

    def cells(self, item: object) -> list[Any]:
        id = str(getattr(item, "id", ""))
        out: list[Any] = [csv_cell(id) if self.as_csv else id]
        memo, zone = self._memo, self.zone
        for index, column, reads in self._plan:
            if reads is None:  # a time: every one differs (the same value export_values and csv_cell give)
                value = getattr(item, column.value_attr, None)
                if type(value) is datetime:
                    local = value.astimezone(zone)
                    out.append(local.strftime(TIME_FORMAT) if self.as_csv else local.replace(tzinfo=None))
                else:
                    out.extend(self._made(item, column))
                continue
            if len(reads) == 1:
                value = getattr(item, reads[0], None)
                key: tuple = (index, value, type(value))
            else:
                inputs = tuple([getattr(item, name, None) for name in reads])
                key = (index, inputs, tuple([type(value) for value in inputs]))
            try:
                made = memo[key]
            except KeyError:
                if column.key == "outcome" and isinstance(item, Call):  # the whole call's outcome
                    out.extend(self._made(item, column))
                    continue
                if len(memo) >= MEMO_LIMIT:
                    memo.clear()
                made = memo[key] = self._made(item, column)
            except TypeError:  # an unhashable value (a Raw list): made each time
                made = self._made(item, column)
            out.extend(made)
        return out


def _reads(column: Column) -> tuple[str, ...] | None:
    """The attributes a column's cells depend on; None for a column not worth memoising."""
    if column.kind == "when":
        return None
    if column.kind == "party":
        return tuple(name for name in (column.value_attr, column.sub, column.user_attr) if name)
    return (column.value_attr,)

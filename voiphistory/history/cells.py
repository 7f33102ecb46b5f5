"""One cell model for a table row, rendered as HTML (the tables) and as values (CSV and XLSX).

``cell(record, column, users)`` decides what a column shows for one API record: its typed
``value`` (an aware datetime, seconds, a number), the ``text`` people read (a code's label, a
user's name), a ``number`` under a party's name, and the ``css`` look of the HTML cell. ``html``
turns a cell into its ``<td>``; ``export_values`` into the typed export cells (a party column is
two: its name and its number). Both read the same decision, so a code reads the same on screen and
in a file. ``cell`` is pure and cheap: no I/O, no per-row lookups beyond the ``users`` mapping.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from voiphistory.history.calls import Call, Outcome
from voiphistory.history.catalog import Column
from voiphistory.history.labels import code_label
from voiphistory.history.parties import party_parts
from voiphistory.history.user_names import user_label
from voiphistory.voipstudio import Raw
from voiphistory.web.formatting import badge_class, hms, phone

__all__ = ["Cell", "call_badge", "cell", "export_values", "html", "phone_link", "row_html"]

_OUTCOME_BADGES = {Outcome.ANSWERED: "out", Outcome.VOICEMAIL: "in"}


@dataclass(frozen=True, slots=True)
class Cell:
    """What one column shows for one record. ``look`` picks the HTML shape: when, duration,
    party, badge, sentiment, score, plain, text or raw (a value VoIPstudio sent unreadable)."""

    look: str
    value: Any = None  # typed: aware datetime (when), seconds (duration), the number (score), the raw value
    text: str = ""  # the words shown: a label, a name, a caller
    number: str = ""  # a party's number as the API writes it (digits), shown under its name
    badge: str = ""  # a badge's css class ("out", "missed", "negative"…)
    party: bool = False  # a party column's cell, even when raw: two export cells (name, number)


def cell(item: object, column: Column, users: Mapping[int, str] | None) -> Cell:
    """The cell of ``column`` (a catalog.Column) for one API record or one whole call."""
    kind = column.kind
    if column.key == "outcome" and isinstance(item, Call):  # how the whole call ended, with who
        return Cell("badge", item.disposition, item.describe(dict(users or {})), badge=call_badge(item))
    value = getattr(item, column.value_attr, None)
    if isinstance(value, Raw):  # any value the client could not read: shown as VoIPstudio sent it
        if kind == "party":
            return Cell(
                "raw",
                value,
                str(value),
                str(getattr(item, column.sub, "") or "") if column.sub else "",
                party=True,
            )
        return Cell("raw", value, str(value))
    if kind == "when":
        return Cell("when", value)
    if kind == "duration":
        return Cell("duration", value, hms(value))
    if kind == "party":
        name, number = party_parts(item, column, users)
        return Cell("party", value, name, number, party=True)
    if kind == "user":
        return Cell("plain", value, user_label(users, value))
    if kind == "sentiment":
        if value is None:
            return Cell("sentiment", None)
        return Cell("sentiment", value, code_label("sentiment", value), badge=badge_class(value))
    if kind == "badge":
        if not value:
            return Cell("badge", value)
        return Cell("badge", value, code_label(column.code_kind, value), badge=badge_class(value))
    if kind == "score":
        return Cell("score", value, "" if value is None else str(value))
    if kind in ("folder", "chat_state"):
        return Cell("plain", value, code_label(kind, value))
    if kind == "bool":
        return Cell("badge", value, code_label("is_new", bool(value)), badge="new" if value else "")
    return Cell("text", value, "" if value is None else str(value))


def call_badge(call: Call) -> str:
    return _OUTCOME_BADGES.get(call.outcome, badge_class("M"))


# --- HTML ------------------------------------------------------------------------------------------


@functools.cache
def _number_url_prefix() -> str:
    """ "/numbers/": resolved once, not once per cell (a table page has a few hundred numbers)."""
    return reverse("history:number", args=["000"]).removesuffix("000/")


@functools.lru_cache(maxsize=4096)
def phone_link(number: str | None) -> SafeString:
    """A phone number as ``phone`` shows it, linked to its timeline; extensions and names stay text."""
    shown = phone(number)
    digits = str(number or "")
    if not digits.isdigit() or len(digits) < 7:
        return conditional_escape(shown)
    return format_html('<a href="{}{}/" class="number">{}</a>', _number_url_prefix(), digits, shown)


def html(shown: Cell) -> SafeString:
    """The ``<td>`` of a cell."""
    look = shown.look
    if look == "when":
        if shown.value is None:
            return mark_safe('<td class="when"></td>')
        local = localtime(shown.value)
        return format_html(
            '<td class="when"><time datetime="{}">{}</time></td>',
            local.isoformat(),
            format_date(local, "D j M Y, H:i"),
        )
    if look in ("duration", "score"):
        return format_html('<td class="num">{}</td>', shown.text or ("–" if look == "score" else ""))
    if look == "party":
        if shown.text:
            sub = format_html('<span class="sub">{}</span>', phone_link(shown.number)) if shown.number else ""
            return format_html("<td>{}{}</td>", shown.text, sub)
        return format_html("<td>{}</td>", phone_link(shown.number))
    if look in ("badge", "sentiment"):
        if not shown.text:
            return mark_safe(
                '<td><span class="sub">Not analysed</span></td>' if look == "sentiment" else "<td></td>"
            )
        css = f"badge {shown.badge}" if shown.badge else "badge"
        return format_html('<td><span class="{}">{}</span></td>', css, shown.text)
    if look == "raw":
        return format_html('<td class="raw" title="As VoIPstudio sent it">{}</td>', shown.text)
    if look == "text":
        return format_html('<td class="text"><span class="clamp">{}</span></td>', shown.text)
    return mark_safe(f"<td>{conditional_escape(shown.text)}</td>")


def row_html(item: object, columns: Sequence[Column], users: Mapping[int, str] | None) -> SafeString:
    """Every cell of one row, in one string: one template tag per row instead of one per cell."""
    return mark_safe("".join([html(cell(item, column, users)) for column in columns]))


# --- exports -----------------------------------------------------------------------------------------


def export_values(shown: Cell, zone: ZoneInfo) -> tuple[Any, ...]:
    """The typed export cells of a cell: a local (naive) datetime, a ``timedelta``, text, a number;
    a party's name and its number as the API writes it, as two (the file writer formats the number:
    ``csvfile.number_value``)."""
    look, value = shown.look, shown.value
    if shown.party:
        return (shown.text, shown.number)
    if look == "raw":
        return (value,)
    if look == "when":
        return (value.astimezone(zone).replace(tzinfo=None) if isinstance(value, datetime) else value or "",)
    if look == "duration":
        return (timedelta(seconds=int(value)) if isinstance(value, int | float) else value or "",)
    if look == "score" or look == "text":
        return ("" if value is None else value,)
    return (shown.text,)

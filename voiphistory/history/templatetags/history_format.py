"""Template filters and tags for values from VoIPstudio: each calls ``web.formatting`` (or the
catalogue's labels); nothing else imports this module."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from voiphistory.history import cells, players, row_links, table_rows
from voiphistory.history.labels import code_label
from voiphistory.history.user_names import user_label
from voiphistory.web import formatting

register = template.Library()

register.filter("hms", formatting.hms)
register.filter("phone", formatting.phone)
register.filter("thousands", formatting.thousands)
register.filter("badge_class", formatting.badge_class)
register.simple_tag(row_links.id_url, name="id_url")
register.simple_tag(players.player_html, name="player")
# Whole rows of the tables (history.table_rows): one tag per row.
register.simple_tag(table_rows.leg_row, name="leg_row", takes_context=True)
register.simple_tag(table_rows.call_play, name="call_play", takes_context=True)
register.simple_tag(table_rows.call_player, name="call_player", takes_context=True)
register.simple_tag(table_rows.recording_row, name="recording_row", takes_context=True)
register.simple_tag(table_rows.voicemail_row, name="voicemail_row", takes_context=True)
register.simple_tag(table_rows.voicemail_summary, name="voicemail_summary", takes_context=True)


@register.filter
def coded(value: object, kind: str) -> str:
    """A coded API value's label: ``{{ cdr.type|coded:"type" }}`` (``labels.code_label``)."""
    return code_label(kind, value)


@register.filter
def user_name(names: dict | None, user_id: object) -> str:
    """``{{ users|user_name:cdr.user_id }}``: the name, or "User 1234" when VoIPstudio gave none."""
    return user_label(names, user_id)


@register.filter
def lookup(mapping: dict | None, key: object) -> object:
    return mapping.get(key) if mapping else None


# --- table cells: history.cells decides them, for the tables and the exports alike -----------------


@register.simple_tag
def table_cell(item: object, column, users: dict[int, str] | None) -> SafeString:
    """The ``<td>`` of ``column`` (a catalog.Column) for one API record (``history.cells``)."""
    return cells.html(cells.cell(item, column, users))


@register.simple_tag
def row_cells(item: object, columns, users: dict[int, str] | None) -> SafeString:
    """Every ``<td>`` of one table row (``history.cells``): one tag per row, not one per cell."""
    return cells.row_html(item, columns, users)

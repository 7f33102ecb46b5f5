"""The rows of the tables (a leg, a recording, a voicemail), as HTML built in Python.

A 25-row table drew each row through some seventy template nodes (its cells, its player, its
forms, their CSRF fields): most of a fragment's own time. Here each row is a few ``format_html``
calls over values read once per table (``RowContext``). templates/history/table.html keeps the
partials' names (``row``, ``call-play``, ``call-player``, ``recording-row``, ``voicemail-row``,
``voicemail-summary``), each now one tag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from voiphistory.history.catalog import Column
from voiphistory.history.cells import row_html
from voiphistory.history.players import player_html
from voiphistory.history.row_links import id_url


def _titled(prefix: str, value: object) -> str:
    """The template's ``prefix|add:value``: "" when ``value`` is not text (``add`` fails quietly)."""
    return prefix + value if isinstance(value, str) else ""


@dataclass(frozen=True)
class RowContext:
    """What every row of one table shares, read from the template context once."""

    columns: Sequence[Column]
    users: Mapping[int, str] | None
    can_write: bool
    csrf_field: SafeString
    delete_query: str  # "next=…": where a row's Delete comes back to
    section_slug: str
    values: Mapping[str, Any]

    @classmethod
    def of(cls, context: Any) -> RowContext:
        cached = context.render_context.get(cls)
        if cached is not None:
            return cached
        token = context.get("csrf_token")
        csrf = (
            format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', str(token))
            if token and str(token) != "NOTPROVIDED"
            else mark_safe("")
        )
        request = context.get("request")
        section = context.get("section")
        made = cls(
            columns=context.get("columns") or (),
            users=context.get("users"),
            can_write=bool(request is not None and request.account.can_write),
            csrf_field=csrf,
            delete_query=context.get("back_to") or "",
            section_slug=getattr(section, "slug", ""),
            values=context.flatten(),
        )
        context.render_context[cls] = made
        return made

    @property
    def span(self) -> int:
        return len(self.columns) + 2

    def delete_link(self, id: int) -> SafeString:
        """Its confirmation opens in the row (app.js: a click on [data-confirm-delete] asks for it
        into the row's tbody)."""
        return format_html(
            '<a href="{}?{}" data-confirm-delete>Delete</a>',
            id_url("history:delete", self.section_slug, id),
            mark_safe(self.delete_query),  # the template wrote it as it is (urlencoded)
        )


def _select_box(rows: RowContext, id: int) -> SafeString:
    return format_html(
        '<td class="select"><input type="checkbox" name="ids" value="{}" form="bulk" '
        'aria-label="Select {} {}"></td>',
        id,
        getattr(rows.values.get("section"), "noun", ""),
        id,
    )


def call_play(context: Any, item: Any) -> SafeString:
    """A recorded call's Listen button (``recorded``: row id → recordings, history.call_recordings)."""
    recordings = (RowContext.of(context).values.get("recorded") or {}).get(item.id)
    if not recordings:
        return mark_safe("")
    return format_html(
        '<button type="button" class="link-button listen" data-toggle-details data-play-on-open '
        'aria-expanded="false" aria-controls="call-{}-player" aria-label="Listen to the recording{} of '
        'this call"><span aria-hidden="true">&#9654;</span> Listen</button>',
        item.id,
        "" if len(recordings) == 1 else "s",
    )


def call_player(context: Any, item: Any) -> SafeString:
    """The row under a recorded call with its player(s); nothing for an unrecorded one."""
    rows = RowContext.of(context)
    recordings = (rows.values.get("recorded") or {}).get(item.id)
    if not recordings:
        return mark_safe("")
    players = format_html_join(
        "",
        "{}",
        (
            (
                player_html(
                    id_url("history:recording_audio", recording.id),
                    "Recording of this call",
                    duration=recording.duration,
                ),
            )
            for recording in recordings
        ),
    )
    return format_html(
        '<tr id="call-{}-player" class="details-row" hidden><td colspan="{}">{}</td></tr>',
        item.id,
        rows.span,
        players,
    )


def leg_row(context: Any, item: Any) -> SafeString:
    """One row of a table of API records (a Calls table's legs, chats, media sessions…)."""
    rows = RowContext.of(context)
    values, id = rows.values, item.id
    detail = values.get("detail_view")
    return format_html(
        '<tr id="row-{id}" tabindex="-1">{select}{cells}<td class="actions">{play}{details}{delete}</td>'
        "</tr>{player}",
        id=id,
        select=_select_box(rows, id) if values.get("selectable") else "",
        cells=row_html(item, rows.columns, rows.users),
        play=call_play(context, item),
        details=format_html(' <a href="{}">Details</a>', id_url(detail, id)) if detail else "",
        delete=format_html(" {}", rows.delete_link(id)) if values.get("can_delete") else "",
        player=call_player(context, item),
    )


def recording_row(context: Any, item: Any) -> SafeString:
    """``<tbody>`` of one recording: its line, and under it its player, summary and transcript."""
    rows = RowContext.of(context)
    values = context.flatten() if context.get("saved_message") else rows.values
    id = item.id
    status = (
        format_html(
            '<tr class="status-row"><td colspan="{}" role="status">{}</td></tr>',
            rows.span,
            values["saved_message"],
        )
        if values.get("saved_message")
        else ""
    )
    select = _select_box(rows, id) if values.get("selectable") else ""
    writes = ""
    if rows.can_write:
        writes = format_html(
            '<a href="{}" data-edit>Edit</a> {}', id_url("history:recording_edit", id), rows.delete_link(id)
        )
    edited = ""
    if id in (values.get("edited") or ()):
        edited = format_html(
            '<p><span class="badge person">Edited by a person</span> <a href="{}">Edit history</a></p>',
            id_url("history:recording_history", id),
        )
    player = player_html(
        id_url("history:recording_audio", id), _titled("Recording ", item.src_name), duration=item.duration
    )
    return format_html(
        '<tbody id="recording-{id}" class="recording" data-row>{status}<tr tabindex="-1">{select}{cells}'
        '<td class="actions"><button type="button" class="link-button" data-toggle-details '
        'aria-expanded="false" aria-controls="recording-{id}-details">Listen</button> {writes}</td></tr>'
        '<tr id="recording-{id}-details" class="details-row" hidden><td colspan="{span}">{player}'
        '<div class="ai-text">{edited}<h3>Summary</h3><p>{summary}</p>'
        '<h3>Transcript</h3><div class="transcript">{transcript}</div></div></td></tr></tbody>',
        id=id,
        status=status,
        select=select,
        cells=row_html(item, rows.columns, rows.users),
        writes=writes,
        span=rows.span,
        player=player,
        edited=edited,
        summary=item.summary or "No summary.",
        transcript=linebreaksbr(item.transcript or "No transcript.", autoescape=True),
    )


def _voicemail_one(rows: RowContext, item: Any) -> SafeString:
    """One row's triage form fields (its submit button carries the id)."""
    return format_html(
        '<input type="hidden" name="opened" value="{}:{}"><input type="hidden" name="next" value="{}">',
        item.id,
        item.folder,
        rows.values.get("table_url") or "/voicemail/",
    )


def voicemail_summary(context: Any, item: Any) -> SafeString:
    """The message's line in the table; what marking it heard on play swaps back in."""
    rows = RowContext.of(context)
    id = item.id
    select, triage = "", ""
    if rows.can_write:
        select = format_html(
            '<td><input type="checkbox" name="ids" value="{}" form="voicemail-move" '
            'aria-label="Select voicemail {}"><input type="hidden" name="opened" value="{}:{}" '
            'form="voicemail-move"></td>',
            id,
            id,
            id,
            item.folder,
        )
        inbox = item.folder == "INBOX"
        url = rows.values.get("mark_heard_url" if inbox else "mark_new_url") or ""
        triage = format_html(
            '<form class="inline" method="post" action="{}" hx-post="{}">{}{}'
            '<button type="submit" class="link-button" data-mark name="ids" value="{}">{}</button>'
            "</form> {}",
            url,
            url,
            rows.csrf_field,
            _voicemail_one(rows, item),
            id,
            "Mark heard" if inbox else "Mark new",
            rows.delete_link(id),
        )
    marked = context.get("marked")
    said = format_html('<span class="visually-hidden" role="status">{}</span>', marked) if marked else ""
    return format_html(
        '<tr id="voicemail-{id}-summary" tabindex="-1">{select}{cells}<td class="actions">'
        '<button type="button" class="link-button" data-toggle-details aria-expanded="{open}" '
        'aria-controls="voicemail-{id}-details">Listen</button> {triage}{said}</td></tr>',
        id=id,
        select=select,
        cells=row_html(item, rows.columns, rows.users),
        open="true" if context.get("details_open") else "false",
        triage=triage,
        said=said,
    )


def voicemail_row(context: Any, item: Any) -> SafeString:
    """``<tbody>`` of one message: its line, and under it its player and its move form."""
    rows = RowContext.of(context)
    values, id = rows.values, item.id
    heard = ""
    if values.get("play_marks_heard") and item.folder == "INBOX" and item.is_new is not False:
        heard = id_url("history:voicemail_played", id)
    player = player_html(
        id_url("history:voicemail_audio", id),
        _titled("Voicemail from ", item.caller),
        duration=item.duration,
        heard_url=heard,
    )
    move = ""
    if rows.can_write:
        url = values.get("move_url") or ""
        options = format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((value, label) for value, label in values.get("move_folders") or () if value != item.folder),
        )
        move = format_html(
            '<form class="toolbar row-move" method="post" action="{url}" hx-post="{url}">{csrf}{one}'
            '<label for="move-{id}">Move this message to</label>'
            '<select id="move-{id}" name="folder" required>{options}</select>'
            '<button type="submit" class="button secondary small" name="ids" value="{id}">Move</button></form>',
            url=url,
            csrf=rows.csrf_field,
            one=_voicemail_one(rows, item),
            id=id,
            options=options,
        )
    return format_html(
        '<tbody id="voicemail-{id}" data-row>{summary}<tr id="voicemail-{id}-details" class="details-row" '
        'hidden><td colspan="{span}">{player}{move}</td></tr></tbody>',
        id=id,
        summary=voicemail_summary(context, item),
        span=rows.span,
        player=player,
        move=move,
    )

"""What the tables add for listening: the Calls table's recorded rows, voicemail's triage controls."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from voiphistory.history.call_recordings import page_recordings
from voiphistory.history.catalog import Section
from voiphistory.history.filters import TableQuery
from voiphistory.history.labels import folder_label
from voiphistory.voipstudio import Page, VoipstudioClient
from voiphistory.web.requests import SignedInRequest


def table_context(
    *, request: SignedInRequest, client: VoipstudioClient, section: Section, query: TableQuery, page: Page
) -> dict:
    if section.legs:  # rows are calls (legs or whole calls) that may have been recorded
        found = page_recordings(client=client, rows=page.items)
        return {"recorded": found.by_row, "recordings_error": found.error}
    if section.has_folders:
        return voicemail_context(
            request=request, client=client, shown_folder=query.cleaned_data.get("folder")
        )
    return {}


def voicemail_context(
    *, request: SignedInRequest, client: VoipstudioClient, shown_folder: object = None
) -> dict:
    """The folders a message can move to (a row offers the others than its own; the toolbar, for
    a selection, all but the one the table is filtered to), and whether playing marks heard."""
    names = [str(name) for name in client.codes.folder_names]
    shown = client.codes.folder_name(shown_folder) if shown_folder not in (None, "") else None
    return {
        "move_folders": [(name, folder_label(name)) for name in names],
        "toolbar_folders": [(name, folder_label(name)) for name in names if name != shown],
        "play_marks_heard": settings.VOIPHISTORY_VOICEMAIL_PLAY_MARKS_HEARD and request.account.can_write,
        "table_url": table_url(request),
        # Once, not once per row:
        "move_url": reverse("history:voicemail_move"),
        "mark_heard_url": reverse("history:voicemail_heard"),
        "mark_new_url": reverse("history:voicemail_new"),
    }


def table_url(request: SignedInRequest) -> str:
    """The Voicemail table the supervisor is looking at, to go back to after a triage: this
    request's own URL, or for a row fetched by script the page it was fetched from."""
    if request.method == "GET":
        return request.get_full_path()
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    back = current.path + (f"?{current.query}" if current.query else "")
    return back if back.startswith("/voicemail/") and not back.startswith("/voicemail//") else "/voicemail/"

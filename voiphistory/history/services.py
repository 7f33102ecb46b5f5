"""Writes to VoIPstudio: edit a recording, move voicemail, delete. Keyword-only, typed."""

from __future__ import annotations

from django.http import QueryDict

from voiphistory.history.catalog import Section
from voiphistory.history.edits import ai_values
from voiphistory.history.models import AI_FIELDS, RecordingEdit, TableColumns
from voiphistory.voipstudio import Filter, Monitor, Sentiment, VoicemailFolder, VoiceMessage, VoipstudioClient


def item_delete(*, client: VoipstudioClient, section: Section, id: int) -> None:
    """Delete one item of a section (its id validated by the client before any URL is built)."""
    getattr(client, section.collection).delete([id])


def recording_update(
    *,
    client: VoipstudioClient,
    id: int,
    summary: str,
    transcript: str,
    transcript_speakers: str,
    sentiment: Sentiment | None,
    cx_score: int | None,
    previous: Monitor | None = None,
    customer_id: int = 0,
    editor=None,
    editor_name: str = "",
    reverts: RecordingEdit | None = None,
) -> Monitor:
    """Save a person's corrections to a recording's AI text; returns what VoIPstudio saved.

    With ``previous`` (the recording as it was before), the change is kept in the edit history:
    the fields that changed, before and after, who changed them, and the edit it ``reverts``."""
    saved = client.monitors.update(
        id, summary=summary, transcript=transcript, transcript_speakers=transcript_speakers,
        sentiment=sentiment, cx_score=cx_score,
    )  # fmt: skip
    if previous is not None:
        before, after = ai_values(previous), ai_values(saved)
        changed = [name for name in AI_FIELDS if before[name] != after[name]]
        if changed:
            RecordingEdit.objects.create(
                customer_id=customer_id, recording_id=id, editor=editor, editor_name=editor_name[:200], reverts=reverts,
                before={name: before[name] for name in changed}, after={name: after[name] for name in changed},
            )  # fmt: skip
    return saved


def recording_revert(*, client: VoipstudioClient, edit: RecordingEdit, editor=None, editor_name: str = "") -> Monitor:
    """Put back what an edit replaced (the other fields stay as they are now); kept as a new edit."""
    current = client.monitors.get(edit.recording_id)
    values = {**ai_values(current), **edit.before}
    values["sentiment"] = Sentiment(values["sentiment"]) if values["sentiment"] is not None else None
    return recording_update(client=client, id=edit.recording_id, **values, previous=current,
                            customer_id=edit.customer_id, editor=editor, editor_name=editor_name, reverts=edit)  # fmt: skip


def voicemail_move(*, client: VoipstudioClient, ids: list[int], folder: VoicemailFolder) -> list[VoiceMessage]:
    """File voicemail into another folder in one bulk PATCH."""
    return client.voicemessages.move(ids, folder)


# --- Chat detail page -----------------------------------------------------------------------------


def chat_messages_delete(*, client: VoipstudioClient, chat_id: int, ids: list[int]) -> int:
    """Delete messages of one chat; returns how many. Ids that are not this chat's messages (a
    crafted form, or already gone) are left alone, so a form of one chat cannot empty another."""
    own = {message.id for message in client.chat_messages.iterate(filters=[Filter("chat_id", "eq", chat_id)])}
    wanted = [message_id for message_id in dict.fromkeys(ids) if message_id in own]
    if wanted:
        client.chat_messages.delete(wanted)
    return len(wanted)


def table_columns_choose(*, owner, section: Section, data: QueryDict) -> QueryDict:
    """The table's query with its columns settled: the ones asked for in ``cols`` (remembered as
    this supervisor's choice for the table), else the remembered choice, else all of them.

    The column menu always sends an empty ``cols`` too, so unticking every box means "all"."""
    known = {column.key for column in section.columns}
    settled = data.copy()
    if "cols" in data:
        chosen = [key for key in data.getlist("cols") if key]
        if all(key in known for key in chosen):  # anything else is the form's to refuse
            TableColumns.objects.update_or_create(owner=owner, section=section.slug, defaults={"columns": chosen})
    else:
        remembered = TableColumns.objects.filter(owner=owner, section=section.slug).values_list("columns", flat=True).first()
        chosen = [key for key in remembered or () if key in known]
    settled.setlist("cols", chosen or [column.key for column in section.columns])
    return settled

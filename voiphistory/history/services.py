"""Writes to VoIPstudio: edit a recording, move voicemail, delete. Keyword-only, typed."""

from __future__ import annotations

from voiphistory.history.catalog import Section
from voiphistory.voipstudio import VoipstudioClient


def item_delete(*, client: VoipstudioClient, section: Section, id: int) -> None:
    """Delete one item of a section (its id validated by the client before any URL is built)."""
    getattr(client, section.collection).delete([id])

from voiphistory.voipstudio import Monitor, Sentiment, VoicemailFolder, VoiceMessage


def recording_update(
    *,
    client: VoipstudioClient,
    id: int,
    summary: str,
    transcript: str,
    transcript_speakers: str,
    sentiment: Sentiment | None,
    cx_score: int | None,
) -> Monitor:
    """Save a person's corrections to a recording's AI text; returns what VoIPstudio saved."""
    return client.monitors.update(
        id, summary=summary, transcript=transcript, transcript_speakers=transcript_speakers,
        sentiment=sentiment, cx_score=cx_score,
    )  # fmt: skip


def voicemail_move(*, client: VoipstudioClient, ids: list[int], folder: VoicemailFolder) -> list[VoiceMessage]:
    """File voicemail into another folder in one bulk PATCH."""
    return client.voicemessages.move(ids, folder)


# --- Chat detail page -----------------------------------------------------------------------------

from voiphistory.voipstudio import Filter  # noqa: E402


def chat_messages_delete(*, client: VoipstudioClient, chat_id: int, ids: list[int]) -> int:
    """Delete messages of one chat; returns how many. Ids that are not this chat's messages (a
    crafted form, or already gone) are left alone, so a form of one chat cannot empty another."""
    own = {message.id for message in client.chat_messages.iterate(filters=[Filter("chat_id", "eq", chat_id)])}
    wanted = [message_id for message_id in dict.fromkeys(ids) if message_id in own]
    if wanted:
        client.chat_messages.delete(wanted)
    return len(wanted)

"""Writes to VoIPstudio: delete, chat messages (a recording's text: ``recording_save``; voicemail:
``triage``). Keyword-only, typed."""

from __future__ import annotations

from django.http import QueryDict

from voiphistory.history import capabilities
from voiphistory.history.catalog import Section
from voiphistory.history.models import TableColumns
from voiphistory.history.writes import Settled, delete_settled, settle_write
from voiphistory.voipstudio import Cdr, Filter, VoipstudioClient


def item_delete(
    *, client: VoipstudioClient, section: Section, id: int, customer_id: int, writer: bool = True
) -> Settled:
    """Delete one item of a section (its id validated by the client before any URL is built); a
    lost answer is settled by reading the item back (``writes``). A call whose delete VoIPstudio
    does not offer raises ``capabilities.NotOffered``, remembered for the customer."""
    collection = capabilities.guarded_collection(client, section, customer_id=customer_id, writer=writer)
    return delete_settled(collection, [id])


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
    """The table's query with its columns settled: the ones asked for in ``cols`` (for this view
    only: a GET changes nothing), else the supervisor's remembered choice, else all of them.
    Remembering is a POST with CSRF (``table_columns_remember``, sent by the column menu).

    The column menu always sends an empty ``cols`` too, so unticking every box means "all"."""
    known = {column.key for column in section.columns}
    settled = data.copy()
    if "cols" in data:
        chosen = [key for key in data.getlist("cols") if key]  # unknown keys: the form's to refuse
    else:
        remembered = (
            TableColumns.objects.filter(owner=owner, section=section.slug)
            .values_list("columns", flat=True)
            .first()
        )
        chosen = [key for key in remembered or () if key in known]
    settled.setlist("cols", chosen or [column.key for column in section.columns])
    return settled


def table_columns_remember(*, owner, section: Section, columns: list[str]) -> bool:
    """Keep ``columns`` as this supervisor's choice for the table (none: all of them); False, and
    nothing kept, when any is not one of the table's."""
    chosen = [key for key in columns if key]
    if not all(key in {column.key for column in section.columns} for key in chosen):
        return False
    TableColumns.objects.update_or_create(owner=owner, section=section.slug, defaults={"columns": chosen})
    return True


def calls_info_update(*, client: VoipstudioClient, ids: list[int], info: str) -> Settled[Cdr]:
    """Set the additional information (``info``) of one or many calls in one bulk ``PATCH /cdrs``
    whose items carry only ``id`` and ``info``; a lost answer is settled by reading each call back."""
    ids = list(dict.fromkeys(ids))
    body = [{"id": id, "info": info} for id in ids]
    return settle_write(
        ids=ids,
        write=lambda: client.cdrs.update_many(body),
        read_one=client.cdrs.get,
        done=lambda cdr: cdr is not None and (cdr.info or "") == info,
    )

"""Reads from VoIPstudio for the screens: every function takes a client and keyword arguments.

Views call one selector and render; selectors know the catalog and the client, never the request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from voiphistory.history import call_window, calls, optional
from voiphistory.history.capabilities import customer_scope
from voiphistory.history.catalog import Section
from voiphistory.history.filters import TableQuery
from voiphistory.history.labels import CONTEXTS
from voiphistory.history.ladder import Ladder, LadderError, ladder_from_pcap, parse_ladder
from voiphistory.history.user_names import UserNames, user_names
from voiphistory.voipstudio import (
    Cdr,
    Chat,
    ChatMessage,
    FileStream,
    Filter,
    InvalidIdentifier,
    Monitor,
    Msdr,
    Note,
    Page,
    Unauthorized,
    Unavailable,
    VoiceMessage,
    VoipstudioClient,
    VoipstudioError,
    budget,
)
from voiphistory.voipstudio.codes import Code
from voiphistory.voipstudio.filters import validate_id

DICTIONARY_SECONDS = 24 * 3600
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def code_dictionaries(*, client: VoipstudioClient, customer_id: int) -> Mapping[str, Mapping[Code, str]]:
    """The labels VoIPstudio gives its call codes (``GET /cdrs/dictionaries``, either shape), kept a
    day per customer; empty when it has none (``labels.code_label`` then uses its own words or the code)."""
    try:
        return optional.cached_read(
            key=f"history:cdr-dictionaries:{customer_scope(customer_id)}",
            seconds=DICTIONARY_SECONDS,
            customer_id=customer_id,
            capability=optional.CDR_DICTIONARIES,
            call=client.cdrs.dictionaries,
        )
    except optional.Missing:
        return {}


def table_page(
    *, client: VoipstudioClient, section: Section, query: TableQuery, customer_id: int | None = None
) -> Page:
    """One page of a section's table, exactly as the query asks: of calls (not legs) for the Calls
    tables unless it asks for every leg (``call_window.TooManyLegs`` when there are too many). With
    ``customer_id`` a grouped window is kept briefly for the next page or sort (history.window_cache)."""
    collection = getattr(client, section.collection)
    if query.shows_calls:
        return call_window.call_page(collection, query, customer_id=customer_id)
    return legs_page(client=client, section=section, query=query)


def legs_page(*, client: VoipstudioClient, section: Section, query: TableQuery) -> Page:
    """One page of the API's records (a Calls table's legs), filtered by the API."""
    collection = getattr(client, section.collection)
    return collection.page(
        page=query.page_number,
        limit=query.page_size,
        filters=query.api_filters(),
        sort=query.sort_field,
        direction=query.direction,
    )


# --- Call and chat detail pages ------------------------------------------------------------------


#: Enough for any call's legs and their recordings; more would be a data error, not a call.
CALL_PARTS_LIMIT = 100


@dataclass(frozen=True)
class CallLeg:
    cdr: Cdr
    depth: int  # 0 for the first leg, 1 for its children (IVR), 2 for theirs (queue)…
    current: bool

    @property
    def context_label(self) -> str:
        return CONTEXTS.get(self.cdr.context or "", self.cdr.context or "")


@dataclass(frozen=True)
class CallDetail:
    cdr: Cdr
    notes: list[Note]
    legs: list[CallLeg]
    recordings: list[Monitor]
    voicemail: list[VoiceMessage]
    users: UserNames = field(default_factory=UserNames)
    code_dictionaries: Mapping[str, Mapping[Code, str]] = field(default_factory=dict)  # read with the rest


def call_detail(*, client: VoipstudioClient, id: int, customer_id: int) -> CallDetail:
    """A call leg with its notes, the call's other legs (as a tree), recordings and voicemail.

    Read in three dependent waves, each wave's requests side by side (``budget.PageReads``): the leg,
    its notes, the user names and the code labels; then the call's legs and (by ``call_id``) its
    recordings; then the first leg's notes, the voicemail of each leg that ended in it and (without a
    ``call_id``) the recordings by leg. Any read failing fails the whole, as one after another would.
    An impossible id is refused before any request."""
    validate_id(id)
    with budget.PageReads() as reads:
        own_notes = reads.submit(client.cdrs.notes, id)
        users = reads.submit(user_names, client=client, customer_id=customer_id)
        dictionaries = reads.submit(code_dictionaries, client=client, customer_id=customer_id)
        cdr = client.cdrs.get(id)
        by_call = reads.submit(_recordings_of_call, client, cdr.call_id) if cdr.call_id is not None else None
        legs = _call_legs(client, cdr)
        first_leg_notes = [reads.submit(client.cdrs.notes, leg_id) for leg_id in _first_leg_ids(cdr, legs)]
        voicemail = [reads.submit(_voicemail_of, client, live_id) for live_id in _voicemail_live_ids(legs)]
        if by_call is not None:
            recordings = [by_call]
        else:
            recordings = [
                reads.submit(_recordings_of_leg, client, live_id) for live_id in _talking_live_ids(legs)
            ]
        notes = budget.settle([own_notes, *first_leg_notes])
        parts: list[Future[Any]] = [*recordings, *voicemail]
        budget.settle(parts)
        names, labels_of_codes = budget.settle((users, dictionaries))
    return CallDetail(
        cdr=cdr,
        notes=_sorted_notes(note for leg_notes in notes for note in leg_notes),
        legs=call_leg_tree(legs, current_id=cdr.id),
        recordings=[monitor for read in recordings for monitor in read.result()],
        voicemail=[message for read in voicemail for message in read.result()],
        users=names.learn(legs),
        code_dictionaries=labels_of_codes,
    )


def _call_legs(client: VoipstudioClient, cdr: Cdr) -> list[Cdr]:
    """Every leg of the leg's call, this one included."""
    if cdr.root_live_id is None:
        return [cdr]
    legs = client.cdrs.page(
        filters=[Filter("root_live_id", "eq", cdr.root_live_id)],
        sort="calldate",
        direction="ASC",
        limit=CALL_PARTS_LIMIT,
    ).items or [cdr]
    if all(leg.id != cdr.id for leg in legs):
        legs.append(cdr)
    return legs


def call_leg_tree(legs: list[Cdr], *, current_id: int) -> list[CallLeg]:
    """Legs in tree order (each leg after its parent, siblings by calldate) with their depth."""
    return [CallLeg(leg, depth, leg.id == current_id) for leg, depth in calls.leg_tree(legs)]


def _first_leg_ids(cdr: Cdr, legs: list[Cdr]) -> list[int]:
    """Notes are read on this leg, and on the call's first leg when this is another one: people
    note a call on the leg they open from the Calls table, usually the first."""
    return [leg.id for leg in legs if leg.live_id == cdr.root_live_id and leg.id != cdr.id]


def _sorted_notes(notes: Iterable[Note]) -> list[Note]:
    return sorted(
        notes, key=lambda n: (n.created_at is None, n.created_at or _EPOCH, n.id or 0)
    )  # undated last


def _recordings_of_call(client: VoipstudioClient, call_id: int) -> list[Monitor]:
    """Recordings share the call's ``call_id``; without one, a recording points at its leg's live id."""
    wanted = [Filter("call_id", "eq", call_id)]
    return client.monitors.page(
        filters=wanted, sort="timestamp", direction="ASC", limit=CALL_PARTS_LIMIT
    ).items


def _talking_live_ids(legs: list[Cdr]) -> list[int]:
    return sorted({leg.live_id for leg in legs if leg.live_id is not None and leg.billsec})


def _recordings_of_leg(client: VoipstudioClient, live_id: int) -> list[Monitor]:
    return client.monitors.page(filters=[Filter("live_id", "eq", live_id)], limit=CALL_PARTS_LIMIT).items


def _voicemail_live_ids(legs: list[Cdr]) -> list[int]:
    """The legs that ended in voicemail (disposition VM) hold it, by live id."""
    return sorted({leg.live_id for leg in legs if leg.disposition == "VM" and leg.live_id is not None})


def _voicemail_of(client: VoipstudioClient, live_id: int) -> list[VoiceMessage]:
    return client.voicemessages.page(filters=[Filter("live_id", "eq", live_id)], limit=CALL_PARTS_LIMIT).items


def media_session_detail(*, client: VoipstudioClient, id: int, customer_id: int) -> tuple[Msdr, UserNames]:
    """A media session record and the user names that label it (read side by side); an impossible
    id is refused before any request."""
    validate_id(id)
    with budget.PageReads() as reads:
        users = reads.submit(user_names, client=client, customer_id=customer_id)
        msdr = client.msdrs.get(id)
        [names] = budget.settle([users])
    return msdr, names


#: A SIP capture is kilobytes; one bigger than this is read this far (a capture cut short).
CAPTURE_READ_LIMIT = 4 * 1024 * 1024


@dataclass(frozen=True)
class CapturedLadder:
    ladder: Ladder
    source: str  # "pcap" or "trace": what it was drawn from


def record_ladder(*, client: VoipstudioClient, collection: str, id: int) -> CapturedLadder:
    """The SIP ladder of a call leg (``collection="cdrs"``) or media session (``"msdrs"``): from its
    packet capture, a standard format; from its text trace when the capture is missing, unreadable
    or holds no SIP. ``LadderError`` when neither can be drawn; upstream errors as the client raises
    them (the trace's, the fallback being the last word)."""
    records = getattr(client, collection)
    pcap_ladder, pcap_problem = None, None
    try:
        pcap_ladder = ladder_from_pcap(_capture_bytes(records.pcap(id)))
    except Unauthorized:
        raise
    except LadderError as error:
        pcap_problem = error
    except (VoipstudioError, InvalidIdentifier):
        pass  # the trace may still answer; if it does not, its error is the one to show
    if pcap_ladder is not None and pcap_ladder.arrows:
        return CapturedLadder(pcap_ladder, "pcap")
    try:
        trace_ladder = parse_ladder(records.trace(id))
    except Unauthorized:
        raise
    except (VoipstudioError, InvalidIdentifier, LadderError):
        if pcap_ladder is not None:  # a capture that holds no SIP: an empty ladder, said as such
            return CapturedLadder(pcap_ladder, "pcap")
        if pcap_problem is not None:
            raise pcap_problem from None
        raise
    if not trace_ladder.arrows and pcap_problem is not None:
        raise pcap_problem
    return CapturedLadder(trace_ladder, "trace")


def _capture_bytes(capture: FileStream) -> bytes:
    """The capture's bytes, up to ``CAPTURE_READ_LIMIT``; a capture cut off in transit is read as
    far as it came (the pcap reader keeps the packets that arrived whole)."""
    data = bytearray()
    chunks = capture.iter_chunks()
    try:
        for chunk in chunks:
            data += chunk
            if len(data) >= CAPTURE_READ_LIMIT:
                break
    except Unavailable:
        if not data:
            raise
    finally:
        chunks.close()
    return bytes(data[:CAPTURE_READ_LIMIT])


@dataclass(frozen=True)
class ChatDetail:
    chat: Chat
    operator_name: str
    messages: list[ChatMessage]
    messages_unavailable: str = ""  # why the conversation is not shown (GET /chatmsgs is optional)
    messages_error: str = ""  # GET /chatmsgs failed this time: the conversation panel offers a retry


def chat_detail(*, client: VoipstudioClient, id: int, customer_id: int) -> ChatDetail:
    """A chat, its operator's name and its whole conversation, oldest message first. The messages
    come from ``GET /chatmsgs``, which the History reference does not have: without it the chat's
    own fields still show, with the reason the conversation does not. The chat, its messages and
    the user names are read side by side (each needs only the chat's id); an impossible id is
    refused before any request."""
    validate_id(id)
    with budget.PageReads() as reads:
        conversation = reads.submit(_chat_messages, client, id, customer_id)
        users = reads.submit(user_names, client=client, customer_id=customer_id)
        chat = client.chats.get(id)
        (messages, unavailable, error), names = budget.settle((conversation, users))
    operator_name = ""
    if chat.operator_id is not None:
        operator_name = (
            names.get(chat.operator_id)
            or next((m.sender_name for m in messages if m.sender == "operator" and m.sender_name), "")
            or names.label(chat.operator_id)
        )
    return ChatDetail(
        chat=chat,
        operator_name=operator_name,
        messages=messages,
        messages_unavailable=unavailable,
        messages_error=error,
    )


def _chat_messages(
    client: VoipstudioClient, chat_id: int, customer_id: int
) -> tuple[list[ChatMessage], str, str]:
    """(the chat's messages, why they are not available, why they failed this time)."""

    def messages() -> list[ChatMessage]:
        wanted = [Filter("chat_id", "eq", chat_id)]
        return list(client.chat_messages.iterate(filters=wanted, sort="created_at", direction="ASC"))

    try:
        return (
            optional.read(customer_id=customer_id, capability=optional.CHAT_MESSAGES, call=messages),
            "",
            "",
        )
    except optional.Missing as missing:
        return ([], missing.reason, "") if missing.refused else ([], "", missing.reason)

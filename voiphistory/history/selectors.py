"""Reads from VoIPstudio for the screens: every function takes a client and keyword arguments.

Views call one selector and render; selectors know the catalog and the client, never the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from voiphistory.history import call_window, calls, optional
from voiphistory.history.capabilities import customer_scope
from voiphistory.history.catalog import Section
from voiphistory.history.forms import TableQuery
from voiphistory.history.labels import CONTEXTS
from voiphistory.history.ladder import Ladder, LadderError, ladder_from_pcap, parse_ladder
from voiphistory.history.user_names import UserNames
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
)
from voiphistory.voipstudio.codes import Code

USER_NAMES_SECONDS = 300
DICTIONARY_SECONDS = 24 * 3600
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def user_names(*, client: VoipstudioClient, customer_id: int) -> UserNames:
    """Every user's display name by id, for User columns, filters and detail pages (cached a few
    minutes). ``GET /users`` is not in the History reference: when it does not answer, no names and
    the reason why (``UserNames.unavailable``); pages then name users from their records or by id."""
    try:
        return UserNames(optional.cached_read(
            key=f"history:users:{customer_scope(customer_id)}", seconds=USER_NAMES_SECONDS, customer_id=customer_id,
            capability=optional.USERS, call=lambda: {
                user.id: " ".join(filter(None, (user.first_name, user.last_name))) or user.email or str(user.id)
                for user in client.users.iterate(sort="id", direction="ASC", page_size=500)
            },
        ))  # fmt: skip
    except optional.Missing as missing:
        return UserNames(unavailable=missing.reason)


def code_dictionaries(*, client: VoipstudioClient, customer_id: int) -> Mapping[str, Mapping[Code, str]]:
    """The labels VoIPstudio gives its call codes (``GET /cdrs/dictionaries``, either shape), kept a
    day per customer; empty when it has none (``labels.code_label`` then uses its own words or the code)."""
    try:
        return optional.cached_read(key=f"history:cdr-dictionaries:{customer_scope(customer_id)}", seconds=DICTIONARY_SECONDS,
                                    customer_id=customer_id, capability=optional.CDR_DICTIONARIES,
                                    call=client.cdrs.dictionaries)  # fmt: skip
    except optional.Missing:
        return {}


def table_page(*, client: VoipstudioClient, section: Section, query: TableQuery) -> Page:
    """One page of a section's table, exactly as the query asks: of calls (not legs) for the Calls
    tables unless it asks for every leg (``call_window.TooManyLegs`` when there are too many)."""
    collection = getattr(client, section.collection)
    if query.shows_calls:
        return call_window.call_page(collection, query)
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
    users: dict[int, str] = field(default_factory=dict)


def call_detail(*, client: VoipstudioClient, id: int, customer_id: int) -> CallDetail:
    """A call leg with its notes, the call's other legs (as a tree), recordings and voicemail."""
    cdr = client.cdrs.get(id)
    legs = [cdr]
    if cdr.root_live_id is not None:
        legs = client.cdrs.page(
            filters=[Filter("root_live_id", "eq", cdr.root_live_id)], sort="calldate", direction="ASC",
            limit=CALL_PARTS_LIMIT,
        ).items or [cdr]  # fmt: skip
        if all(leg.id != cdr.id for leg in legs):
            legs.append(cdr)
    return CallDetail(
        cdr=cdr,
        notes=_call_notes(client, cdr, legs),
        legs=call_leg_tree(legs, current_id=cdr.id),
        recordings=_call_recordings(client, cdr, legs),
        voicemail=_call_voicemail(client, legs),
        users=user_names(client=client, customer_id=customer_id).learn(legs),
    )


def call_leg_tree(legs: list[Cdr], *, current_id: int) -> list[CallLeg]:
    """Legs in tree order (each leg after its parent, siblings by calldate) with their depth."""
    return [CallLeg(leg, depth, leg.id == current_id) for leg, depth in calls.leg_tree(legs)]


def _call_notes(client: VoipstudioClient, cdr: Cdr, legs: list[Cdr]) -> list[Note]:
    """Notes on this leg, and on the call's first leg when this is another one: people note a call
    on the leg they open from the Calls table, usually the first."""
    ids = [cdr.id, *(leg.id for leg in legs if leg.live_id == cdr.root_live_id and leg.id != cdr.id)]
    notes = [note for leg_id in ids for note in client.cdrs.notes(leg_id)]
    return sorted(notes, key=lambda n: (n.created_at is None, n.created_at or _EPOCH, n.id or 0))  # undated last


def _call_recordings(client: VoipstudioClient, cdr: Cdr, legs: list[Cdr]) -> list[Monitor]:
    """Recordings share the call's ``call_id``; without one, a recording points at its leg's live id."""
    if cdr.call_id is not None:
        wanted = [Filter("call_id", "eq", cdr.call_id)]
        return client.monitors.page(filters=wanted, sort="timestamp", direction="ASC", limit=CALL_PARTS_LIMIT).items
    found: list[Monitor] = []
    for live_id in sorted({leg.live_id for leg in legs if leg.live_id is not None and leg.billsec}):
        found += client.monitors.page(filters=[Filter("live_id", "eq", live_id)], limit=CALL_PARTS_LIMIT).items
    return found


def _call_voicemail(client: VoipstudioClient, legs: list[Cdr]) -> list[VoiceMessage]:
    """The voicemail left on the legs that ended in voicemail (disposition VM), by live id."""
    found: list[VoiceMessage] = []
    for live_id in sorted({leg.live_id for leg in legs if leg.disposition == "VM" and leg.live_id is not None}):
        found += client.voicemessages.page(filters=[Filter("live_id", "eq", live_id)], limit=CALL_PARTS_LIMIT).items
    return found


def media_session_detail(*, client: VoipstudioClient, id: int, customer_id: int) -> tuple[Msdr, UserNames]:
    """A media session record and the user names that label it."""
    return client.msdrs.get(id), user_names(client=client, customer_id=customer_id)


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
    own fields still show, with the reason the conversation does not."""
    chat = client.chats.get(id)
    messages: list[ChatMessage] = []
    unavailable = error = ""
    try:
        messages = optional.read(customer_id=customer_id, capability=optional.CHAT_MESSAGES, call=lambda: list(
            client.chat_messages.iterate(filters=[Filter("chat_id", "eq", chat.id)], sort="created_at", direction="ASC")
        ))  # fmt: skip
    except optional.Missing as missing:
        unavailable, error = (missing.reason, "") if missing.refused else ("", missing.reason)
    names = user_names(client=client, customer_id=customer_id)
    operator_name = ""
    if chat.operator_id is not None:
        operator_name = names.get(chat.operator_id) or next(
            (m.sender_name for m in messages if m.sender == "operator" and m.sender_name), ""
        ) or names.label(chat.operator_id)  # fmt: skip
    return ChatDetail(chat=chat, operator_name=operator_name, messages=messages, messages_unavailable=unavailable,
                      messages_error=error)  # fmt: skip

"""Reads from VoIPstudio for the screens: every function takes a client and keyword arguments.

Views call one selector and render; selectors know the catalog and the client, never the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache

from voiphistory.history.catalog import Section
from voiphistory.history.forms import TableQuery
from voiphistory.history.labels import CONTEXTS
from voiphistory.history.ladder import Ladder, parse_ladder
from voiphistory.voipstudio import (
    Cdr,
    Chat,
    ChatMessage,
    Filter,
    Forbidden,
    Monitor,
    Note,
    Page,
    VoiceMessage,
    VoipstudioClient,
)

USER_DIRECTORY_SECONDS = 300


def user_directory(*, client: VoipstudioClient, customer_id: int) -> dict[int, str]:
    """Every user's display name by id, for the User columns and filters (cached a few minutes)."""
    key = f"history:users:{customer_id}"
    users = cache.get(key)
    if users is None:
        users = {
            user.id: " ".join(filter(None, (user.first_name, user.last_name))) or user.email or str(user.id)
            for user in client.users.iterate(sort="id", direction="ASC", page_size=500)
        }
        cache.set(key, users, USER_DIRECTORY_SECONDS)
    return users


def table_page(*, client: VoipstudioClient, section: Section, query: TableQuery) -> Page:
    """One page of a section's table, exactly as the query asks."""
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
        users=_user_names(client, customer_id),
    )


def call_leg_tree(legs: list[Cdr], *, current_id: int) -> list[CallLeg]:
    """Legs in tree order (each leg after its parent, siblings by calldate) with their depth."""
    by_live = {leg.live_id: leg for leg in legs if leg.live_id is not None}
    children: dict[int | None, list[Cdr]] = {}
    for leg in sorted(legs, key=lambda leg: (leg.calldate, leg.id)):
        parent = leg.parent_live_id if leg.parent_live_id in by_live and leg.parent_live_id != leg.live_id else None
        children.setdefault(parent, []).append(leg)
    ordered: list[CallLeg] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for leg in children.get(parent, []):
            if leg.id in seen:
                continue
            seen.add(leg.id)
            ordered.append(CallLeg(leg, depth, leg.id == current_id))
            if leg.live_id is not None:
                walk(leg.live_id, depth + 1)

    walk(None, 0)
    # A parent loop in the data would hide legs from the walk: show them flat rather than not at all.
    ordered += [CallLeg(leg, 0, leg.id == current_id) for leg in legs if leg.id not in seen]
    return ordered


def _call_notes(client: VoipstudioClient, cdr: Cdr, legs: list[Cdr]) -> list[Note]:
    """Notes on this leg, and on the call's first leg when this is another one: people note a call
    on the leg they open from the Calls table, usually the first."""
    ids = [cdr.id, *(leg.id for leg in legs if leg.live_id == cdr.root_live_id and leg.id != cdr.id)]
    return sorted((note for leg_id in ids for note in client.cdrs.notes(leg_id)), key=lambda n: (n.created_at, n.id))


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


def call_ladder(*, client: VoipstudioClient, id: int) -> Ladder:
    """The call leg's SIP trace as a ladder (``LadderError`` when the trace cannot be read)."""
    return parse_ladder(client.cdrs.trace(id))


@dataclass(frozen=True)
class ChatDetail:
    chat: Chat
    operator_name: str
    messages: list[ChatMessage]


def chat_detail(*, client: VoipstudioClient, id: int, customer_id: int) -> ChatDetail:
    """A chat, its operator's name and its whole conversation, oldest message first."""
    chat = client.chats.get(id)
    messages = list(
        client.chat_messages.iterate(filters=[Filter("chat_id", "eq", chat.id)], sort="created_at", direction="ASC")
    )
    operator_name = ""
    if chat.operator_id is not None:
        operator_name = _user_names(client, customer_id).get(chat.operator_id) or next(
            (m.sender_name for m in messages if m.sender == "operator" and m.sender_name), ""
        )
    return ChatDetail(chat=chat, operator_name=operator_name, messages=messages)


def _user_names(client: VoipstudioClient, customer_id: int) -> dict[int, str]:
    """Names are a nicety on a detail page: an account that may not list users still sees the page."""
    try:
        return user_directory(client=client, customer_id=customer_id)
    except Forbidden:
        return {}

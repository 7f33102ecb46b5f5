"""Typed, immutable records parsed from VoIPstudio JSON at the client boundary.

Rules, the same for every record: ``id`` (and the resource's own date field) are required;
every other field is optional and becomes None when missing or null; unknown extra fields are
ignored so an API that grows does not break us; dates become aware UTC datetimes. Each field
is read from the JSON key of its own name and converted by its annotation (``record_kwargs``),
so the field list is written once. Records are plain data: no HTTP, no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any, Self

from voiphistory.voipstudio._parse import opt_str, record_kwargs, req, to_int
from voiphistory.voipstudio.accounts import ApiToken, LoginResult, Me, TwoFactorRequired, User

__all__ = [
    "ApiToken",
    "Cdr",
    "Chat",
    "ChatMessage",
    "Conversation",
    "LoginResult",
    "Me",
    "Monitor",
    "Msdr",
    "Note",
    "Page",
    "Sentiment",
    "Sms",
    "TwoFactorRequired",
    "User",
    "VoiceMessage",
    "VoicemailFolder",
]


class Sentiment(IntEnum):
    """A recording's sentiment: a number in responses, its word in PATCH (emulator choice)."""

    NEGATIVE = 0
    NEUTRAL = 1
    POSITIVE = 2

    @property
    def api_word(self) -> str:
        return self.name.lower()

    @classmethod
    def from_api(cls, value: Any) -> Sentiment | None:
        if value is None or value == "":
            return None
        if isinstance(value, str) and not value.strip().isdigit():
            return cls[value.strip().upper()]
        return cls(to_int(value))


class VoicemailFolder(IntEnum):
    """Asterisk's voicemail folders: a number in responses, the name in bulk PATCH."""

    INBOX = 1
    OLD = 2
    WORK = 3
    FAMILY = 4
    FRIENDS = 5

    @property
    def api_name(self) -> str:
        return "INBOX" if self is VoicemailFolder.INBOX else self.name.capitalize()

    @classmethod
    def from_api(cls, value: Any) -> VoicemailFolder:
        if isinstance(value, str) and not value.strip().isdigit():
            return cls[value.strip().upper()]
        return cls(to_int(value))


@dataclass(frozen=True, slots=True)
class Cdr:
    """A call detail record (one leg of a call). See the seed's CDR Models table."""

    id: int
    calldate: datetime
    type: str | None = None
    disposition: str | None = None
    destination: str | None = None
    context: str | None = None
    duration: int | None = None
    billsec: int | None = None
    src: str | None = None
    src_id: str | None = None
    src_name: str | None = None
    src_ua: str | None = None
    src_codec: str | None = None
    dst: str | None = None
    dst_id: str | None = None
    dst_name: str | None = None
    dst_ua: str | None = None
    dst_codec: str | None = None
    clid: str | None = None
    rate: str | None = None
    charge: str | None = None
    t_cause: str | None = None
    info: str | None = None
    user_id: int | None = None
    sip_endpoint_id: int | None = None
    server_id: int | None = None
    live_id: int | None = None
    parent_live_id: int | None = None
    root_live_id: int | None = None
    call_id: int | None = None
    is_root: bool | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        return cls(**record_kwargs(cls, data))


@dataclass(frozen=True, slots=True)
class Monitor:
    """A call recording and its analysis (transcript, summary, sentiment, CX score)."""

    id: int
    timestamp: datetime
    type: str | None = None
    context: str | None = None
    duration: int | None = None
    size: int | None = None
    caller: str | None = None
    called: str | None = None
    src: str | None = None
    src_id: str | None = None
    src_name: str | None = None
    dst: str | None = None
    dst_id: str | None = None
    dst_name: str | None = None
    user_id: int | None = None
    sip_endpoint_id: int | None = None
    live_id: int | None = None
    call_id: int | None = None
    transcript: str | None = None
    transcript_speakers: str | None = None
    summary: str | None = None
    sentiment: Sentiment | None = None
    cx_score: int | None = None
    metadata: dict[str, Any] | None = field(default=None, hash=False, compare=True)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        return cls(**record_kwargs(cls, data, sentiment=Sentiment.from_api(data.get("sentiment"))))


@dataclass(frozen=True, slots=True)
class VoiceMessage:
    """A voicemail; ``folder`` is where it is filed (moving to OLD marks it heard)."""

    id: int
    origtime: datetime
    folder: VoicemailFolder
    is_new: bool | None = None
    caller: str | None = None
    callerid: str | None = None
    dialled: str | None = None
    duration: int | None = None
    extension_id: int | None = None
    live_id: int | None = None
    parent_live_id: int | None = None
    transcript: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        return cls(**record_kwargs(cls, data, folder=VoicemailFolder.from_api(req(data, "folder"))))


@dataclass(frozen=True, slots=True)
class Chat:
    """A website chat session. ``state``: 0 waiting, 1 active, 2 closed, 3 missed (emulator)."""

    id: int
    created_at: datetime
    customer_id: int | None = None
    duration: int | None = None
    operator_id: int | None = None
    operator_ua: str | None = None
    state: int | None = None
    visitor_city: str | None = None
    visitor_country: str | None = None
    visitor_email: str | None = None
    visitor_geo: str | None = None
    visitor_id: str | None = None
    visitor_ip: str | None = None
    visitor_name: str | None = None
    visitor_referer: str | None = None
    visitor_ua: str | None = None
    website_id: int | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        return cls(**record_kwargs(cls, data))


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message in a chat; ``sender`` is "visitor" or "operator"."""

    id: int
    created_at: datetime
    chat_id: int | None = None
    sender: str | None = None
    sender_name: str | None = None
    message: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        return cls(**record_kwargs(cls, data))


@dataclass(frozen=True, slots=True)
class Conversation:
    """A conversation across channels; its id is a string, unlike every other resource."""

    id: str
    created_at: datetime
    channel: str | None = None
    type: str | None = None
    customer_id: int | None = None
    user_id: int | None = None
    monitor_id: int | None = None
    duration: int | None = None
    cx_score: int | None = None
    src: str | None = None
    src_name: str | None = None
    dst: str | None = None
    dst_name: str | None = None
    object_class: str | None = None
    object_id: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        return cls(**record_kwargs(cls, data))


@dataclass(frozen=True, slots=True)
class Msdr:
    """A media session detail record (e.g. a video or conference session)."""

    id: int
    created_at: datetime
    type: str | None = None
    call_id: str | None = None
    duration: int | None = None
    media_session_id: int | None = None
    user_id: int | None = None
    src: str | None = None
    src_id: str | None = None
    src_ua: str | None = None
    dst: str | None = None
    dst_id: str | None = None
    dst_ua: str | None = None
    t_cause: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        return cls(**record_kwargs(cls, data))


@dataclass(frozen=True, slots=True)
class Sms:
    """A text message; the API's ``from``/``to`` are ``from_number``/``to_number`` here."""

    id: int
    created_at: datetime
    type: str | None = None
    result: str | None = None
    message: str | None = None
    from_number: str | None = None
    from_id: str | None = None
    from_name: str | None = None
    to_number: str | None = None
    to_id: str | None = None
    to_name: str | None = None
    user_id: int | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        return cls(
            **record_kwargs(
                cls,
                data,
                from_number=opt_str(data.get("from")),
                to_number=opt_str(data.get("to")),
            )
        )


@dataclass(frozen=True, slots=True)
class Note:
    """A note a user wrote on a call (shape chosen by the emulator: the live one is unknown)."""

    id: int
    created_at: datetime
    cdr_id: int | None = None
    user_id: int | None = None
    user_name: str | None = None
    note: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        return cls(**record_kwargs(cls, data))


@dataclass(frozen=True, slots=True)
class Page[T]:
    """One page of a collection, for tables: ``total`` counts every match, not just ``items``."""

    items: list[T]
    total: int
    page: int
    limit: int

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.limit) if self.limit > 0 else 0

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

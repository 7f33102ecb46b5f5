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
from datetime import UTC, datetime
from typing import Any, Self

from voiphistory.voipstudio._parse import (
    Raw,
    build_record,
    opt_datetime,
    opt_int,
    opt_str,
    record_kwargs,
    req,
    tolerant,
)
from voiphistory.voipstudio.codes import DEFAULT_CODES, Codes, Sentiment, VoicemailFolder, code_key
from voiphistory.voipstudio.identity import ApiToken, LoginResult, Me, TwoFactorRequired, User

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
    "Raw",
    "Sentiment",
    "Sms",
    "TwoFactorRequired",
    "User",
    "VoiceMessage",
    "VoicemailFolder",
]


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
        return build_record(cls, data)


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
    sentiment: Sentiment | Raw | None = None  # Raw: a code ``Codes.sentiments`` does not know
    cx_score: int | None = None
    metadata: dict[str, Any] | None = field(default=None, hash=False, compare=True)

    @classmethod
    def from_api(cls, data: dict[str, Any], codes: Codes = DEFAULT_CODES) -> Self:
        sentiment = _coded(cls, "sentiment", data.get("sentiment"), codes.sentiment)
        return build_record(cls, data, sentiment=sentiment)


@dataclass(frozen=True, slots=True)
class VoiceMessage:
    """A voicemail; ``folder`` is where it is filed, by name (moving to OLD marks it heard):
    a ``VoicemailFolder`` for a standard one, the configured name of another, ``Raw`` for a
    code ``Codes.folders`` does not know."""

    id: int
    origtime: datetime
    folder: str | Raw
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
    def from_api(cls, data: dict[str, Any], codes: Codes = DEFAULT_CODES) -> Self:
        return cls(
            **record_kwargs(cls, data, folder=_coded(cls, "folder", req(data, "folder"), codes.folder_name))
        )


@dataclass(frozen=True, slots=True)
class Chat:
    """A website chat session. ``state`` is the code as sent (an int, or a word such as
    "active"): the reference does not list the states, their labels are configuration."""

    id: int
    created_at: datetime
    customer_id: int | None = None
    duration: int | None = None
    operator_id: int | None = None
    operator_ua: str | None = None
    state: int | str | None = None
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


def _coded(cls: type, name: str, value: Any, meaning: Any) -> Any:
    """``meaning(value)`` for a coded field; a value with no meaning is kept as ``Raw`` (logged once)."""
    if value is None or value == "":
        return None
    found = meaning(value)
    if found is None:
        return tolerant(cls.__name__, name, value, _unknown_code)
    return found


def _unknown_code(value: Any) -> Any:
    raise ValueError(f"no configured meaning for code {code_key(value)!r}")


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
    """A note a user wrote on a call. The reference does not give the shape of a note
    (docs/voipstudio-api.md, "Call notes"), so the text, author and time are read from the first
    of the plausible names that holds one; ``other`` keeps the remaining plain fields, so a note of
    an unknown shape still shows what it has. Nothing here is required: a note is never dropped."""

    id: int | None = None
    text: str = ""
    author: str = ""
    created_at: datetime | None = None
    cdr_id: int | None = None
    user_id: int | None = None
    other: tuple[tuple[str, str], ...] = ()

    TEXT_KEYS = ("text", "note", "content", "body", "message")
    AUTHOR_KEYS = ("author", "user_name", "created_by", "user", "author_name", "username")
    TIME_KEYS = ("created_at", "date", "created", "timestamp", "updated_at")

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        known = {"id", "cdr_id", "user_id", *cls.TEXT_KEYS, *cls.AUTHOR_KEYS, *cls.TIME_KEYS}
        return cls(
            id=_lenient(opt_int, data.get("id")),
            text=_first(data, cls.TEXT_KEYS, _plain_text),
            author=_first(data, cls.AUTHOR_KEYS, _person),
            created_at=_first(data, cls.TIME_KEYS, _note_time) or None,
            cdr_id=_lenient(opt_int, data.get("cdr_id")),
            user_id=_lenient(opt_int, data.get("user_id")),
            other=tuple(
                (str(key), str(value))
                for key, value in data.items()
                if key not in known
                and isinstance(value, (str, int, float))
                and not isinstance(value, bool)
                and str(value)
            ),
        )


def _lenient(convert: Any, value: Any) -> Any:
    try:
        return convert(value)
    except ValueError:
        return None


def _first(data: dict[str, Any], keys: tuple[str, ...], convert: Any) -> Any:
    """The first of ``keys`` whose value ``convert`` makes something of ("" when none does)."""
    for key in keys:
        value = _lenient(convert, data.get(key))
        if value:
            return value
    return ""


def _plain_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _person(value: Any) -> str:
    """A name from a string, or from a user object (``{"first_name", "last_name"}``, ``name``, ``email``)."""
    if isinstance(value, dict):
        full = " ".join(
            filter(None, (_plain_text(value.get("first_name")), _plain_text(value.get("last_name"))))
        )
        return full or _plain_text(value.get("name")) or _plain_text(value.get("email"))
    return _plain_text(value)


def _note_time(value: Any) -> datetime | None:
    """The API's date format, ISO 8601, or Unix seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return datetime.fromtimestamp(value, UTC)
    return opt_datetime(value)


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

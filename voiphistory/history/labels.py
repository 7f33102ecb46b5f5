"""Every CDR field in plain language, in the order the call detail page shows them.

Labels and descriptions come from the CDR "Models" table of the VoIPstudio History reference
(docs/voipstudio-api.md, "The History reference"), reworded for supervisors. ``root_live_id`` is
deprecated in that table but every leg carries it ("Field meanings"): it ties a call's legs together.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from django.conf import settings

from voiphistory.accounts.upstream import configured_codes
from voiphistory.history.user_names import user_label
from voiphistory.voipstudio import Cdr, Msdr, Raw, Sentiment
from voiphistory.voipstudio.codes import Code, code_key

__all__ = [
    "CDR_FIELDS",
    "CHANNELS",
    "CHAT_STATE_WORDS",
    "CONTEXTS",
    "DESTINATIONS",
    "FOLDER_WORDS",
    "MEDIA_TYPES",
    "CdrField",
    "DetailRow",
    "MSDR_FIELDS",
    "cdr_rows",
    "folder_label",
    "msdr_rows",
    "party_id_label",
    "CALL_TYPES",
    "DISPOSITIONS",
    "chat_state_choices",
    "chat_states",
    "code_label",
    "dictionaries_used",
    "folder_choices",
    "sentiment_choices",
    "VOICEMAIL_STATUS",
    "code_choices",
    "sentiment_label",
]


@dataclass(frozen=True, slots=True)
class CdrField:
    name: str  # the API field (and the ``Cdr`` attribute)
    label: str
    description: str
    kind: str  # how the value renders: when, duration, phone, coded, labelled, user, bool, text


CDR_FIELDS: tuple[CdrField, ...] = (
    CdrField("calldate", "Date and time", "When the call (this leg) started.", "when"),
    CdrField("type", "Call type", "Outbound, inbound or missed.", "coded"),
    CdrField("destination", "Direction", "Inbound, outbound, web call or call-me-back.", "labelled"),
    CdrField(
        "context",
        "Call context",
        "What kind of call this leg is: phone network, internal, IVR, queue, follow-me, test call…",
        "labelled",
    ),
    CdrField(
        "disposition",
        "Outcome",
        "How the call ended up: not answered, ringing, answered, on hold or voicemail.",
        "coded",
    ),
    CdrField(
        "t_cause",
        "Why it ended",
        "The call termination reason, e.g. normal clearing, user busy, no answer.",
        "text",
    ),
    CdrField("duration", "Total duration", "How long the call lasted, ringing included.", "duration"),
    CdrField("billsec", "Talk time", "Billable (connected) time of the call.", "duration"),
    CdrField(
        "clid", "Caller ID", "The caller ID shown for the call, with its number (if available).", "text"
    ),
    CdrField("src_name", "From (name)", "Who made the call, for example a contact's name.", "text"),
    CdrField("src", "From (number)", "The telephone number of the caller.", "phone"),
    CdrField("src_id", "From (ID)", "The caller's identifier, e.g. user 10002 or contact:3423.", "text"),
    CdrField(
        "src_ua", "Caller's phone or app", "The user agent (phone, softphone or app) of the caller.", "text"
    ),
    CdrField("src_codec", "Caller's audio codec", "The audio codec the caller used.", "text"),
    CdrField("dst_name", "To (name)", "Who was called, for example a contact's or a queue's name.", "text"),
    CdrField("dst", "To (number)", "The telephone number that was called.", "phone"),
    CdrField(
        "dst_id",
        "To (ID)",
        "The identifier of the destination: a user, a contact, an IVR (IVR324) or a queue (Queue12443).",
        "text",
    ),
    CdrField(
        "dst_ua",
        "Callee's phone or app",
        "The user agent (phone, softphone or app) of the called party.",
        "text",
    ),
    CdrField("dst_codec", "Callee's audio codec", "The audio codec the called party used.", "text"),
    CdrField("rate", "Rate per minute", "The per-minute rate of the call.", "text"),
    CdrField("charge", "Cost", "What the call cost.", "text"),
    CdrField(
        "info",
        "Additional information",
        "Additional information about the call, e.g. a call-tracking campaign.",
        "text",
    ),
    CdrField("user_id", "User", "The user who made or took the call.", "user"),
    CdrField(
        "sip_endpoint_id",
        "SIP endpoint",
        "The SIP endpoint (phone or app) that made or received the call.",
        "text",
    ),
    CdrField("server_id", "Media server", "The media server that handled the call.", "text"),
    CdrField("id", "Record ID", "The ID of this call record.", "text"),
    CdrField(
        "live_id",
        "Live call ID",
        "The live call that produced this record; recordings and voicemail point back to it.",
        "text",
    ),
    CdrField(
        "parent_live_id",
        "Previous leg's live call ID",
        "The live call this leg came from (the previous leg of the call).",
        "text",
    ),
    CdrField(
        "root_live_id",
        "First leg's live call ID",
        "The live call that started the whole call: every leg of one call shares it.",
        "text",
    ),
    CdrField("call_id", "Call ID (deprecated)", "Kept by VoIPstudio for older integrations.", "text"),
    CdrField(
        "is_root",
        "First leg (deprecated)",
        "Whether this is the first leg of the call; kept for older integrations.",
        "bool",
    ),
)

DESTINATIONS = {"in": "Inbound", "out": "Outbound", "webcall": "Web call", "callmeback": "Call me back"}
CONTEXTS = {
    "PSTN_CALL": "Phone network call",
    "USER_LOCAL": "Internal call",
    "IVR": "IVR menu",
    "QUEUE": "Call queue",
    "FOLLOW_ME": "Follow me",
    "TEST_CALL": "Test call",
}

# --- Codes of the other tables, in words (an unknown code is shown as it came) ----------------------

#: Conversation ``channel``.
CHANNELS = {"call": "Call", "chat": "Chat", "sms": "SMS"}
#: Media session ``type`` (the emulator's; the reference gives no list).
MEDIA_TYPES = {"video": "Video", "screen": "Screen sharing", "audio": "Audio"}
#: Chat ``state`` as a word (the reference dialect); the numeric codes are in CHAT_STATES.
CHAT_STATE_WORDS = {
    "queued": "Waiting",
    "waiting": "Waiting",
    "active": "Active",
    "closed": "Closed",
    "missed": "Missed",
    "abandoned": "Abandoned",
}
#: Voicemail folders as people read them; the API's own names (``INBOX``) are for PATCH only.
FOLDER_WORDS = {"INBOX": "Inbox"}
#: CDR codes the History reference itself lists, in supervisors' words.
CALL_TYPES = {"O": "Outbound", "I": "Inbound", "M": "Missed"}
#: The one wording of each code: the table's cells, the filter's choices and the exports read these.
DISPOSITIONS = {
    "CONNECTED": "Answered",
    "RINGING": "Rang, not answered",
    "INITIAL": "Not connected",
    "VM": "Voicemail",
    "ON_HOLD": "On hold",
}
#: A voicemail's ``is_new``, as the Status column and its filter say it (the filter's value is the key).
VOICEMAIL_STATUS = {"new": "New", "heard": "Heard"}
_BUILT_IN = {
    "type": CALL_TYPES,
    "disposition": DISPOSITIONS,
    "destination": DESTINATIONS,
    "context": CONTEXTS,
    "channel": CHANNELS,
    "media_type": MEDIA_TYPES,
}
#: Labels of codes from ``GET /cdrs/dictionaries`` for the request being rendered (``dictionaries_used``).
_dictionaries: ContextVar[Mapping[str, Mapping[Code, str]]] = ContextVar(
    "code_dictionaries", default=MappingProxyType({})
)

#: The kinds of party id in ``src_id``/``dst_id`` (``contact:13913``, ``IVR324``, ``Queue12443``).
_PARTY_KINDS = {"contact": "Contact", "guest": "Guest", "user": "User", "ivr": "IVR", "queue": "Queue"}
_PARTY_ID = re.compile(r"^(?P<kind>[A-Za-z]+)[:_ ]?(?P<number>\d+)$")


def folder_label(folder: object) -> str:
    """``Inbox``, ``Old``, ``Work``…: a folder (a ``VoicemailFolder`` or its API name) in words;
    a folder the dashboard does not know (``Raw``) as it came."""
    if folder is None:
        return ""
    name = str(getattr(folder, "api_name", folder))
    return FOLDER_WORDS.get(name, name)


def code_label(kind: str, value: object) -> str:
    """A coded value in words, the one place that decides it: the built-in wording for the codes
    the reference lists (CDR type, disposition, destination, context), the configured one for those
    it leaves open (chat states: ``VOIPSTUDIO_CHAT_STATES``; folders and sentiment are resolved by the
    client from ``VOIPSTUDIO_VOICEMAIL_FOLDERS``/``VOIPSTUDIO_SENTIMENTS``), else VoIPstudio's own label
    from its dictionaries; a code none of them knows is shown as it came (docs/voipstudio-api.md)."""
    if value is None or value == "":
        return ""
    if isinstance(value, Raw):
        return str(value)
    if kind == "sentiment":
        return sentiment_label(value) if isinstance(value, Sentiment) else str(value)
    if kind == "is_new":
        return VOICEMAIL_STATUS["new" if value else "heard"]
    if kind == "folder":
        return folder_label(value)
    key = code_key(value)
    if kind == "chat_state":
        known = _label_of(chat_states(), key) or CHAT_STATE_WORDS.get(str(value).strip().lower())
    else:
        known = _BUILT_IN.get(kind, {}).get(value) if isinstance(value, str) else None
    dictionary = _dictionaries.get().get("state" if kind == "chat_state" else kind, {})
    return known or _label_of(dictionary, key) or str(value)


def _label_of(labels: Mapping[Code, str], key: Code | None) -> str | None:
    return labels.get(key) if key is not None else None


@contextmanager
def dictionaries_used(dictionaries: Mapping[str, Mapping[Code, str]]) -> Iterator[None]:
    """Label codes with these dictionaries while a page renders (reset after: threads serve others)."""
    token = _dictionaries.set(dictionaries)
    try:
        yield
    finally:
        _dictionaries.reset(token)


def sentiment_label(sentiment: Sentiment) -> str:
    return sentiment.name.title()


def code_choices(kind: str) -> list[tuple[Code, str]]:
    """(code, words) for a filter on a code the reference lists, in the words its cells use."""
    return list(_BUILT_IN[kind].items())


def chat_states() -> dict[Code, str]:
    """Chat state code → label, from ``VOIPSTUDIO_CHAT_STATES`` (label=code)."""
    return {code: label for label, code in settings.VOIPSTUDIO_CHAT_STATES.items()}


def chat_state_choices() -> list[tuple[Code, str]]:
    return list(chat_states().items())


def folder_choices() -> list[tuple[Code, str]]:
    """The configured folders as (code, words), for filtering on ``folder``."""
    codes = configured_codes()
    return [(code, folder_label(codes.folder_name(code))) for code in codes.folders.values()]


def sentiment_choices() -> list[tuple[Code, str]]:
    """Sentiments as (the API's code, word), for filtering on ``sentiment``."""
    codes = configured_codes()
    return [(codes.sentiment_code(sentiment), sentiment_label(sentiment)) for sentiment in Sentiment]


def party_id_label(value: str) -> str:
    """``contact:13913`` as "Contact 13913", ``IVR324`` as "IVR 324"; other values as they are."""
    match = _PARTY_ID.match(value or "")
    kind = _PARTY_KINDS.get(match["kind"].lower()) if match else None
    return f"{kind} {match['number']}" if match and kind else value


@dataclass(frozen=True, slots=True)
class DetailRow:
    """One ``<dt>``/``<dd>`` of the call detail: ``value`` is raw (a datetime stays a datetime
    so the template formats it in the user's time zone); ``text`` is the label of a coded value
    or the name of a user."""

    field: CdrField
    value: Any
    text: str = ""

    @property
    def missing(self) -> bool:
        return self.value is None or self.value == ""

    @property
    def raw(self) -> bool:
        """VoIPstudio sent something the dashboard cannot read as this field's kind: shown as sent."""
        return isinstance(self.value, Raw)


def cdr_rows(cdr: Cdr, *, users: Mapping[int, str] | None = None) -> list[DetailRow]:
    """The fields of ``cdr`` in display order; ``users`` names the user of ``user_id``."""
    return _detail_rows(cdr, CDR_FIELDS, users=users)


def _detail_rows(
    record: object,
    fields: tuple[CdrField, ...],
    *,
    users: Mapping[int, str] | None,
    codes: Mapping[str, str] | None = None,
) -> list[DetailRow]:
    """``fields`` of ``record`` as rows; ``codes`` names the code kind of a labelled field when it
    is not the field's own name (a media session's ``type`` reads as ``media_type``)."""
    rows = []
    for field in fields:
        value = getattr(record, field.name)
        text = ""
        if field.kind == "labelled" and value is not None and not isinstance(value, Raw):
            text = code_label((codes or {}).get(field.name, field.name), value)
            text = "" if text == str(value) else text  # a code nobody labels: shown once, as it came
        elif field.kind == "user" and value is not None:
            text = user_label(users, value)
        rows.append(DetailRow(field, value, text))
    return rows


# --- Media sessions (``msdrs``): the reference lists the fields without describing them -------------

MSDR_FIELDS: tuple[CdrField, ...] = (
    CdrField("created_at", "Date and time", "When the media session started.", "when"),
    CdrField(
        "type", "Kind of session", "What the session carried, e.g. video or screen sharing.", "labelled"
    ),
    CdrField("duration", "Duration", "How long the session lasted.", "duration"),
    CdrField("t_cause", "Why it ended", "The termination reason of the session.", "text"),
    CdrField("src", "From (number)", "The telephone number of the party that started the session.", "phone"),
    CdrField("src_id", "From (ID)", "The identifier of the party that started it, e.g. user 10002.", "text"),
    CdrField(
        "src_ua", "From phone or app", "The user agent (phone, softphone or app) that started it.", "text"
    ),
    CdrField("dst", "To (number)", "The telephone number of the other party.", "phone"),
    CdrField("dst_id", "To (ID)", "The identifier of the other party.", "text"),
    CdrField("dst_ua", "To phone or app", "The user agent of the other party.", "text"),
    CdrField("user_id", "User", "The user the session belongs to.", "user"),
    CdrField("id", "Record ID", "The ID of this media session record.", "text"),
    CdrField("media_session_id", "Media session ID", "The media session this record describes.", "text"),
    CdrField("call_id", "Call ID", "The SIP call the session belongs to.", "text"),
)


def msdr_rows(msdr: Msdr, *, users: Mapping[int, str] | None = None) -> list[DetailRow]:
    """The fields of a media session record in display order, like ``cdr_rows``."""
    return _detail_rows(msdr, MSDR_FIELDS, users=users, codes={"type": "media_type"})

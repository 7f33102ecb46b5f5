"""Every CDR field in plain language, in the order the call detail page shows them.

Labels and descriptions come from the CDR "Models" table of the VoIPstudio History reference
(/work/shared/voipstudio-history-api.txt), reworded for supervisors. ``root_live_id`` is not in
that table but every leg carries it (VOIPSTUDIO_API.md): it ties the legs of one call together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from voiphistory.voipstudio import Cdr

__all__ = ["CDR_FIELDS", "CONTEXTS", "DESTINATIONS", "CdrField", "DetailRow", "cdr_rows"]


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
    CdrField("context", "Call context", "What kind of call this leg is: phone network, internal, IVR, queue, follow-me, test call…", "labelled"),
    CdrField("disposition", "Outcome", "How the call ended up: not answered, ringing, answered, on hold or voicemail.", "coded"),
    CdrField("t_cause", "Why it ended", "The call termination reason, e.g. normal clearing, user busy, no answer.", "text"),
    CdrField("duration", "Total duration", "How long the call lasted, ringing included.", "duration"),
    CdrField("billsec", "Talk time", "Billable (connected) time of the call.", "duration"),
    CdrField("clid", "Caller ID", "The caller ID shown for the call, with its number (if available).", "text"),
    CdrField("src_name", "From (name)", "Who made the call, for example a contact's name.", "text"),
    CdrField("src", "From (number)", "The telephone number of the caller.", "phone"),
    CdrField("src_id", "From (ID)", "The caller's identifier, e.g. user 10002 or contact:3423.", "text"),
    CdrField("src_ua", "Caller's phone or app", "The user agent (phone, softphone or app) of the caller.", "text"),
    CdrField("src_codec", "Caller's audio codec", "The audio codec the caller used.", "text"),
    CdrField("dst_name", "To (name)", "Who was called, for example a contact's or a queue's name.", "text"),
    CdrField("dst", "To (number)", "The telephone number that was called.", "phone"),
    CdrField("dst_id", "To (ID)", "The identifier of the destination: a user, a contact, an IVR (IVR324) or a queue (Queue12443).", "text"),
    CdrField("dst_ua", "Callee's phone or app", "The user agent (phone, softphone or app) of the called party.", "text"),
    CdrField("dst_codec", "Callee's audio codec", "The audio codec the called party used.", "text"),
    CdrField("rate", "Rate per minute", "The per-minute rate of the call.", "text"),
    CdrField("charge", "Cost", "What the call cost.", "text"),
    CdrField("info", "Additional information", "Additional information about the call, e.g. a call-tracking campaign.", "text"),
    CdrField("user_id", "User", "The user who made or took the call.", "user"),
    CdrField("sip_endpoint_id", "SIP endpoint", "The SIP endpoint (phone or app) that made or received the call.", "text"),
    CdrField("server_id", "Media server", "The media server that handled the call.", "text"),
    CdrField("id", "Record ID", "The ID of this call record.", "text"),
    CdrField("live_id", "Live call ID", "The live call that produced this record; recordings and voicemail point back to it.", "text"),
    CdrField("parent_live_id", "Previous leg's live call ID", "The live call this leg came from (the previous leg of the call).", "text"),
    CdrField("root_live_id", "First leg's live call ID", "The live call that started the whole call: every leg of one call shares it.", "text"),
    CdrField("call_id", "Call ID (deprecated)", "Kept by VoIPstudio for older integrations.", "text"),
    CdrField("is_root", "First leg (deprecated)", "Whether this is the first leg of the call; kept for older integrations.", "bool"),
)  # fmt: skip

DESTINATIONS = {"in": "Inbound", "out": "Outbound", "webcall": "Web call", "callmeback": "Call me back"}
CONTEXTS = {
    "PSTN_CALL": "Phone network call", "USER_LOCAL": "Internal call", "IVR": "IVR menu", "QUEUE": "Call queue",
    "FOLLOW_ME": "Follow me", "TEST_CALL": "Test call",
}  # fmt: skip
_LABELLED = {"destination": DESTINATIONS, "context": CONTEXTS}


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


def cdr_rows(cdr: Cdr, *, users: Mapping[int, str] | None = None) -> list[DetailRow]:
    """The fields of ``cdr`` in display order; ``users`` names the user of ``user_id``."""
    rows = []
    for field in CDR_FIELDS:
        value = getattr(cdr, field.name)
        text = ""
        if field.kind == "labelled":
            text = _LABELLED[field.name].get(value, "")
        elif field.kind == "user" and value is not None:
            text = (users or {}).get(value, "")
        rows.append(DetailRow(field, value, text))
    return rows

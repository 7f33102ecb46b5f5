"""What each emulated resource is: its table, its API field names, its date field, what it allows.

One ``Resource`` per API collection; the views are generic over it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from voiphistory.emulator import dialects, models as m

# Columns that exist for the emulator's bookkeeping and never appear in the API.
_INTERNAL = frozenset({"customer_id", "is_calltracking"})
# Model attribute names that differ from the API's field names ("from" is a Python keyword).
_API_NAMES = {"from_number": "from", "to_number": "to"}


@dataclass(frozen=True)
class Resource:
    name: str
    model: type[models.Model]
    date_field: str
    scope: dict[str, object] = field(default_factory=dict)
    hidden: frozenset[str] = _INTERNAL
    renames: dict[str, str] = field(default_factory=lambda: dict(_API_NAMES))
    # API field name -> model attribute, in the order the API prints them.
    fields: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        names = {}
        for model_field in self.model._meta.concrete_fields:
            if model_field.attname in self.hidden:
                continue
            names[self.renames.get(model_field.attname, model_field.attname)] = model_field.attname
        object.__setattr__(self, "fields", names)

    def queryset(self, customer_id: int) -> models.QuerySet:
        return self.model._default_manager.filter(customer_id=customer_id, **self.scope)

    def field_type(self, api_name: str) -> str:
        return self.model._meta.get_field(self.fields[api_name]).get_internal_type()

    def serialise(self, rows: list[dict]) -> list[dict]:
        """Rows from ``queryset.values(*self.fields.values())`` → API dicts, in the active dialect."""
        renames = [(api, attr) for api, attr in self.fields.items() if api != attr]
        if renames:
            for row in rows:
                for api, attr in renames:
                    row[api] = row.pop(attr)
        return dialects.active().serialise(self.name, rows)


CDRS = Resource("cdrs", m.Cdr, "calldate")
CALLTRACKING_CDRS = Resource("calltracking", m.Cdr, "calldate", scope={"is_calltracking": True})
MONITORS = Resource("monitors", m.Monitor, "timestamp")
VOICEMESSAGES = Resource("voicemessages", m.VoiceMessage, "origtime")
# Chats and conversations show their customer_id in the reference; the other resources do not.
CHATS = Resource("chats", m.Chat, "created_at", hidden=frozenset())
CHATMSGS = Resource("chatmsgs", m.ChatMsg, "created_at")
CONVERSATIONS = Resource("conversations", m.Conversation, "created_at", hidden=frozenset())
MSDRS = Resource("msdrs", m.Msdr, "created_at")
SMS = Resource("sms", m.Sms, "created_at")
STATEMENTS = Resource("statements", m.Statement, "created_at")


USERS = Resource(
    "users", m.User, "created_at", hidden=frozenset({"password"}), renames={"customer_id": "customer"}
)


# Coded values with labels, served by the */dictionaries endpoints to fill a dashboard's choices
# (each dialect writes a field's pairs its own way: dialects.Dialect.dictionary).
CDR_TYPES = {"O": "Outbound", "I": "Inbound", "M": "Missed"}
CDR_DISPOSITIONS = {
    "INITIAL": "Initial",
    "RINGING": "Ringing (not answered)",
    "CONNECTED": "Connected",
    "ON_HOLD": "On hold",
    "VM": "Voicemail",
}
CDR_DESTINATIONS = {"in": "Inbound", "out": "Outbound", "webcall": "Web call", "callmeback": "Call me back"}
CDR_CONTEXTS = {
    "PSTN_CALL": "Phone network call",
    "USER_LOCAL": "Internal call",
    "IVR": "IVR menu",
    "QUEUE": "Call queue",
    "FOLLOW_ME": "Follow me",
    "TEST_CALL": "Test call",
}
T_CAUSES = {
    "Normal Clearing": "Normal clearing",
    "User busy": "User busy",
    "No user responding": "No user responding",
    "No answer": "No answer",
    "Call rejected": "Call rejected",
    "Originator cancel": "Caller hung up",
}
MSDR_TYPES = {"audio": "Audio", "video": "Video", "screen": "Screen sharing"}
SMS_TYPES = {"outbound": "Outbound", "inbound": "Inbound"}
SMS_RESULTS = {"delivered": "Delivered", "sent": "Sent", "failed": "Failed"}
MEDIASESSION_STATUSES = {"active": "Active", "ended": "Ended", "failed": "Failed"}

DICTIONARIES = {
    "cdrs": {
        "type": CDR_TYPES,
        "disposition": CDR_DISPOSITIONS,
        "destination": CDR_DESTINATIONS,
        "context": CDR_CONTEXTS,
        "t_cause": T_CAUSES,
    },
    "msdrs": {"type": MSDR_TYPES, "t_cause": T_CAUSES},
    "sms": {"type": SMS_TYPES, "result": SMS_RESULTS},
    "mediasessions": {"type": MSDR_TYPES, "status": MEDIASESSION_STATUSES},
}

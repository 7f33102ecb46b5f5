"""The only code in the product that speaks HTTP to VoIPstudio.

``VoipstudioClient`` wraps the API; ``errors`` is its exception tree; ``records`` the typed
data it returns; ``filters`` the query parameters it accepts. No Django here: configuration
(base URL, token, timeouts) is passed in by the caller.
"""

from __future__ import annotations

from voiphistory.voipstudio.client import DEFAULT_BASE_URL, VoipstudioClient
from voiphistory.voipstudio.codes import Codes
from voiphistory.voipstudio.errors import (
    TRANSIENT_ERRORS,
    Forbidden,
    InvalidIdentifier,
    InvalidRequest,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    Unauthorized,
    Unavailable,
    VoipstudioError,
)
from voiphistory.voipstudio.filters import Filter, date_range
from voiphistory.voipstudio.records import (
    ApiToken,
    Cdr,
    Chat,
    ChatMessage,
    Conversation,
    LoginResult,
    Me,
    Monitor,
    Msdr,
    Note,
    Page,
    Raw,
    Sentiment,
    Sms,
    TwoFactorRequired,
    User,
    VoicemailFolder,
    VoiceMessage,
)
from voiphistory.voipstudio.transport import FileStream, build_session

__all__ = [
    "DEFAULT_BASE_URL",
    "TRANSIENT_ERRORS",
    "ApiToken",
    "Cdr",
    "Chat",
    "ChatMessage",
    "Conversation",
    "FileStream",
    "Filter",
    "Forbidden",
    "InvalidIdentifier",
    "InvalidRequest",
    "LoginResult",
    "Me",
    "Monitor",
    "Msdr",
    "NotFound",
    "Note",
    "OutcomeUnknown",
    "Codes",
    "Page",
    "RateLimited",
    "Raw",
    "Sentiment",
    "Sms",
    "TwoFactorRequired",
    "Unauthorized",
    "Unavailable",
    "User",
    "VoiceMessage",
    "VoicemailFolder",
    "VoipstudioClient",
    "VoipstudioError",
    "build_session",
    "date_range",
]

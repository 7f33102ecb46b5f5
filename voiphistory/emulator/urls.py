"""The emulated API, under both /v1.1/voipstudio/ and /v1.2/voipstudio/, plus /_emulator/ controls.

``ref(…)`` marks what the History reference documents; the reference profile serves only that.
"""

from __future__ import annotations

from django.urls import URLPattern, include, path, re_path

from voiphistory.emulator import (
    clock,
    dialects,
    faults,
    resources as r,
    views_account as account,
    views_files as files,
    views_resources as views,
)
from voiphistory.emulator.errors import ApiError

ID = r"(?P<id>[^/.]+)"
IDS = r"(?P<ids>[^/.]+)"


# The routes the History reference documents → the methods it documents for each (``ref``).
REFERENCE_METHODS: dict[URLPattern, frozenset[str]] = {}


def ref(pattern: URLPattern, *methods: str) -> URLPattern:
    """Mark a route the History reference documents, with the methods it documents for it."""
    REFERENCE_METHODS[pattern] = frozenset(methods)
    return pattern


ACCOUNT = ("GET", "POST", "PATCH", "PUT", "DELETE")  # login, 2FA, me, tokens: served as in default

api = [
    ref(path("login", account.login), *ACCOUNT),
    ref(path("login2fa", account.login_2fa), *ACCOUNT),
    ref(path("logout", account.logout), *ACCOUNT),
    ref(path("ping", account.ping), *ACCOUNT),
    ref(path("me", account.me), *ACCOUNT),
    ref(path("apitokens", account.api_tokens), *ACCOUNT),
    ref(path("apitokens/<str:token>", account.api_token), *ACCOUNT),
    # Calls
    ref(path("cdrs", views.cdrs), "GET", "PATCH", "DELETE"),
    ref(path("cdrs/calltracking", views.collection, {"resource": r.CALLTRACKING_CDRS}), "GET"),
    ref(path("calltracking/cdrs", views.collection, {"resource": r.CALLTRACKING_CDRS}), "GET"),
    ref(path("cdrs/dictionaries", views.dictionaries, {"name": "cdrs"}), "GET"),
    ref(re_path(rf"^cdrs/{ID}\.trace$", files.cdr_trace), "GET"),
    ref(re_path(rf"^cdrs/{ID}\.pcap$", files.cdr_pcap), "GET"),
    ref(re_path(rf"^cdrs/{ID}/notes$", views.cdr_notes), "GET"),
    ref(re_path(rf"^cdrs/{IDS}$", views.item, {"resource": r.CDRS}), "GET"),  # no DELETE by id
    # Recordings
    ref(path("monitors", views.monitors), "GET", "DELETE"),
    ref(re_path(rf"^monitors/{ID}\.mp3$", files.monitor_mp3), "GET"),
    ref(re_path(rf"^monitors/{IDS}$", views.monitor), "GET", "PATCH", "DELETE"),
    # Voicemail
    ref(path("voicemessages", views.voicemessages), "GET", "PATCH", "DELETE"),
    ref(re_path(rf"^voicemessages/{ID}\.mp3$", files.voicemessage_mp3), "GET"),
    ref(re_path(rf"^voicemessages/{IDS}$", views.item, {"resource": r.VOICEMESSAGES}), "GET", "DELETE"),
    # Chats
    ref(path("chats", views.collection, {"resource": r.CHATS}), "GET"),
    ref(re_path(rf"^chats/{IDS}$", views.read_only_item, {"resource": r.CHATS}), "GET"),
    ref(path("chatmsgs", views.chatmsgs), "DELETE"),
    ref(re_path(rf"^chatmsgs/{IDS}$", views.item, {"resource": r.CHATMSGS}), "DELETE"),
    ref(path("conversations", views.collection, {"resource": r.CONVERSATIONS}), "GET"),
    # Media sessions
    ref(path("msdrs", views.collection, {"resource": r.MSDRS}), "GET"),
    ref(path("msdrs/dictionaries", views.dictionaries, {"name": "msdrs"}), "GET"),
    ref(re_path(rf"^msdrs/{ID}\.trace$", files.msdr_trace), "GET"),
    ref(re_path(rf"^msdrs/{ID}\.pcap$", files.msdr_pcap), "GET"),
    ref(re_path(rf"^msdrs/{IDS}$", views.read_only_item, {"resource": r.MSDRS}), "GET"),
    ref(path("mediasessions/dictionaries", views.dictionaries, {"name": "mediasessions"}), "GET"),
    # SMS, users, statements
    path("sms", views.collection, {"resource": r.SMS}),
    ref(path("sms/dictionaries", views.dictionaries, {"name": "sms"}), "GET"),
    path("users", views.collection, {"resource": r.USERS}),
    ref(re_path(rf"^users/{ID}/cdrs\.csv$", views.user_cdrs_csv), "GET"),
    ref(path("statements", views.statements), "DELETE"),
]


def reference_only(patterns: list[URLPattern]) -> list[URLPattern]:
    """The reference profile: only the marked routes, each answering only its documented methods."""
    return [
        URLPattern(
            p.pattern, dialects.reference_methods(p.callback, REFERENCE_METHODS[p]), p.default_args, p.name
        )
        for p in patterns
        if p in REFERENCE_METHODS
    ]


if dialects.active().reference_routes_only:
    api = reference_only(api)

urlpatterns = [
    re_path(r"^v1\.[12]/voipstudio/", include(api)),
    path("_emulator/faults", faults.faults),
    path("_emulator/clock", clock.clock),
    path("_emulator/health", faults.health),
]


def _not_found(request, exception=None):
    return ApiError(404).response()


def _server_error(request):
    return ApiError(500).response()


handler404 = _not_found
handler500 = _server_error

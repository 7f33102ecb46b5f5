"""The emulated API, under both /v1.1/voipstudio/ and /v1.2/voipstudio/, plus /_emulator/ controls."""

from __future__ import annotations

from django.urls import include, path, re_path

from voiphistory.emulator import faults
from voiphistory.emulator import resources as r
from voiphistory.emulator import views_account as account
from voiphistory.emulator import views_files as files
from voiphistory.emulator import views_resources as views
from voiphistory.emulator.errors import ApiError

ID = r"(?P<id>[^/.]+)"
IDS = r"(?P<ids>[^/.]+)"

api = [
    path("login", account.login),
    path("login2fa", account.login_2fa),
    path("logout", account.logout),
    path("ping", account.ping),
    path("me", account.me),
    path("apitokens", account.api_tokens),
    path("apitokens/<str:token>", account.api_token),
    # Calls
    path("cdrs", views.cdrs),
    path("cdrs/calltracking", views.collection, {"resource": r.CALLTRACKING_CDRS}),
    path("calltracking/cdrs", views.collection, {"resource": r.CALLTRACKING_CDRS}),
    path("cdrs/dictionaries", views.dictionaries, {"name": "cdrs"}),
    re_path(rf"^cdrs/{ID}\.trace$", files.cdr_trace),
    re_path(rf"^cdrs/{ID}\.pcap$", files.cdr_pcap),
    re_path(rf"^cdrs/{ID}/notes$", views.cdr_notes),
    re_path(rf"^cdrs/{IDS}$", views.item, {"resource": r.CDRS}),
    # Recordings
    path("monitors", views.monitors),
    re_path(rf"^monitors/{ID}\.mp3$", files.monitor_mp3),
    re_path(rf"^monitors/{IDS}$", views.monitor),
    # Voicemail
    path("voicemessages", views.voicemessages),
    re_path(rf"^voicemessages/{ID}\.mp3$", files.voicemessage_mp3),
    re_path(rf"^voicemessages/{IDS}$", views.item, {"resource": r.VOICEMESSAGES}),
    # Chats
    path("chats", views.collection, {"resource": r.CHATS}),
    re_path(rf"^chats/{IDS}$", views.read_only_item, {"resource": r.CHATS}),
    path("chatmsgs", views.chatmsgs),
    re_path(rf"^chatmsgs/{IDS}$", views.item, {"resource": r.CHATMSGS}),
    path("conversations", views.collection, {"resource": r.CONVERSATIONS}),
    # Media sessions
    path("msdrs", views.collection, {"resource": r.MSDRS}),
    path("msdrs/dictionaries", views.dictionaries, {"name": "msdrs"}),
    re_path(rf"^msdrs/{ID}\.trace$", files.msdr_trace),
    re_path(rf"^msdrs/{ID}\.pcap$", files.msdr_pcap),
    re_path(rf"^msdrs/{IDS}$", views.read_only_item, {"resource": r.MSDRS}),
    path("mediasessions/dictionaries", views.dictionaries, {"name": "mediasessions"}),
    # SMS, users, statements
    path("sms", views.collection, {"resource": r.SMS}),
    path("sms/dictionaries", views.dictionaries, {"name": "sms"}),
    path("users", views.collection, {"resource": r.USERS}),
    re_path(rf"^users/{ID}/cdrs\.csv$", views.user_cdrs_csv),
    path("statements", views.statements),
]

urlpatterns = [
    re_path(r"^v1\.[12]/voipstudio/", include(api)),
    path("_emulator/faults", faults.faults),
    path("_emulator/health", faults.health),
]


def _not_found(request, exception=None):
    return ApiError(404).response()


def _server_error(request):
    return ApiError(500).response()


handler404 = _not_found
handler500 = _server_error

from django.urls import path, re_path

from voiphistory.history.views import (
    audio,
    call_info,
    calls,
    chats,
    edits,
    media_sessions,
    numbers,
    recordings,
    saved,
    tables,
    voicemail,
)

app_name = "history"

urlpatterns = [
    path("", tables.home, name="home"),
    path("calls/<int:id>/", calls.call_detail, name="call_detail"),
    path("calls/<int:id>/capture.pcap", calls.call_pcap, name="call_pcap"),
    path("calls/<int:id>/sip.trace", calls.call_trace, name="call_trace"),
    path("calls/<int:id>/info/", call_info.call_info, name="call_info"),
    path("calls/info/", call_info.calls_info, name="calls_info"),
    path("media-sessions/<int:id>/", media_sessions.msdr_detail, name="msdr_detail"),
    path("media-sessions/<int:id>/capture.pcap", media_sessions.msdr_pcap, name="msdr_pcap"),
    path("media-sessions/<int:id>/sip.trace", media_sessions.msdr_trace, name="msdr_trace"),
    path("chats/<int:id>/", chats.chat_detail, name="chat_detail"),
    path("chats/<int:id>/messages/delete/", chats.delete_messages, name="chat_messages_delete"),
    path("recordings/<int:id>/audio.mp3", audio.recording_audio, name="recording_audio"),
    path("voicemail/<int:id>/audio.mp3", audio.voicemail_audio, name="voicemail_audio"),
    path("recordings/<int:id>/edit/", recordings.edit, name="recording_edit"),
    path("recordings/<int:id>/row/", recordings.row, name="recording_row"),
    path("recordings/<int:id>/history/", edits.recording_history, name="recording_history"),
    path(
        "recordings/<int:id>/history/<int:edit_id>/revert/", edits.recording_revert, name="recording_revert"
    ),
    re_path(r"^numbers/(?P<digits>[0-9]{3,20})/$", numbers.number, name="number"),
    path("voicemail/move/", voicemail.move, name="voicemail_move"),
    path("voicemail/heard/", voicemail.mark, {"heard": True}, name="voicemail_heard"),
    path("voicemail/new/", voicemail.mark, {"heard": False}, name="voicemail_new"),
    path("voicemail/<int:id>/played/", voicemail.played, name="voicemail_played"),
    path("saved-views/<int:id>/", saved.open_view, name="saved_view"),
    path("saved-views/<int:id>/delete/", saved.delete, name="saved_view_delete"),
    path("<slug:slug>/save-view/", saved.create, name="saved_view_create"),
    path("<slug:slug>/columns/", tables.remember_columns, name="table_columns"),
    path("<slug:slug>/<int:id>/delete/", tables.delete_item, name="delete"),
    path("<slug:slug>/", tables.table, name="table"),
]

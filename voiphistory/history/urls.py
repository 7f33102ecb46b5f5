from django.urls import path, re_path

from voiphistory.history.views import audio, calls, chats, edits, numbers, recordings, saved, tables, voicemail

app_name = "history"

urlpatterns = [
    path("", tables.home, name="home"),
    path("calls/<int:id>/", calls.call_detail, name="call_detail"),
    path("calls/<int:id>/capture.pcap", calls.call_pcap, name="call_pcap"),
    path("chats/<int:id>/", chats.chat_detail, name="chat_detail"),
    path("chats/<int:id>/messages/delete/", chats.delete_messages, name="chat_messages_delete"),
    path("recordings/<int:id>/audio.mp3", audio.recording_audio, name="recording_audio"),
    path("voicemail/<int:id>/audio.mp3", audio.voicemail_audio, name="voicemail_audio"),
    path("recordings/<int:id>/edit/", recordings.edit, name="recording_edit"),
    path("recordings/<int:id>/row/", recordings.row, name="recording_row"),
    path("recordings/<int:id>/history/", edits.recording_history, name="recording_history"),
    path("recordings/<int:id>/history/<int:edit_id>/revert/", edits.recording_revert, name="recording_revert"),
    re_path(r"^numbers/(?P<digits>[0-9]{3,20})/$", numbers.number, name="number"),
    path("voicemail/move/", voicemail.move, name="voicemail_move"),
    path("saved-views/<int:id>/", saved.open_view, name="saved_view"),
    path("saved-views/<int:id>/delete/", saved.delete, name="saved_view_delete"),
    path("<slug:slug>/save-view/", saved.create, name="saved_view_create"),
    path("<slug:slug>/<int:id>/delete/", tables.delete_item, name="delete"),
    path("<slug:slug>/", tables.table, name="table"),
]

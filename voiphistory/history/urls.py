from django.urls import path

from voiphistory.history.views import audio, calls, chats, recordings, tables, voicemail

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
    path("voicemail/move/", voicemail.move, name="voicemail_move"),
    path("<slug:slug>/<int:id>/delete/", tables.delete_item, name="delete"),
    path("<slug:slug>/", tables.table, name="table"),
]

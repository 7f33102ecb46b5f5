from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "voiphistory.history"
    label = "history"
    verbose_name = "Call history"

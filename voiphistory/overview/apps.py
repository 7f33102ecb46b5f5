from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "voiphistory.overview"
    verbose_name = "Overview"

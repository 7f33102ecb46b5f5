from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "voiphistory.jobs"
    verbose_name = "Background jobs"

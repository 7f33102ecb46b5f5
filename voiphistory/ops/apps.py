from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "voiphistory.ops"
    label = "ops"
    verbose_name = "Health and request logging"

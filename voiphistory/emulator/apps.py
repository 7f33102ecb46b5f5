from django.apps import AppConfig


class EmulatorConfig(AppConfig):
    name = "voiphistory.emulator"
    label = "emulator"
    verbose_name = "VoIPstudio emulator"

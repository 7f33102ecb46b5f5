from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "voiphistory.accounts"
    label = "accounts"
    verbose_name = "Sign-in with VoIPstudio"

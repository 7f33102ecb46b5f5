from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "voiphistory.audit"
    verbose_name = "Audit trail"

"""One row per thing a person did to the customer's data. Rows are written once and never changed.

The model refuses ``save()`` of an existing row and ``delete()`` (also through querysets); the
database refuses them too (triggers in migration 0001: UPDATE on SQLite and PostgreSQL, DELETE on
PostgreSQL; see that migration for why SQLite keeps DELETE).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnly(Exception):
    """Something tried to change or remove an audit event."""


class Action(models.TextChoices):
    LISTEN = "listen", "Listened"
    DOWNLOAD = "download", "Downloaded"
    EDIT = "edit", "Edited"
    MOVE = "move", "Moved"
    DELETE = "delete", "Deleted"
    # A background job: "requested" when it is started, then exactly one outcome when it ends.
    BULK_DELETE = "bulk_delete", "Bulk delete requested"
    EXPORT = "export", "Export requested"
    JOB_FINISHED = "job_finished", "Job finished"
    JOB_FAILED = "job_failed", "Job failed"
    JOB_CANCELLED = "job_cancelled", "Job cancelled"
    JOB_REFUSED = (
        "job_refused",
        "Job refused",
    )  # ended before acting: VoIPstudio refused, or the scope changed


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("audit events cannot be changed")

    def delete(self):
        raise AppendOnly("audit events cannot be deleted")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnly("audit events cannot be changed")


class AuditEvent(models.Model):
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # PROTECT: a person with audit history cannot be deleted (that would rewrite their rows).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    email = models.CharField(max_length=254, blank=True)  # VoIPstudio's, as it was at the time
    customer_id = models.BigIntegerField(db_index=True)  # whose data: a supervisor sees their customer's log
    action = models.CharField(max_length=20, choices=Action.choices)
    section = models.CharField(max_length=40, blank=True)  # the table's slug: recordings, voicemail, calls…
    object_ids = models.JSONField(default=list, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer_id", "-created_at"])]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.email} {self.action} {self.section} {self.object_ids}"
        )

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnly("audit events cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit events cannot be deleted")

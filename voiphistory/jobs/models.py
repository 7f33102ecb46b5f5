"""A background job (bulk delete, CSV export, recordings archive) and what it could not do.

The row is the job's whole state: the Celery message carries only its id. Progress is
checkpointed here so a job whose worker died resumes where it stopped.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from voiphistory.jobs import progress


class Job(models.Model):
    class Kind(models.TextChoices):
        DELETE = "delete", "Delete"
        DELETE_ALL = "delete_all", "Delete all"
        EXPORT = "export", "CSV export"
        XLSX_EXPORT = "xlsx_export", "Excel export"
        ARCHIVE = "archive", "Recordings archive"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        # A "delete all matching" whose match count moved between the confirmation and the run:
        # it stopped before deleting anything and waits for the supervisor to confirm again.
        CHANGED = "changed", "Stopped: the number matching changed"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    section = models.CharField(max_length=32)  # a catalog slug, or a collection for DELETE_ALL
    query = models.TextField(blank=True)  # the table's query string (filter and sort)
    ids = models.JSONField(null=True, blank=True)  # the ids to act on, once known
    time_zone = models.CharField(max_length=64, default="UTC")
    # What the supervisor confirmed: the scope in words and how many matched then.
    scope = models.TextField(blank=True)
    confirmed_count = models.PositiveIntegerField(null=True, blank=True)
    customer_id = models.BigIntegerField(default=0)
    # The owner's VoIPstudio token, Fernet-sealed (accounts.tokens): the worker acts as the owner.
    sealed_token = models.TextField(blank=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(blank=True)  # why it failed, or a note on how it finished
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    deleted = models.PositiveIntegerField(default=0)
    already_gone = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    # Checkpoint: how far the job got (ids or rows), the chunk in flight, bytes written so far.
    cursor = models.PositiveIntegerField(default=0)
    inflight = models.JSONField(null=True, blank=True)
    written_bytes = models.BigIntegerField(default=0)
    runner = models.CharField(max_length=36, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    not_before = models.DateTimeField(null=True, blank=True)  # the end of the undo window
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    result_path = models.CharField(max_length=500, blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    result_size = models.BigIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["status", "heartbeat_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_deletion(self) -> bool:
        return self.kind in (self.Kind.DELETE, self.Kind.DELETE_ALL)

    @property
    def is_export(self) -> bool:
        return self.kind in (self.Kind.EXPORT, self.Kind.XLSX_EXPORT)

    @property
    def progress(self) -> str:
        return progress.progress_words(self)

    @property
    def took(self) -> str:
        return progress.took_words(self)

    @property
    def seconds_to_start(self) -> int:
        return progress.seconds_to_start(self)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        return ((self.finished_at or self.heartbeat_at or self.started_at) - self.started_at).total_seconds()


class JobFailure(models.Model):
    """One item the job could not handle, and VoIPstudio's reason."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="failures")
    item_id = models.BigIntegerField()
    reason = models.TextField()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["job", "item_id"], name="one_failure_per_item")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.reason}"

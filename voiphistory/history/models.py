"""What the dashboard keeps itself about VoIPstudio data: the edit history of recordings' AI text,
saved views, and each supervisor's choice of table columns.

VoIPstudio keeps only the current transcript, summary, sentiment and CX score; every change made
here (``services.recording_update``) keeps what was there before, who changed it and when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

#: The AI-written fields of a recording a person may correct (forms.RecordingEditForm).
AI_FIELDS = ("summary", "transcript", "transcript_speakers", "sentiment", "cx_score")


class RecordingEdit(models.Model):
    """One save of a recording's AI text: what was sent, and what VoIPstudio held before and after.

    Saves are serialised per recording (``RecordingLock``) and ``before`` is read under that lock,
    so the applied entries of one field form a chain: each one's ``before`` is the previous one's
    ``after``. A save whose answer was lost is kept too, with what reading it back showed."""

    class Outcome(models.TextChoices):
        SAVED = "saved", "Saved"
        ANSWER_LOST_SAVED = "lost_saved", "Saved (the answer was lost; read back)"
        ANSWER_LOST_NOT_SAVED = "lost_not_saved", "Not saved (the answer was lost; read back)"
        UNKNOWN = "unknown", "Unknown (the answer was lost and reading back failed)"

    APPLIED = (Outcome.SAVED, Outcome.ANSWER_LOST_SAVED)

    customer_id = models.BigIntegerField()
    recording_id = models.BigIntegerField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    editor_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The AI fields as they were and as they became: {"summary": "…", "sentiment": 2, …} (changed ones only).
    before = models.JSONField()
    after = models.JSONField()
    reverts = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reverted_by"
    )
    # The fields as the PATCH sent them (JSON values, sentiment as its number), and what came of it.
    attempted = models.JSONField(default=dict)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.SAVED)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer_id", "recording_id", "-created_at"])]

    def __str__(self) -> str:
        return (
            f"Recording {self.recording_id} edited by {self.editor_name} at {self.created_at:%Y-%m-%d %H:%M}"
        )

    @property
    def applied(self) -> bool:
        return self.outcome in self.APPLIED


class RecordingLock(models.Model):
    """A lease on one recording for the read-compare-write of a save (``services.recording_lock``).

    Taken and given back in short transactions of their own (one conditional UPDATE each), so no
    database transaction stays open while VoIPstudio is asked: on SQLite (one writer for the whole
    database, with transaction_mode IMMEDIATE) that would stop every other write for as long as
    VoIPstudio takes to answer. Correct on SQLite and PostgreSQL alike; a holder that died frees
    the recording when its lease runs out."""

    customer_id = models.BigIntegerField()
    recording_id = models.BigIntegerField()
    holder = models.CharField(max_length=32, blank=True)
    held_until = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer_id", "recording_id"], name="one_lock_per_recording")
        ]


class SavedView(models.Model):
    """A table's filters and sort under a name: listed in its owner's navigation, and a link any
    colleague of the same VoIPstudio customer can open."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    customer_id = models.BigIntegerField()
    section = models.CharField(max_length=32)  # a catalog slug
    name = models.CharField(max_length=60)
    query = models.TextField(blank=True)  # the table's query string, without the page number
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="one_saved_view_per_name")]

    def __str__(self) -> str:
        return self.name


class TableColumns(models.Model):
    """The columns a supervisor last chose to see in one table (catalog Column keys, in order)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=32)  # a catalog slug
    columns = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "section"], name="one_column_choice_per_table")
        ]

"""What the dashboard keeps about a supervisor locally: only preferences. Everything else (who
they are, what they may do) comes from VoIPstudio at sign-in."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Preference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    # No choices here: the zone list comes from the system's tz database, which changes between
    # releases; the form validates against it (a migration per tzdata update would be noise).
    time_zone = models.CharField(max_length=64, default="UTC")

    def __str__(self) -> str:
        return f"{self.user} ({self.time_zone})"

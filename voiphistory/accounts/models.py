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


class SignInFailure(models.Model):
    """One wrong password or two-factor code, for an email or from an address (both hashed).

    Counted in the database, not the cache, so throttling holds while Redis is down and every web
    replica sees the same counts (accounts/throttle.py)."""

    class Scope(models.TextChoices):
        EMAIL = "email"
        ADDRESS = "address"

    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.CharField(max_length=64)  # sha256 of the lower-cased email or of the address
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "created_at"], name="sign_in_failure_lookup")]

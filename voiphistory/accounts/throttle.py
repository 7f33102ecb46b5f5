"""Sign-in throttling: wrong passwords and wrong two-factor codes are counted per email and per
client address for a fixed window; past a limit, sign-in is refused for a while (HTTP 429)
before VoIPstudio is even asked.

Failures are rows in the database (``SignInFailure``), so the counts are shared by every web
replica and keep counting while the cache (Redis) is down. A completed sign-in clears the email's
count; a right password alone does not when a code is still to come.
"""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from voiphistory.accounts.models import SignInFailure

Scope = SignInFailure.Scope


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with ``TRUSTED_PROXY_COUNT`` proxies in front, the address the outermost
    of them saw (X-Forwarded-For entries left of it can be forged by the client)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _keys(request: HttpRequest, email: str) -> list[tuple[str, str, int]]:
    return [
        (Scope.EMAIL, _hash(email.strip().lower()), settings.SIGN_IN_MAX_FAILURES_PER_EMAIL),
        (Scope.ADDRESS, _hash(client_ip(request)), settings.SIGN_IN_MAX_FAILURES_PER_IP),
    ]


def _window_start():
    return timezone.now() - timedelta(seconds=settings.SIGN_IN_LOCKOUT_SECONDS)


def blocked_for(request: HttpRequest, email: str) -> int:
    """Minutes until another attempt is allowed (0: allowed now)."""
    since = _window_start()
    for scope, key, limit in _keys(request, email):
        if SignInFailure.objects.filter(scope=scope, key=key, created_at__gte=since).count() >= limit:
            return max(1, math.ceil(settings.SIGN_IN_LOCKOUT_SECONDS / 60))
    return 0


def failed(request: HttpRequest, email: str) -> None:
    """Count a wrong password or code (and forget this email's and address's expired ones)."""
    keys = _keys(request, email)
    for scope, key, _ in keys:
        SignInFailure.objects.filter(scope=scope, key=key, created_at__lt=_window_start()).delete()
    SignInFailure.objects.bulk_create(SignInFailure(scope=scope, key=key) for scope, key, _ in keys)


def succeeded(request: HttpRequest, email: str) -> None:
    """A completed sign-in clears that email's count (the address's stays: one office shares one)."""
    scope, key, _ = _keys(request, email)[0]
    SignInFailure.objects.filter(scope=scope, key=key).delete()

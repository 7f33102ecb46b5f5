"""Sign-in throttling: failed passwords are counted per client IP and per email in the shared
cache (Redis in production, so every web replica sees the same counts) for a fixed window.

When the cache is down, sign-in stays possible (VoIPstudio throttles its own logins too).
"""

from __future__ import annotations

import hashlib
import logging
import math

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with ``TRUSTED_PROXY_COUNT`` proxies in front, the address the outermost
    of them saw (X-Forwarded-For entries left of it can be forged by the client)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _keys(request: HttpRequest, email: str) -> list[tuple[str, int]]:
    email_hash = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    ip_hash = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    return [
        (f"sign-in-failures:email:{email_hash}", settings.SIGN_IN_MAX_FAILURES_PER_EMAIL),
        (f"sign-in-failures:ip:{ip_hash}", settings.SIGN_IN_MAX_FAILURES_PER_IP),
    ]


def blocked_for(request: HttpRequest, email: str) -> int:
    """Minutes until another attempt is allowed (0: allowed now)."""
    try:
        counts = cache.get_many([key for key, _ in _keys(request, email)])
    except Exception:  # noqa: BLE001 - a cache outage must not lock everybody out
        logger.warning("sign-in throttle: cache unavailable, not throttling", exc_info=True)
        return 0
    if any(counts.get(key, 0) >= limit for key, limit in _keys(request, email)):
        return max(1, math.ceil(settings.SIGN_IN_LOCKOUT_SECONDS / 60))
    return 0


def failed(request: HttpRequest, email: str) -> None:
    try:
        for key, _ in _keys(request, email):
            cache.add(key, 0, timeout=settings.SIGN_IN_LOCKOUT_SECONDS)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=settings.SIGN_IN_LOCKOUT_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("sign-in throttle: cache unavailable, failure not counted", exc_info=True)


def succeeded(request: HttpRequest, email: str) -> None:
    """A right password clears that email's count (the IP's stays: one office shares an IP)."""
    try:
        cache.delete(_keys(request, email)[0][0])
    except Exception:  # noqa: BLE001
        logger.warning("sign-in throttle: cache unavailable", exc_info=True)

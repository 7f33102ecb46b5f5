from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from voiphistory.ops.cache import redis_down


def upstream(request: HttpRequest) -> dict:
    """In debug mode, the page footer shows how many VoIPstudio requests the page cost (read when
    the footer renders, so it counts everything the view did before)."""
    if not settings.DEBUG:
        return {}
    return {"debug_upstream": getattr(request, "upstream", None)}


def background(request: HttpRequest) -> dict:
    """With Redis unreachable pages work uncached, and every signed-in page says background jobs
    wait. One cheap cache call finds out (after a failure, ops/cache.py asks Redis again only every
    few seconds)."""
    if not request.user.is_authenticated:
        return {}
    cache.has_key("ops:probe")
    return {"jobs_paused": redis_down()}

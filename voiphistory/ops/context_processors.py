from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def upstream(request: HttpRequest) -> dict:
    """In debug mode, the page footer shows how many VoIPstudio requests the page cost (read when
    the footer renders, so it counts everything the view did before)."""
    if not settings.DEBUG:
        return {}
    return {"debug_upstream": getattr(request, "upstream", None)}

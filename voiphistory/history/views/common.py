"""What every history view shares: choosing page or fragment."""

from __future__ import annotations

from django.http import HttpRequest


def wants_fragment(request: HttpRequest) -> bool:
    """HTMX asked for a piece of the page (a history restore wants the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def fragment_context(request: HttpRequest) -> dict:
    """Fragments show their own messages; a whole page shows them once, in base.html."""
    return {"fragment": wants_fragment(request)}

"""HTMX in views: whether a request wants a fragment, the answer that ends polling, and where a
form may send the person back to."""

from __future__ import annotations

from typing import Final

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HTMX_STOP_POLLING

__all__ = ["STOP_POLLING", "fragment_context", "safe_next", "wants_fragment"]

#: The status of a polled answer that is the last one: htmx swaps it, then stops polling.
STOP_POLLING: Final = HTMX_STOP_POLLING


def wants_fragment(request: HttpRequest) -> bool:
    """HTMX asked for a piece of the page (a history restore wants the whole page)."""
    htmx = getattr(request, "htmx", None)  # None for a request the middleware did not see
    if not htmx:
        return False
    return not htmx.history_restore_request


def fragment_context(request: HttpRequest) -> dict:
    """Fragments show their own messages; a whole page shows them once, in base.html."""
    return {"fragment": wants_fragment(request)}


def safe_next(request: HttpRequest, url: str | None, default: str, *, under: str = "/") -> str:
    """``url`` when it is a page of this site (under the path ``under``), else ``default``: a
    "next" parameter never sends anyone off-site (or, with ``under``, out of its section)."""
    url = url or ""
    hosts = {request.get_host()}
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=hosts, require_https=request.is_secure()):
        return default
    if under != "/" and (not url.startswith(under) or url.startswith(f"{under}/")):
        return default
    return url

"""One log line per request: what was asked, the answer, how long it took, and how much of that
was spent waiting for VoIPstudio. In debug mode the upstream figures also go to the browser."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from voiphistory.voipstudio import budget, timing
from voiphistory.web.requests import HtmxRequest

logger = logging.getLogger("voiphistory.request")

# Query values under these names never reach a log line.
_SECRET_NAME = re.compile(r"token|pass|secret|key|code|nonce|auth|session|sig", re.IGNORECASE)
_NEEDS_QUOTES = re.compile(r'[\s"=]')


def loggable_query(query_string: str) -> str:
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode(
        [(name, "REDACTED" if _SECRET_NAME.search(name) else value) for name, value in pairs], safe="/,:"
    )


def logfmt(fields: dict[str, object]) -> str:
    parts = []
    for name, value in fields.items():
        text = f"{value:.1f}" if isinstance(value, float) else str(value)
        if _NEEDS_QUOTES.search(text) or not text:
            text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        parts.append(f"{name}={text}")
    return " ".join(parts)


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HtmxRequest) -> HttpResponse:
        started = time.monotonic()
        with timing.tally() as upstream:
            request.upstream = upstream
            response = self.get_response(request)
        duration_ms = (time.monotonic() - started) * 1000
        fields: dict[str, object] = {
            "method": request.method,
            "path": request.path,
        }
        if query := request.META.get("QUERY_STRING", ""):
            fields["query"] = loggable_query(query)
        fields |= {
            "status": response.status_code,
            "duration_ms": duration_ms,
            "upstream_ms": upstream.milliseconds,
            "upstream_requests": upstream.requests,
        }
        if getattr(request, "htmx", False):
            fields["htmx"] = 1
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            fields["user"] = user.pk
        logger.info(logfmt(fields))
        if settings.DEBUG:
            response.headers["Server-Timing"] = (
                f'voipstudio;dur={upstream.milliseconds:.1f};desc="VoIPstudio, {upstream.requests} requests", '
                f"app;dur={duration_ms:.1f}"
            )
        return response


class UpstreamBudgetMiddleware:
    """Every VoIPstudio request made while answering one browser request shares one deadline
    (``UPSTREAM_BUDGET_SECONDS``), so a slow or refusing upstream never holds a web thread longer
    (voiphistory.voipstudio.budget). A streamed body (audio, downloads) is read after it closes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with budget.time_budget(settings.UPSTREAM_BUDGET_SECONDS):
            return self.get_response(request)

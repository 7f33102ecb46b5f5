"""The exceptions the VoIPstudio client raises, and how an HTTP error answer maps onto them.

One small tree, so callers catch by meaning (``NotFound``, ``Unavailable``) rather than by
status code, and every error keeps the API's own message and per-field errors so a form can
show them. Nothing here knows about ``requests``: the client hands in the status, the decoded
JSON body (or None) and the parsed ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "TRANSIENT_ERRORS",
    "Forbidden",
    "InvalidIdentifier",
    "InvalidRequest",
    "NotFound",
    "OutcomeUnknown",
    "RateLimited",
    "Unauthorized",
    "Unavailable",
    "VoipstudioError",
    "error_from_payload",
]


class VoipstudioError(Exception):
    """Base of every failure reported by VoIPstudio or on the way to it.

    ``message`` is the API's own wording (shown to users as is), ``status`` the HTTP status
    (None when no answer came), ``field_errors`` maps a field name to its messages.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        field_errors: Mapping[str, list[str]] | None = None,
    ) -> None:
        self.message = message
        self.status = status
        self.field_errors: dict[str, list[str]] = {k: list(v) for k, v in (field_errors or {}).items()}
        super().__init__(message)

    def __str__(self) -> str:
        text = self.message if self.status is None else f"{self.message} (HTTP {self.status})"
        if self.field_errors:
            details = "; ".join(f"{field}: {', '.join(msgs)}" for field, msgs in self.field_errors.items())
            text = f"{text}: {details}"
        return text


class Unauthorized(VoipstudioError):
    """401: the token is missing, expired (30 minutes idle) or revoked, or the login failed."""


class Forbidden(VoipstudioError):
    """403: the token is valid but this user may not see or change the resource."""


class NotFound(VoipstudioError):
    """404: the resource (or one of several ids in a bulk delete) does not exist."""


class InvalidRequest(VoipstudioError):
    """400 (or another 4xx with field errors): validation failed or a filter was rejected."""


class _RetryLater(VoipstudioError):
    """Shared shape of the two "try again later" errors: both may carry ``retry_after``."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        field_errors: Mapping[str, list[str]] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status=status, field_errors=field_errors)
        self.retry_after = retry_after


class RateLimited(_RetryLater):
    """429: VoIPstudio asked us to slow down; ``retry_after`` seconds when it said so."""


class Unavailable(_RetryLater):
    """VoIPstudio could not give a usable answer: 5xx, no connection, timeout, a malformed
    body or a file cut off mid-stream. Safe to retry later (a Celery task's autoretry_for)."""


class OutcomeUnknown(VoipstudioError):
    """A write (PATCH, DELETE) was sent but its answer never came whole: a read timeout, the
    connection dropped after the request went out, a gateway's 502/504, or a 2xx body cut off or
    unreadable. VoIPstudio may or may not have applied it, so it is never retried (it is not in
    ``TRANSIENT_ERRORS``): read the resource back to learn what is true
    (``voiphistory.history.writes``). ``method`` and ``path`` say which request it was."""

    def __init__(self, message: str, *, method: str = "", path: str = "", status: int | None = None) -> None:
        super().__init__(message, status=status)
        self.method = method
        self.path = path


class InvalidIdentifier(ValueError):
    """An id that is not a positive int (or a malformed token): raised before any URL is built,
    so a value from a form or a query string can never reach a request path."""


#: Errors worth retrying later, e.g. ``autoretry_for=TRANSIENT_ERRORS`` in a Celery task.
TRANSIENT_ERRORS: tuple[type[_RetryLater], ...] = (RateLimited, Unavailable)

_BY_STATUS: dict[int, type[VoipstudioError]] = {
    400: InvalidRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
}


def _api_message(payload: Any) -> str | None:
    """The API's message: top-level ``message``, else the first ``errors[].message``
    (login's 401 is ``{"errors":[{"message":"Invalid credentials"}]}``)."""
    if not isinstance(payload, dict):
        return None
    message = payload.get("message")
    if isinstance(message, str) and message.strip():
        return message
    errors = payload.get("errors")
    if isinstance(errors, list):
        for item in errors:
            if isinstance(item, dict) and isinstance(item.get("message"), str) and item["message"]:
                return str(item["message"])
    return None


def _field_errors(payload: Any) -> dict[str, list[str]]:
    """``errors[]`` items that name a ``field``, grouped by field, order kept."""
    result: dict[str, list[str]] = {}
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if not isinstance(errors, list):
        return result
    for item in errors:
        if not isinstance(item, dict):
            continue
        field, message = item.get("field"), item.get("message")
        if isinstance(field, str) and field:
            result.setdefault(field, []).append(str(message) if message is not None else "invalid")
    return result


def error_from_payload(
    status: int,
    payload: Any,
    *,
    reason: str | None = None,
    retry_after: float | None = None,
) -> VoipstudioError:
    """Build the exception for a non-2xx answer.

    ``payload`` is the decoded JSON body, or None when the body was not JSON (a proxy's HTML
    error page): the message then falls back to the HTTP reason phrase.
    """
    field_errors = _field_errors(payload)
    message = _api_message(payload) or reason or f"HTTP {status}"
    if status == 429:
        return RateLimited(message, status=status, field_errors=field_errors, retry_after=retry_after)
    if status >= 500:
        return Unavailable(message, status=status, field_errors=field_errors, retry_after=retry_after)
    exc_type = _BY_STATUS.get(status)
    if exc_type is None:
        # A 422 with field errors is still a validation failure for the caller's form.
        exc_type = InvalidRequest if (field_errors and 400 <= status < 500) else VoipstudioError
    return exc_type(message, status=status, field_errors=field_errors)

"""Error bodies as the live API writes them: ``{"message": …, "errors": [{"field", "message"}]}``."""

from __future__ import annotations

import json

from django.http import HttpResponse

# The exact bodies seen live for these statuses (docs/voipstudio-api.md, "Errors").
STANDARD_MESSAGES = {
    400: "Validation error",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Resource not found",
    405: "Method not allowed",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        field: str | None = None,
        detail: str | None = None,
        errors: list[dict[str, str]] | None = None,
    ) -> None:
        self.status = status
        self.message = message or STANDARD_MESSAGES.get(status, "Error")
        self.errors = list(errors or [])
        if field is not None:
            self.errors.append({"field": field, "message": detail or self.message})
        super().__init__(self.message)

    def response(self) -> HttpResponse:
        body: dict[str, object] = {"message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return json_response(body, status=self.status)


def json_response(body: object, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type="application/json",
    )


def no_content(status: int = 204) -> HttpResponse:
    return HttpResponse(status=status)

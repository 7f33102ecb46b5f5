"""The 400 answer in words: a request too large, with too many fields, or otherwise malformed.

Django raises ``RequestDataTooBig`` / ``TooManyFieldsSent`` (limits in settings:
``DATA_UPLOAD_MAX_MEMORY_SIZE``, ``DATA_UPLOAD_MAX_NUMBER_FIELDS``) when the body is first read,
often in the CSRF check before any view runs, and hands the exception to ``handler400``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat


def bad_request_message(exception: Exception | None) -> str:
    if isinstance(exception, RequestDataTooBig):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return f"What was sent is larger than the {limit} this dashboard accepts at once, so nothing was changed."
    if isinstance(exception, TooManyFieldsSent):
        return (
            f"What was sent has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} fields (too many rows "
            "selected at once?), so nothing was changed. Select fewer, or use “all matching”."
        )
    return "The request could not be understood, so nothing was changed. Reload the page and try again."


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context = {"message": bad_request_message(exception)}
    if request.headers.get("HX-Request") == "true":
        # htmx swaps no 4xx answer: a 200 retargeted to the top of the page shows the message where
        # the person is looking (nothing was done either way).
        response = render(request, "400.html#message", context)
        response["HX-Retarget"], response["HX-Reswap"] = "#main", "afterbegin"
        return response
    return render(request, "400.html", context, status=400)

"""Who may change data: the dashboard refuses read-only accounts itself, before any job is created
or any request goes to VoIPstudio (which would refuse them too, but only after the fact).

Write access is VoIPstudio's ``ROLE_ADMIN`` in the roles ``/me`` reported at sign-in
(``services.sign_in_finish`` sets ``Account.can_write``); agents lack it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from voiphistory.web.htmx import wants_fragment
from voiphistory.web.requests import HtmxRequest

READ_ONLY_MESSAGE = (
    "Your VoIPstudio account is read-only: it can look at the history but not change or "
    "delete anything. Ask an administrator if something needs changing."
)


def refused(request: HttpRequest) -> HttpResponse:
    """403, in words: a page, or for HTMX the message alone."""
    context = {"message": READ_ONLY_MESSAGE}
    if wants_fragment(request):
        return render(request, "accounts/refused.html#refused", context, status=403)
    return render(request, "accounts/refused.html", context, status=403)


def writer_required[V: Callable[..., HttpResponse]](view: V) -> V:
    """Refuse read-only accounts on every method (a write view's GET is its confirm step or its
    form: not theirs either). Marks the view ``writes = True`` for the URLconf-driven tests."""

    @wraps(view)
    def wrapped(request: HtmxRequest, *args, **kwargs) -> HttpResponse:
        if request.account is None or not request.account.can_write:
            return refused(request)
        return view(request, *args, **kwargs)

    wrapped.writes = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]

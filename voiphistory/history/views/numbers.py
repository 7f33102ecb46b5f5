"""One page per phone number: everything VoIPstudio has about it, newest first."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from voiphistory.accounts.upstream import client_for
from voiphistory.history.timeline import number_timeline
from voiphistory.history.user_names import user_names
from voiphistory.web.requests import SignedInRequest
from voiphistory.web.upstream_errors import upstream_failure


@require_safe
def number(request: SignedInRequest, digits: str) -> HttpResponse:
    """``digits`` is already E.164 digits (the URL pattern accepts nothing else)."""
    context: dict = {"number": digits}
    with upstream_failure() as failed:
        client = client_for(request)
        context["timeline"] = timeline = number_timeline(
            client=client, number=digits, customer_id=request.account.customer_id
        )
        users = user_names(client=client, customer_id=request.account.customer_id)
        context["users"] = users.learn(entry.record for entry in timeline.entries)
    if failed:
        context["error_message"] = failed.message
    return render(request, "history/number.html", context)

"""One page per phone number: everything VoIPstudio has about it, newest first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from voiphistory.accounts.upstream import client_for
from voiphistory.history import selectors
from voiphistory.history.messages import upstream_message
from voiphistory.history.timeline import number_timeline
from voiphistory.voipstudio import Unauthorized, VoipstudioError


@require_safe
def number(request: HttpRequest, digits: str) -> HttpResponse:
    """``digits`` is already E.164 digits (the URL pattern accepts nothing else)."""
    context: dict = {"number": digits}
    try:
        client = client_for(request)
        context["timeline"] = timeline = number_timeline(client=client, number=digits, customer_id=request.account.customer_id)
        users = selectors.user_names(client=client, customer_id=request.account.customer_id)
        context["users"] = users.learn(entry.record for entry in timeline.entries)
    except Unauthorized:
        raise
    except VoipstudioError as error:
        context["error_message"] = upstream_message(error)
    return render(request, "history/number.html", context)

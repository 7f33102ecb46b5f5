"""Filing voicemail: move the selected messages to another folder in one request."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseLocation

from voiphistory.accounts.upstream import client_for
from voiphistory.audit import services as audit
from voiphistory.audit.models import Action
from voiphistory.history import services
from voiphistory.history.forms import VoicemailMoveForm
from voiphistory.history.messages import upstream_message
from voiphistory.history.views.common import wants_fragment
from voiphistory.voipstudio import Unauthorized, VoipstudioError


@require_POST
def move(request: HttpRequest) -> HttpResponse:
    form = VoicemailMoveForm(request.POST)
    back = request.POST.get("next", "")
    if not back.startswith("/voicemail/"):
        back = "/voicemail/"
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    else:
        try:
            moved = services.voicemail_move(client=client_for(request), ids=form.cleaned_data["ids"], folder=form.target)
        except Unauthorized:
            raise
        except VoipstudioError as error:
            messages.error(request, upstream_message(error))
        else:
            count = len(moved)
            audit.record(request, action=Action.MOVE, section="voicemail", ids=[m.id for m in moved],
                         detail={"folder": form.target.api_name})  # fmt: skip
            messages.success(request, f"Moved {count} voicemail{'s' if count != 1 else ''} to {form.target.api_name}.")
    if wants_fragment(request):  # the table reloads in place and shows the message
        return HttpResponseLocation(back, target="#table", swap="outerHTML")
    return redirect(back)

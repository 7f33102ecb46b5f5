"""A recording's edit history (who changed its AI text, when, and how) and one-click revert."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from voiphistory.accounts.upstream import client_for
from voiphistory.audit import services as audit
from voiphistory.audit.models import Action
from voiphistory.history import services
from voiphistory.history.edits import recording_edits
from voiphistory.history.messages import upstream_message
from voiphistory.history.models import RecordingEdit
from voiphistory.history.views.common import wants_fragment
from voiphistory.voipstudio import InvalidIdentifier, Unauthorized, VoipstudioError


def _history(request: HttpRequest, id: int, **context) -> HttpResponse:
    context = {"id": id, "part": "history", "edits": recording_edits(customer_id=request.account.customer_id, recording_id=id),
               **context}  # fmt: skip
    template = "history/recording_edit.html#edit-history" if wants_fragment(request) else "history/recording_edit.html"
    return render(request, template, context)


@require_safe
def recording_history(request: HttpRequest, id: int) -> HttpResponse:
    return _history(request, id)


@require_POST
def recording_revert(request: HttpRequest, id: int, edit_id: int) -> HttpResponse:
    if not request.account.can_write:
        return HttpResponseForbidden("Your VoIPstudio account may not change recordings.")
    edit = RecordingEdit.objects.filter(pk=edit_id, recording_id=id, customer_id=request.account.customer_id).first()
    if edit is None:
        raise Http404("No such edit")
    try:
        services.recording_revert(client=client_for(request), edit=edit, editor=request.user, editor_name=request.account.name)
    except Unauthorized:
        raise
    except InvalidIdentifier:
        raise Http404("No such recording") from None
    except VoipstudioError as error:
        return _history(request, id, error_message=upstream_message(error))
    audit.record(request, action=Action.EDIT, section="recordings", ids=[id], detail={"reverted_edit": edit.pk})
    if wants_fragment(request):
        return _history(request, id, reverted=True)
    messages.success(request, "The recording's text is back as it was before that edit.")
    return redirect("history:recording_history", id)

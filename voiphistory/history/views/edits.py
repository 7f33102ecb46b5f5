"""A recording's edit history (who changed its AI text, when, and how) and one-click revert."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from voiphistory.accounts.permissions import writer_required
from voiphistory.accounts.upstream import client_for
from voiphistory.audit import services as audit
from voiphistory.audit.actors import Actor
from voiphistory.audit.models import Action
from voiphistory.history import recording_save
from voiphistory.history.edits import LABELS, recording_edits, shown
from voiphistory.history.models import RecordingEdit
from voiphistory.history.recording_save import RecordingBusy
from voiphistory.web.htmx import wants_fragment
from voiphistory.web.requests import SignedInRequest
from voiphistory.web.upstream_errors import upstream_failure

BUSY = "Someone else is saving this recording right now. Try again in a moment."


def _history(request: SignedInRequest, id: int, **context) -> HttpResponse:
    context = {
        "id": id,
        "part": "history",
        "edits": recording_edits(customer_id=request.account.customer_id, recording_id=id),
        **context,
    }
    template = (
        "history/recording_edit.html#edit-history"
        if wants_fragment(request)
        else "history/recording_edit.html"
    )
    return render(request, template, context)


@require_safe
def recording_history(request: SignedInRequest, id: int) -> HttpResponse:
    return _history(request, id)


@require_POST
@writer_required
def recording_revert(request: SignedInRequest, id: int, edit_id: int) -> HttpResponse:
    """Put back what an edit replaced. When later edits exist (or VoIPstudio no longer holds what
    the edit saved) nothing is sent until the person confirms, having seen what it would undo."""
    edit = RecordingEdit.objects.filter(
        pk=edit_id,
        recording_id=id,
        customer_id=request.account.customer_id,
        outcome__in=RecordingEdit.APPLIED,
    ).first()
    if edit is None:
        raise Http404("No such edit")
    with upstream_failure() as failed:
        try:
            result = recording_save.recording_revert(
                client=client_for(request),
                edit=edit,
                editor=request.user,
                editor_name=request.account.name,
                confirmed=request.POST.get("confirm") == "yes",
            )
        except RecordingBusy:
            return _history(request, id, error_message=BUSY)
    if failed.bad_id:
        raise Http404("No such recording")
    if failed:
        return _history(request, id, error_message=failed.message)
    if result.later or result.conflicts:
        changed = [
            {
                "label": LABELS[name],
                "now": shown(name, result.current[name]),
                "back": shown(name, edit.before[name]),
            }
            for name in result.conflicts
        ]
        return _history(request, id, confirm_revert=edit, later=result.later, changed=changed)
    if result.settled is not None:
        detail = {"reverted_edit": edit.pk, "fields": sorted(result.sent), **result.settled.audit_detail()}
        audit.record(
            actor=Actor.of(request), action=Action.EDIT, section="recordings", ids=[id], detail=detail
        )
    if not result.saved and result.settled is not None:
        return _history(request, id, error_message=result.message())
    if wants_fragment(request):
        return _history(
            request,
            id,
            reverted=result.message() if result.settled and result.settled.answer_lost else "Reverted.",
        )
    messages.success(request, "The recording's text is back as it was before that edit.")
    return redirect("history:recording_history", id)

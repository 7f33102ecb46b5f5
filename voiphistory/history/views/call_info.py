"""A call's "additional information" (``info``): set on one call from its page, or on the calls
ticked in the Calls table, through the bulk ``PATCH /cdrs`` (the reference's only CDR write)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseLocation

from voiphistory.accounts.permissions import writer_required
from voiphistory.accounts.upstream import client_for
from voiphistory.audit import services as audit
from voiphistory.audit.actors import Actor
from voiphistory.audit.models import Action
from voiphistory.history import services, window_cache
from voiphistory.history.forms import CallInfoForm, CallsInfoForm
from voiphistory.history.writes import Settled
from voiphistory.voipstudio import VoipstudioError
from voiphistory.web.htmx import safe_next, wants_fragment
from voiphistory.web.requests import SignedInRequest
from voiphistory.web.upstream_errors import upstream_failure

SAVED = "Additional information saved"
NOT_SAVED = "Not saved"


@require_POST
@writer_required
def call_info(request: SignedInRequest, id: int) -> HttpResponse:
    """One call, from its page: answers the page's info panel for HTMX (the field as VoIPstudio now
    holds it, and what happened), else goes back to the page with a message."""
    form = CallInfoForm(request.POST)
    context: dict = {"id": id, "info_form": form, "can_edit_info": True}
    if "info" not in request.POST:  # only the form's own field clears it: a post without it changes nothing
        context["info_error"] = "Nothing to save: the form sent no additional information."
    elif form.is_valid():
        with upstream_failure() as failed:
            settled = _save(request, [id], form.cleaned_data["info"])
        if failed:
            context["info_error"] = "There is no such call." if failed.bad_id else failed.message
        else:
            context |= _outcome(settled, id)
    else:
        context["info_error"] = " ".join(str(message) for message in form.errors["info"])
    if wants_fragment(request):
        return render(request, "history/call_detail.html#call-info", context)
    if "info_error" in context:
        messages.error(request, context["info_error"])
    else:
        messages.success(request, context["info_message"])
    return redirect("history:call_detail", id)


@require_POST
@writer_required
def calls_info(request: SignedInRequest) -> HttpResponse:
    """The calls ticked in the Calls table; back to the table (in place for HTMX) with the outcome."""
    calls_table = reverse("history:table", args=["calls"])
    back = safe_next(request, request.POST.get("next"), calls_table, under=calls_table)
    form = CallsInfoForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    else:
        ids = form.cleaned_data["ids"]
        with upstream_failure() as failed:
            settled = _save(request, ids, form.cleaned_data["info"])
        if failed:
            messages.error(request, failed.message)
        else:
            count = f"{len(settled.ids)} call{'s' if len(settled.ids) != 1 else ''}"
            text = settled.message(done=f"{SAVED} on {count}", not_done=f"{NOT_SAVED} on {count}")
            (messages.success if settled.all_done else messages.warning)(request, text)
    if wants_fragment(request):
        return HttpResponseLocation(back, target="#table", swap="outerHTML")
    return redirect(back)


def _save(request: SignedInRequest, ids: list[int], info: str) -> Settled:
    """Save and audit: what was attempted, and what came of it (a refusal too)."""
    detail = {"field": "info", "info": info[:200]}
    actor = Actor.of(request)
    with upstream_failure() as failed:
        try:
            settled = services.calls_info_update(client=client_for(request), ids=ids, info=info)
        finally:  # the grouped Calls table shows the new text on its next request
            window_cache.forget(customer_id=request.account.customer_id)
    if isinstance(failed.error, VoipstudioError):  # VoIPstudio refused: audited, then shown by the caller
        refused = {**detail, "outcome": "refused", "error": str(failed.error)[:200]}
        audit.record(actor=actor, action=Action.EDIT, section="calls", ids=ids, detail=refused)
    if failed.error is not None:
        raise failed.error
    audit.record(
        actor=actor,
        action=Action.EDIT,
        section="calls",
        ids=settled.ids,
        detail={**detail, **settled.audit_detail()},
    )
    return settled


def _outcome(settled: Settled, id: int) -> dict:
    """What the panel shows: the call as VoIPstudio now holds it (its answer, or the read-back)."""
    now = next((cdr for cdr in settled.result or () if cdr.id == id), None) or settled.now.get(id)
    return {
        "cdr": now,
        "info_saved": settled.all_done,
        "info_message": settled.message(done=f"{SAVED}.", not_done=NOT_SAVED),
    }

"""A call's "additional information" (``info``): set on one call from its page, or on the calls
ticked in the Calls table, through the bulk ``PATCH /cdrs`` (the reference's only CDR write)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseLocation

from voiphistory.accounts.permissions import writer_required
from voiphistory.accounts.upstream import client_for
from voiphistory.audit import services as audit
from voiphistory.audit.models import Action
from voiphistory.history import services
from voiphistory.history.forms import CallInfoForm, CallsInfoForm
from voiphistory.history.messages import upstream_message
from voiphistory.history.views.common import wants_fragment
from voiphistory.history.writes import Settled
from voiphistory.voipstudio import InvalidIdentifier, Unauthorized, VoipstudioError

SAVED = "Additional information saved"
NOT_SAVED = "Not saved"


@require_POST
@writer_required
def call_info(request: HttpRequest, id: int) -> HttpResponse:
    """One call, from its page: answers the page's info panel for HTMX (the field as VoIPstudio now
    holds it, and what happened), else goes back to the page with a message."""
    form = CallInfoForm(request.POST)
    context: dict = {"id": id, "info_form": form, "can_edit_info": True}
    if "info" not in request.POST:  # only the form's own field clears it: a post without it changes nothing
        context["info_error"] = "Nothing to save: the form sent no additional information."
    elif form.is_valid():
        try:
            settled = _save(request, [id], form.cleaned_data["info"])
        except Unauthorized:
            raise
        except InvalidIdentifier:
            context["info_error"] = "There is no such call."
        except VoipstudioError as error:
            context["info_error"] = upstream_message(error)
        else:
            context |= _outcome(settled, id)
    else:
        context["info_error"] = " ".join(form.errors["info"])
    if wants_fragment(request):
        return render(request, "history/call_detail.html#call-info", context)
    if "info_error" in context:
        messages.error(request, context["info_error"])
    else:
        messages.success(request, context["info_message"])
    return redirect("history:call_detail", id)


@require_POST
@writer_required
def calls_info(request: HttpRequest) -> HttpResponse:
    """The calls ticked in the Calls table; back to the table (in place for HTMX) with the outcome."""
    back = request.POST.get("next", "")
    if not back.startswith("/calls/") or back.startswith("/calls//"):
        back = reverse("history:table", args=["calls"])
    form = CallsInfoForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    else:
        ids = form.cleaned_data["ids"]
        try:
            settled = _save(request, ids, form.cleaned_data["info"])
        except Unauthorized:
            raise
        except VoipstudioError as error:
            messages.error(request, upstream_message(error))
        else:
            count = f"{len(settled.ids)} call{'s' if len(settled.ids) != 1 else ''}"
            text = settled.message(done=f"{SAVED} on {count}", not_done=f"{NOT_SAVED} on {count}")
            (messages.success if settled.all_done else messages.warning)(request, text)
    if wants_fragment(request):
        return HttpResponseLocation(back, target="#table", swap="outerHTML")
    return redirect(back)


def _save(request: HttpRequest, ids: list[int], info: str) -> Settled:
    """Save and audit: what was attempted, and what came of it (a refusal too)."""
    detail = {"field": "info", "info": info[:200]}
    try:
        settled = services.calls_info_update(client=client_for(request), ids=ids, info=info)
    except Unauthorized:
        raise
    except VoipstudioError as error:
        refused = {**detail, "outcome": "refused", "error": str(error)[:200]}
        audit.record(request, action=Action.EDIT, section="calls", ids=ids, detail=refused)
        raise
    audit.record(request, action=Action.EDIT, section="calls", ids=settled.ids,
                 detail={**detail, **settled.audit_detail()})  # fmt: skip
    return settled


def _outcome(settled: Settled, id: int) -> dict:
    """What the panel shows: the call as VoIPstudio now holds it (its answer, or the read-back)."""
    now = next((cdr for cdr in settled.result or () if cdr.id == id), None) or settled.now.get(id)
    return {"cdr": now, "info_saved": settled.all_done,
            "info_message": settled.message(done=f"{SAVED}.", not_done=NOT_SAVED)}  # fmt: skip

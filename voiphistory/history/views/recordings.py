"""Correcting a recording's AI text in place: the row turns into a form and back."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from voiphistory.accounts.upstream import client_for
from voiphistory.history import selectors, services
from voiphistory.history.catalog import section
from voiphistory.history.forms import RecordingEditForm
from voiphistory.history.views.common import upstream_message, wants_fragment
from voiphistory.voipstudio import InvalidRequest, Unauthorized, VoipstudioError

RECORDINGS = section("recordings")


def _render(request: HttpRequest, part: str, context: dict) -> HttpResponse:
    back_to = urlencode({"next": reverse("history:table", args=[RECORDINGS.slug])})
    context = {"section": RECORDINGS, "part": part, "back_to": back_to, **context}
    context["users"] = selectors.user_directory(client=client_for(request), customer_id=request.account.customer_id)
    if wants_fragment(request):
        return render(request, f"history/table.html#{part}", context)
    return render(request, "history/recording_edit.html", context)


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, id: int) -> HttpResponse:
    client = client_for(request)
    try:
        monitor = client.monitors.get(id)
    except Unauthorized:
        raise
    except VoipstudioError as error:
        return _render(request, "recording-edit", {"id": id, "error_message": upstream_message(error)})
    if request.method == "GET":
        return _render(request, "recording-edit", {"id": id, "item": monitor, "form": RecordingEditForm.for_recording(monitor)})
    form = RecordingEditForm(request.POST)
    if form.is_valid():
        try:
            saved = services.recording_update(client=client, id=id, **form.changes())
        except InvalidRequest as error:  # VoIPstudio's field errors go next to the fields
            for field, errors in error.field_errors.items():
                form.add_error(field if field in form.fields else None, errors)
        except Unauthorized:
            raise
        except VoipstudioError as error:
            form.add_error(None, upstream_message(error))
        else:
            if wants_fragment(request):
                return _render(request, "recording-row", {"item": saved, "saved": True})
            messages.success(request, "Recording saved.")
            return redirect(request.POST.get("next") or "/recordings/")
    return _render(request, "recording-edit", {"id": id, "item": monitor, "form": form})


@require_safe
def row(request: HttpRequest, id: int) -> HttpResponse:
    """The recording's row as the table shows it (what "Cancel" on the edit form swaps back)."""
    try:
        monitor = client_for(request).monitors.get(id)
    except Unauthorized:
        raise
    except VoipstudioError as error:
        return _render(request, "recording-edit", {"id": id, "error_message": upstream_message(error)})
    return _render(request, "recording-row", {"item": monitor})

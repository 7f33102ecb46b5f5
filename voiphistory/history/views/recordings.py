"""Correcting a recording's AI text in place: the row turns into a form and back."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_safe

from voiphistory.accounts.upstream import client_for
from voiphistory.audit import services as audit
from voiphistory.audit.models import Action
from voiphistory.history import selectors, services
from voiphistory.history.catalog import section
from voiphistory.history.edits import edited_recording_ids
from voiphistory.history.forms import RecordingEditForm
from voiphistory.history.messages import upstream_message
from voiphistory.history.views.common import wants_fragment
from voiphistory.voipstudio import InvalidIdentifier, InvalidRequest, Unauthorized, VoipstudioError

RECORDINGS = section("recordings")


def _render(request: HttpRequest, part: str, context: dict) -> HttpResponse:
    back_to = urlencode({"next": reverse("history:table", args=[RECORDINGS.slug])})
    # The row as the Recordings table draws it: a selection box, and this supervisor's columns.
    chosen = services.table_columns_choose(owner=request.user, section=RECORDINGS, data=QueryDict()).getlist("cols")
    columns = tuple(column for column in RECORDINGS.columns if column.key in chosen)
    context = {"section": RECORDINGS, "part": part, "back_to": back_to, "selectable": True, "columns": columns, **context}
    context["users"] = selectors.user_directory(client=client_for(request), customer_id=request.account.customer_id)
    if context.get("item") is not None:
        context["edited"] = edited_recording_ids(customer_id=request.account.customer_id, ids=[context["item"].id])
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
    except InvalidIdentifier:  # /recordings/0/…: well-formed for the URL, never a recording
        raise Http404("No such recording") from None
    except VoipstudioError as error:
        return _render(request, "recording-edit", {"id": id, "error_message": upstream_message(error)})
    if request.method == "GET":
        return _render(request, "recording-edit", {"id": id, "item": monitor, "form": RecordingEditForm.for_recording(monitor)})
    form = RecordingEditForm(request.POST)
    if form.is_valid():
        try:
            saved = services.recording_update(client=client, id=id, **form.changes(), previous=monitor,
                                              customer_id=request.account.customer_id, editor=request.user,
                                              editor_name=request.account.name)  # keeps the edit history
        except InvalidRequest as error:  # VoIPstudio's field errors go next to the fields
            for field, errors in error.field_errors.items():
                form.add_error(field if field in form.fields else None, errors)
        except Unauthorized:
            raise
        except VoipstudioError as error:
            form.add_error(None, upstream_message(error))
        else:
            changed = sorted(name for name in form.fields if getattr(saved, name) != getattr(monitor, name))
            audit.record(request, action=Action.EDIT, section=RECORDINGS.slug, ids=[id], detail={"fields": changed})
            if wants_fragment(request):
                return _render(request, "recording-row", {"item": saved, "saved": True})
            messages.success(request, "Recording saved.")
            back = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
                back = reverse("history:table", args=[RECORDINGS.slug])  # never off-site
            return redirect(back)
    return _render(request, "recording-edit", {"id": id, "item": monitor, "form": form})


@require_safe
def row(request: HttpRequest, id: int) -> HttpResponse:
    """The recording's row as the table shows it (what "Cancel" on the edit form swaps back)."""
    try:
        monitor = client_for(request).monitors.get(id)
    except Unauthorized:
        raise
    except InvalidIdentifier:  # /recordings/0/…: well-formed for the URL, never a recording
        raise Http404("No such recording") from None
    except VoipstudioError as error:
        return _render(request, "recording-edit", {"id": id, "error_message": upstream_message(error)})
    return _render(request, "recording-row", {"item": monitor})

"""Correcting a recording's AI text in place: the row turns into a form and back."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from voiphistory.accounts.permissions import writer_required
from voiphistory.accounts.upstream import client_for
from voiphistory.audit import services as audit
from voiphistory.audit.actors import Actor
from voiphistory.audit.models import Action
from voiphistory.history import edits, services
from voiphistory.history.catalog import section
from voiphistory.history.edits import ai_values, edited_recording_ids
from voiphistory.history.forms import RecordingEditForm
from voiphistory.history.recording_save import RecordingBusy, SaveResult, recording_save
from voiphistory.history.user_names import user_names
from voiphistory.voipstudio import InvalidRequest
from voiphistory.web.htmx import safe_next, wants_fragment
from voiphistory.web.requests import SignedInRequest
from voiphistory.web.upstream_errors import UpstreamFailure, upstream_failure

RECORDINGS = section("recordings")


def _render(request: SignedInRequest, part: str, context: dict) -> HttpResponse:
    back_to = urlencode({"next": reverse("history:table", args=[RECORDINGS.slug])})
    # The row as the Recordings table draws it: a selection box, and this supervisor's columns.
    chosen = services.table_columns_choose(owner=request.user, section=RECORDINGS, data=QueryDict()).getlist(
        "cols"
    )
    columns = tuple(column for column in RECORDINGS.columns if column.key in chosen)
    context = {
        "section": RECORDINGS,
        "part": part,
        "back_to": back_to,
        "selectable": True,
        "columns": columns,
        **context,
    }
    users = user_names(client=client_for(request), customer_id=request.account.customer_id)
    context["users"] = users.learn([context["item"]]) if context.get("item") is not None else users
    if context.get("item") is not None:
        context.setdefault("id", context["item"].id)
        context["edited"] = edited_recording_ids(
            customer_id=request.account.customer_id, ids=[context["item"].id]
        )
    if wants_fragment(request):
        return render(request, f"history/table.html#{part}", context)
    return render(request, "history/recording_edit.html", context)


@require_http_methods(["GET", "POST"])
@writer_required
def edit(request: SignedInRequest, id: int) -> HttpResponse:
    """GET: the form, carrying the values it opens with. POST: save only what this person changed;
    a field someone else changed meanwhile comes back side by side to choose (nothing is sent)."""
    client = client_for(request)
    if request.method == "GET":
        with upstream_failure() as failed:
            monitor = client.monitors.get(id)
        if failed:
            return _failed(request, id, failed)
        return _render(
            request,
            "recording-edit",
            {"id": id, "item": monitor, "form": RecordingEditForm.for_recording(monitor)},
        )
    form = RecordingEditForm(request.POST, recording_id=id)
    if not form.is_valid():
        return _render(
            request, "recording-edit", {"id": id, "form": form, "conflicts": conflict_rows(form, request, id)}
        )
    with upstream_failure() as failed:
        try:
            result = recording_save(
                client=client,
                customer_id=request.account.customer_id,
                id=id,
                opened=form.opened_values,
                wanted=form.changes(),
                editor=request.user,
                editor_name=request.account.name,
            )
        except RecordingBusy:
            form.add_error(None, "Someone else is saving this recording right now. Try again in a moment.")
            return _render(request, "recording-edit", {"id": id, "form": form})
    if failed.bad_id:  # /recordings/0/…: well-formed for the URL, never a recording
        raise Http404("No such recording")
    if not failed:
        return _saved(request, id, form, result)
    if isinstance(failed.error, InvalidRequest) and failed.error.field_errors:  # next to the fields
        for field, errors in failed.error.field_errors.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, failed.message)
    return _render(request, "recording-edit", {"id": id, "form": form})


def _saved(request: SignedInRequest, id: int, form: RecordingEditForm, result: SaveResult) -> HttpResponse:
    """After a save: the row (saved, or nothing to save), the form again (conflict, not saved,
    outcome unknown) with what is now true."""
    if result.conflicts:
        was = {name: form.was.get(name, form.opened_values[name]) for name in result.conflicts}
        again = RecordingEditForm.after_conflict(
            recording_id=id, changes=form.changes(), current=result.current, was=was
        )
        return _render(
            request,
            "recording-edit",
            {"id": id, "form": again, "conflicts": conflict_rows(again, request, id)},
        )
    if result.settled is not None:
        detail = {"fields": sorted(result.sent), **result.settled.audit_detail()}
        audit.record(
            actor=Actor.of(request), action=Action.EDIT, section=RECORDINGS.slug, ids=[id], detail=detail
        )
    message = result.message()
    if (
        result.settled is not None and not result.saved
    ):  # not saved, or unknown: the form again, with the truth
        now = ai_values(result.monitor) if result.monitor is not None else result.current
        again = RecordingEditForm.after_conflict(recording_id=id, changes=form.changes(), current=now, was={})
        return _render(request, "recording-edit", {"id": id, "form": again, "outcome_message": message})
    if wants_fragment(request):
        return _render(
            request, "recording-row", {"item": result.monitor, "saved": True, "saved_message": message}
        )
    messages.success(request, message)
    return redirect(
        safe_next(request, request.POST.get("next"), reverse("history:table", args=[RECORDINGS.slug]))
    )


def conflict_rows(form: RecordingEditForm, request: SignedInRequest, id: int) -> dict[str, dict]:
    return edits.conflict_rows(
        customer_id=request.account.customer_id, recording_id=id, theirs=form.theirs, was=form.was
    )


@require_safe
def row(request: SignedInRequest, id: int) -> HttpResponse:
    """The recording's row as the table shows it (what "Cancel" on the edit form swaps back)."""
    with upstream_failure() as failed:
        monitor = client_for(request).monitors.get(id)
    if failed:
        return _failed(request, id, failed)
    return _render(request, "recording-row", {"item": monitor})


def _failed(request: SignedInRequest, id: int, failed: UpstreamFailure) -> HttpResponse:
    """The recording could not be read: 404 for an id VoIPstudio never gives (``/recordings/0/…``),
    else the edit form's place says why."""
    if failed.bad_id:
        raise Http404("No such recording")
    return _render(request, "recording-edit", {"id": id, "error_message": failed.message})

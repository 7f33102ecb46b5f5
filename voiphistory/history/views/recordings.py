"""Correcting a recording's AI text in place: the row turns into a form and back."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_safe

from voiphistory.accounts.permissions import writer_required
from voiphistory.accounts.upstream import client_for
from voiphistory.audit import services as audit
from voiphistory.audit.models import Action
from voiphistory.history import edits, selectors, services
from voiphistory.history.catalog import section
from voiphistory.history.edits import ai_values, edited_recording_ids
from voiphistory.history.forms import RecordingEditForm
from voiphistory.history.messages import upstream_message
from voiphistory.history.recording_save import RecordingBusy, SaveResult, recording_save
from voiphistory.history.views.common import wants_fragment
from voiphistory.voipstudio import InvalidIdentifier, InvalidRequest, Unauthorized, VoipstudioError

RECORDINGS = section("recordings")


def _render(request: HttpRequest, part: str, context: dict) -> HttpResponse:
    back_to = urlencode({"next": reverse("history:table", args=[RECORDINGS.slug])})
    # The row as the Recordings table draws it: a selection box, and this supervisor's columns.
    chosen = services.table_columns_choose(owner=request.user, section=RECORDINGS, data=QueryDict()).getlist("cols")
    columns = tuple(column for column in RECORDINGS.columns if column.key in chosen)
    context = {"section": RECORDINGS, "part": part, "back_to": back_to, "selectable": True, "columns": columns, **context}
    users = selectors.user_names(client=client_for(request), customer_id=request.account.customer_id)
    context["users"] = users.learn([context["item"]]) if context.get("item") is not None else users
    if context.get("item") is not None:
        context.setdefault("id", context["item"].id)
        context["edited"] = edited_recording_ids(customer_id=request.account.customer_id, ids=[context["item"].id])
    if wants_fragment(request):
        return render(request, f"history/table.html#{part}", context)
    return render(request, "history/recording_edit.html", context)


@require_http_methods(["GET", "POST"])
@writer_required
def edit(request: HttpRequest, id: int) -> HttpResponse:
    """GET: the form, carrying the values it opens with. POST: save only what this person changed;
    a field someone else changed meanwhile comes back side by side to choose (nothing is sent)."""
    client = client_for(request)
    if request.method == "GET":
        try:
            monitor = client.monitors.get(id)
        except Unauthorized:
            raise
        except InvalidIdentifier:  # /recordings/0/…: well-formed for the URL, never a recording
            raise Http404("No such recording") from None
        except VoipstudioError as error:
            return _render(request, "recording-edit", {"id": id, "error_message": upstream_message(error)})
        return _render(request, "recording-edit", {"id": id, "item": monitor, "form": RecordingEditForm.for_recording(monitor)})
    form = RecordingEditForm(request.POST, recording_id=id)
    if not form.is_valid():
        return _render(request, "recording-edit", {"id": id, "form": form, "conflicts": conflict_rows(form, request, id)})
    try:
        result = recording_save(client=client, customer_id=request.account.customer_id, id=id, opened=form.opened_values,
                                wanted=form.changes(), editor=request.user, editor_name=request.account.name)  # fmt: skip
    except InvalidIdentifier:
        raise Http404("No such recording") from None
    except RecordingBusy:
        form.add_error(None, "Someone else is saving this recording right now. Try again in a moment.")
    except InvalidRequest as error:  # VoIPstudio's field errors go next to the fields
        for field, errors in error.field_errors.items():
            form.add_error(field if field in form.fields else None, errors)
        if not error.field_errors:
            form.add_error(None, upstream_message(error))
    except Unauthorized:
        raise
    except VoipstudioError as error:
        form.add_error(None, upstream_message(error))
    else:
        return _saved(request, id, form, result)
    return _render(request, "recording-edit", {"id": id, "form": form})


def _saved(request: HttpRequest, id: int, form: RecordingEditForm, result: SaveResult) -> HttpResponse:
    """After a save: the row (saved, or nothing to save), the form again (conflict, not saved,
    outcome unknown) with what is now true."""
    if result.conflicts:
        was = {name: form.was.get(name, form.opened_values[name]) for name in result.conflicts}
        again = RecordingEditForm.after_conflict(recording_id=id, changes=form.changes(), current=result.current, was=was)
        return _render(request, "recording-edit", {"id": id, "form": again, "conflicts": conflict_rows(again, request, id)})
    if result.settled is not None:
        audit.record(request, action=Action.EDIT, section=RECORDINGS.slug, ids=[id],
                     detail={"fields": sorted(result.sent), **result.settled.audit_detail()})  # fmt: skip
    message = result.message()
    if result.settled is not None and not result.saved:  # not saved, or unknown: the form again, with the truth
        now = ai_values(result.monitor) if result.monitor is not None else result.current
        again = RecordingEditForm.after_conflict(recording_id=id, changes=form.changes(), current=now, was={})
        return _render(request, "recording-edit", {"id": id, "form": again, "outcome_message": message})
    if wants_fragment(request):
        return _render(request, "recording-row", {"item": result.monitor, "saved": True, "saved_message": message})
    messages.success(request, message)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = reverse("history:table", args=[RECORDINGS.slug])  # never off-site
    return redirect(back)


def conflict_rows(form: RecordingEditForm, request: HttpRequest, id: int) -> dict[str, dict]:
    return edits.conflict_rows(customer_id=request.account.customer_id, recording_id=id, theirs=form.theirs, was=form.was)


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

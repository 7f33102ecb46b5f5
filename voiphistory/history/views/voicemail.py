"""Voicemail triage: move the selected messages to a folder, mark them heard or new (one bulk
request each), and mark a new message heard when its playback starts (history.triage)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseLocation

from voiphistory.accounts.upstream import client_for
from voiphistory.audit import services as audit
from voiphistory.audit.actors import Actor
from voiphistory.audit.models import Action
from voiphistory.history import services, triage
from voiphistory.history.catalog import section
from voiphistory.history.forms import VoicemailMoveForm, VoicemailSelectionForm
from voiphistory.history.user_names import user_names
from voiphistory.history.views import listening
from voiphistory.web.htmx import safe_next, wants_fragment
from voiphistory.web.requests import SignedInRequest
from voiphistory.web.upstream_errors import upstream_failure

VOICEMAIL = section("voicemail")
READ_ONLY = "Your account is read-only: voicemail cannot be moved or marked from it."


@require_POST
def move(request: SignedInRequest) -> HttpResponse:
    form = VoicemailMoveForm(request.POST)
    return _triage(
        request,
        form,
        lambda client: triage.voicemail_move(
            client=client, ids=form.cleaned_data["ids"], folder=form.target, opened=form.opened_folders
        ),
    )


@require_POST
def mark(request: SignedInRequest, heard: bool) -> HttpResponse:
    form = VoicemailSelectionForm(request.POST)
    return _triage(
        request,
        form,
        lambda client: triage.voicemail_mark(
            client=client, ids=form.cleaned_data["ids"], heard=heard, opened=form.opened_folders
        ),
    )


def _triage(request: SignedInRequest, form: VoicemailSelectionForm, act) -> HttpResponse:
    """Validate, act, audit, and go back to the table (in place for HTMX) with the outcome."""
    back = safe_next(request, request.POST.get("next"), "/voicemail/", under="/voicemail/")
    if not request.account.can_write:  # refused here, before anything is asked of VoIPstudio
        messages.error(request, READ_ONLY)
    elif not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    else:
        with upstream_failure() as failed:
            done = act(client_for(request))
        if failed:
            messages.error(request, failed.message)
        else:
            _audit(request, done)
            (messages.success if done.complete else messages.warning)(request, done.message())
    if wants_fragment(request):  # the table reloads in place and shows the message
        return HttpResponseLocation(back, target="#table", swap="outerHTML")
    return redirect(back)


@require_POST
def played(request: SignedInRequest, id: int) -> HttpResponse:
    """player.js posts here once playback of a new message has started; answers the message's
    row (its first line: the player in the second keeps playing) as it now stands."""
    if not settings.VOIPHISTORY_VOICEMAIL_PLAY_MARKS_HEARD:
        raise Http404("Playing does not mark voicemail heard here")
    if not request.account.can_write:
        raise PermissionDenied(READ_ONLY)
    client = client_for(request)
    with upstream_failure() as failed:
        done = triage.voicemail_played(client=client, id=id)
        _audit(request, done)
        message = client.voicemessages.get(id)
    if failed.missing:
        raise Http404("No such voicemail")
    if failed:  # the audio plays on; the row keeps saying "New" and a later play tries again
        return HttpResponse(failed.message, status=502, content_type="text/plain; charset=utf-8")
    # The line as the Voicemail table draws it: this supervisor's columns, its users' names.
    chosen = services.table_columns_choose(owner=request.user, section=VOICEMAIL, data=QueryDict()).getlist(
        "cols"
    )
    users = user_names(client=client, customer_id=request.account.customer_id).learn([message])
    context = {
        "item": message,
        "section": VOICEMAIL,
        "users": users,
        "marked": done.message() if done.moved else "",
        "details_open": True,  # it was played from the open player
        "columns": tuple(column for column in VOICEMAIL.columns if column.key in chosen),
        **listening.voicemail_context(request=request, client=client),
    }
    context["back_to"] = urlencode({"next": context["table_url"]})
    return render(request, "history/table.html#voicemail-summary", context)


def _audit(request: SignedInRequest, done: triage.Triage) -> None:
    """Like every move: who filed which messages where (a triage that sent nothing is no event)."""
    if done.moved or done.not_moved or done.unknown:
        ids = done.moved or done.not_moved + done.unknown
        audit.record(
            actor=Actor.of(request),
            action=Action.MOVE,
            section=VOICEMAIL.slug,
            ids=ids,
            detail=done.audit_detail(),
        )

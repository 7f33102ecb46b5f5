"""One website chat: visitor, operator, timing, state and the conversation; delete messages."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from voiphistory.accounts.permissions import writer_required
from voiphistory.accounts.upstream import client_for
from voiphistory.audit import services as audit
from voiphistory.audit.actors import Actor
from voiphistory.audit.models import Action
from voiphistory.history import selectors, services
from voiphistory.voipstudio import Forbidden
from voiphistory.voipstudio.filters import MAX_ID
from voiphistory.web.htmx import wants_fragment
from voiphistory.web.requests import SignedInRequest
from voiphistory.web.upstream_errors import upstream_failure

TEMPLATE = "history/chat_detail.html"
MAX_SELECTED = 1000
_NOT_IN_CHAT = "Nothing was deleted: those messages are not in this chat (any more)."


@require_safe
@vary_on_headers("HX-Request")
def chat_detail(request: SignedInRequest, id: int) -> HttpResponse:
    """The page; from HTMX, ``?part=messages`` answers the conversation alone (Cancel of a delete)."""
    part = "messages" if request.GET.get("part") == "messages" else "chat"
    return _render(request, id, {}, part=part)


@require_POST
@writer_required
def delete_messages(request: SignedInRequest, id: int) -> HttpResponse:
    """Without ``confirm=yes`` asks "Delete N messages?"; with it deletes them. The same form works
    as an HTMX swap of the conversation and as a plain round trip."""
    ids = _posted_ids(request)
    context: dict = {"selected_ids": ids}
    status = 200
    if not ids:
        context["problem"] = "Select at least one message to delete."
    elif request.POST.get("confirm") != "yes":
        context["confirming"] = True
    else:
        with upstream_failure() as failed:
            count = services.chat_messages_delete(client=client_for(request), chat_id=id, ids=ids)
        if isinstance(failed.error, Forbidden):
            context["problem"], status = (
                f"VoIPstudio refused: {failed.error.message}. Nothing was deleted.",
                403,
            )
        elif failed:
            context["problem"], status = f"{failed.message} Reload the chat to see what was deleted.", 502
        else:
            if count:
                detail = {"selected_messages": ids, "deleted": count}
                audit.record(
                    actor=Actor.of(request), action=Action.DELETE, section="chats", ids=[id], detail=detail
                )
            done = f"Deleted {count} message{pluralize(count)}." if count else _NOT_IN_CHAT
            if not wants_fragment(request):
                messages.success(request, done)
                return redirect("history:chat_detail", id)
            context = {"notice": done}
    return _render(request, id, context, part="messages", status=status)


def _render(
    request: SignedInRequest, id: int, context: dict, *, part: str, status: int = 200
) -> HttpResponse:
    """Load the chat and render the page, or the ``part`` fragment for HTMX; never a 500 for
    VoIPstudio's failures (a fragment carries its error with status 200: htmx 2 swaps no 4xx/5xx)."""
    fragment = wants_fragment(request)
    context |= {"id": id}
    with upstream_failure() as failed:
        context["detail"] = selectors.chat_detail(
            client=client_for(request), id=id, customer_id=request.account.customer_id
        )
    if failed:  # /chats/0/ is a well-formed URL but never a chat: missing, like a deleted one
        context |= {"missing": True} if failed.missing else {"error_message": failed.message}
        status = failed.page_status
    if "detail" in context and context.get("confirming"):
        chosen = set(context["selected_ids"])
        context["confirming"] = [m for m in context["detail"].messages if m.id in chosen]
        if not context["confirming"]:
            context["problem"] = _NOT_IN_CHAT
    template = f"{TEMPLATE}#{part}" if fragment else TEMPLATE
    return render(request, template, context, status=200 if fragment else status)


def _posted_ids(request: SignedInRequest) -> list[int]:
    """The ticked message ids; anything that is not a positive integer is ignored."""
    values = request.POST.getlist("message")[:MAX_SELECTED]
    ids = [int(value) for value in values if value.isascii() and value.isdigit()]
    return [value for value in dict.fromkeys(ids) if 0 < value <= MAX_ID]

"""One media session (``GET /msdrs/{id}``): its fields in words, its SIP ladder, its capture files."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from voiphistory.accounts.upstream import client_for
from voiphistory.history import selectors
from voiphistory.history.labels import msdr_rows
from voiphistory.history.messages import upstream_message
from voiphistory.history.views import captures
from voiphistory.history.views.common import wants_fragment
from voiphistory.voipstudio import InvalidIdentifier, NotFound, Unauthorized, VoipstudioError

TEMPLATE = captures.MEDIA_SESSION.template


@require_safe
@vary_on_headers("HX-Request")
def msdr_detail(request: HttpRequest, id: int) -> HttpResponse:
    """The whole page; from HTMX, ``?part=ladder`` answers the ladder alone, else the page's body."""
    client = client_for(request)
    fragment = wants_fragment(request)
    if request.GET.get("part") == "ladder" and fragment:
        ladder = captures.ladder_context(client, captures.MEDIA_SESSION, id)
        return render(request, f"{TEMPLATE}#ladder", {"id": id, **ladder})
    template = f"{TEMPLATE}#media-session" if fragment else TEMPLATE
    context: dict = {"id": id}
    try:
        msdr, users = selectors.media_session_detail(client=client, id=id, customer_id=request.account.customer_id)
    except Unauthorized:
        raise
    except (NotFound, InvalidIdentifier):
        context["missing"] = True
        return render(request, template, context, status=200 if fragment else 404)  # htmx 2 swaps only 2xx
    except VoipstudioError as error:
        context["error_message"] = upstream_message(error)
        return render(request, template, context, status=200 if fragment else 502)
    context |= {
        "msdr": msdr,
        "user_name": users.get(msdr.user_id, "") if msdr.user_id is not None else "",  # a known name only
        "rows": msdr_rows(msdr, users=users),
        **captures.ladder_context(client, captures.MEDIA_SESSION, id),
    }
    return render(request, template, context)


@require_safe
def msdr_pcap(request: HttpRequest, id: int) -> HttpResponse:
    return captures.capture_download(request, captures.MEDIA_SESSION, id, "pcap")


@require_safe
def msdr_trace(request: HttpRequest, id: int) -> HttpResponse:
    return captures.capture_download(request, captures.MEDIA_SESSION, id, "trace")

"""One media session (``GET /msdrs/{id}``): its fields in words, its SIP ladder, its capture files."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from voiphistory.accounts.upstream import client_for
from voiphistory.history import selectors
from voiphistory.history.labels import msdr_rows
from voiphistory.history.views import captures
from voiphistory.voipstudio import budget
from voiphistory.web.htmx import wants_fragment
from voiphistory.web.requests import SignedInRequest
from voiphistory.web.upstream_errors import upstream_failure

TEMPLATE = captures.MEDIA_SESSION.template


@require_safe
@vary_on_headers("HX-Request")
def msdr_detail(request: SignedInRequest, id: int) -> HttpResponse:
    """The whole page; from HTMX, ``?part=ladder`` answers the ladder alone, else the page's body."""
    client = client_for(request)
    fragment = wants_fragment(request)
    if request.GET.get("part") == "ladder" and fragment:
        alone = captures.ladder_context(client, captures.MEDIA_SESSION, id)
        return render(request, f"{TEMPLATE}#ladder", {"id": id, **alone})
    template = f"{TEMPLATE}#media-session" if fragment else TEMPLATE
    ladder = budget.start(captures.ladder_context, client, captures.MEDIA_SESSION, id)  # read alongside
    context: dict = {"id": id}
    with upstream_failure() as failed:
        msdr, users = selectors.media_session_detail(
            client=client, id=id, customer_id=request.account.customer_id
        )
    if failed:
        context |= {"missing": True} if failed.missing else {"error_message": failed.message}
        return render(request, template, context, status=failed.status(request))
    context |= {
        "msdr": msdr,
        "user_name": users.get(msdr.user_id, "") if msdr.user_id is not None else "",  # a known name only
        "rows": msdr_rows(msdr, users=users),
        **ladder.result(),
    }
    return render(request, template, context)


@require_safe
def msdr_pcap(request: SignedInRequest, id: int) -> HttpResponseBase:
    return captures.capture_download(request, captures.MEDIA_SESSION, id, "pcap")


@require_safe
def msdr_trace(request: SignedInRequest, id: int) -> HttpResponseBase:
    return captures.capture_download(request, captures.MEDIA_SESSION, id, "trace")

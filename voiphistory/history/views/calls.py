"""One call leg: every CDR field, notes, the call's legs, recordings, voicemail, SIP ladder and pcap."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from voiphistory.accounts.upstream import client_for
from voiphistory.history import labels, selectors
from voiphistory.history.views import captures
from voiphistory.voipstudio import budget
from voiphistory.web.htmx import wants_fragment
from voiphistory.web.requests import SignedInRequest
from voiphistory.web.upstream_errors import upstream_failure

TEMPLATE = "history/call_detail.html"


@require_safe
@vary_on_headers("HX-Request")
def call_detail(request: SignedInRequest, id: int) -> HttpResponse:
    """The whole page; ``?part=ladder`` from HTMX answers only the SIP ladder (its retry)."""
    client = client_for(request)
    if request.GET.get("part") == "ladder" and wants_fragment(request):
        return render(
            request, f"{TEMPLATE}#ladder", {"id": id, **captures.ladder_context(client, captures.CALL, id)}
        )
    ladder = budget.start(captures.ladder_context, client, captures.CALL, id)  # read alongside the call
    context: dict = {"id": id}
    with upstream_failure() as failed:
        detail = selectors.call_detail(client=client, id=id, customer_id=request.account.customer_id)
    if failed:  # /calls/0/ is a well-formed URL but never a call: missing, like a deleted one
        context |= {"missing": True} if failed.missing else {"error_message": failed.message}
        return render(request, _page_or_fragment(request), context, status=failed.status(request))
    context |= {
        "detail": detail,
        "cdr": detail.cdr,
        "can_edit_info": request.account.can_write,
        "recordings": [(r, _table_link("recordings", r.timestamp, r.src, r.dst)) for r in detail.recordings],
        "voicemail": [(v, _table_link("voicemail", v.origtime, v.caller, None)) for v in detail.voicemail],
        **ladder.result(),
    }
    # Codes in words: VoIPstudio's own labels (its dictionaries) for codes the reference does not list.
    with labels.dictionaries_used(detail.code_dictionaries):
        context["rows"] = labels.cdr_rows(detail.cdr, users=detail.users)
        return render(request, _page_or_fragment(request), context)


@require_safe
def call_pcap(request: SignedInRequest, id: int) -> HttpResponseBase:
    """The call leg's packet capture, streamed through chunk by chunk (never whole in memory)."""
    return captures.capture_download(request, captures.CALL, id, "pcap")


@require_safe
def call_trace(request: SignedInRequest, id: int) -> HttpResponseBase:
    """The call leg's SIP trace as text."""
    return captures.capture_download(request, captures.CALL, id, "trace")


def _page_or_fragment(request: SignedInRequest) -> str:
    return f"{TEMPLATE}#call" if wants_fragment(request) else TEMPLATE


def _table_link(slug: str, when: datetime, from_number: str | None, to_number: str | None) -> str:
    """A section's table narrowed to one item: its day (in the user's time zone) and its numbers."""
    day = timezone.localtime(when).date().isoformat()
    query = {"preset": "custom", "start": day, "end": day}
    for name, number in (("from_number", from_number), ("to_number", to_number)):
        if number and number.isdigit():
            query[name] = number
    return f"{reverse('history:table', args=[slug])}?{urlencode(query)}"

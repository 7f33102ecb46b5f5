"""One call leg: every CDR field, notes, the call's legs, recordings, voicemail, SIP ladder and pcap."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from voiphistory.accounts.upstream import client_for
from voiphistory.audit import services as audit
from voiphistory.audit.models import Action
from voiphistory.history import selectors
from voiphistory.history.labels import cdr_rows
from voiphistory.history.ladder import LadderError
from voiphistory.history.messages import upstream_message
from voiphistory.history.views.common import wants_fragment
from voiphistory.voipstudio import InvalidIdentifier, NotFound, Unauthorized, VoipstudioClient, VoipstudioError

TEMPLATE = "history/call_detail.html"
PCAP_CONTENT_TYPE = "application/vnd.tcpdump.pcap"


@require_safe
@vary_on_headers("HX-Request")
def call_detail(request: HttpRequest, id: int) -> HttpResponse:
    """The whole page; ``?part=ladder`` from HTMX answers only the SIP ladder (its retry)."""
    client = client_for(request)
    if request.GET.get("part") == "ladder" and wants_fragment(request):
        return render(request, f"{TEMPLATE}#ladder", {"id": id, **_ladder_context(client, id)})
    context: dict = {"id": id}
    try:
        detail = selectors.call_detail(client=client, id=id, customer_id=request.account.customer_id)
    except Unauthorized:
        raise
    except (NotFound, InvalidIdentifier):  # /calls/0/ is a well-formed URL but never a call
        context["missing"] = True
        return render(request, _page_or_fragment(request), context, status=_failed(request, 404))
    except VoipstudioError as error:
        context["error_message"] = upstream_message(error)
        return render(request, _page_or_fragment(request), context, status=_failed(request, 502))
    context |= {
        "detail": detail,
        "cdr": detail.cdr,
        "rows": cdr_rows(detail.cdr, users=detail.users),
        "recordings": [(r, _table_link("recordings", r.timestamp, r.src, r.dst)) for r in detail.recordings],
        "voicemail": [(v, _table_link("voicemail", v.origtime, v.caller, None)) for v in detail.voicemail],
        **_ladder_context(client, id),
    }
    return render(request, _page_or_fragment(request), context)


@require_safe
def call_pcap(request: HttpRequest, id: int) -> HttpResponse:
    """The call leg's packet capture, streamed through chunk by chunk (never whole in memory)."""
    try:
        capture = client_for(request).cdrs.pcap(id)
    except Unauthorized:
        raise
    except (NotFound, InvalidIdentifier):
        return render(request, TEMPLATE, {"id": id, "missing": True}, status=404)
    except VoipstudioError as error:
        return render(request, TEMPLATE, {"id": id, "pcap_error": upstream_message(error)}, status=502)
    # No Content-Length: upstream's may count gzip-encoded bytes, and requests hands us them decoded.
    response = StreamingHttpResponse(capture.iter_chunks(), content_type=PCAP_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="call-{id}.pcap"'
    audit.record(request, action=Action.DOWNLOAD, section="calls", ids=[id], detail={"file": "pcap"})
    return response


def _page_or_fragment(request: HttpRequest) -> str:
    return f"{TEMPLATE}#call" if wants_fragment(request) else TEMPLATE


def _failed(request: HttpRequest, status: int) -> int:
    """htmx 2 does not swap a 4xx/5xx answer: a fragment carries its error with 200."""
    return 200 if wants_fragment(request) else status


def _ladder_context(client: VoipstudioClient, id: int) -> dict:
    """The ladder, or why it is missing: a trace failure must not take the rest of the page down."""
    try:
        return {"ladder": selectors.call_ladder(client=client, id=id)}
    except Unauthorized:
        raise
    except (NotFound, InvalidIdentifier):
        return {"ladder_error": "VoIPstudio has no SIP trace for this call: it may have been deleted."}
    except VoipstudioError as error:
        return {"ladder_error": upstream_message(error)}
    except LadderError as error:
        return {"ladder_error": f"The SIP trace from VoIPstudio could not be read ({error})."}


def _table_link(slug: str, when: datetime, from_number: str | None, to_number: str | None) -> str:
    """A section's table narrowed to one item: its day (in the user's time zone) and its numbers."""
    day = timezone.localtime(when).date().isoformat()
    query = {"preset": "custom", "start": day, "end": day}
    for name, number in (("from_number", from_number), ("to_number", to_number)):
        if number and number.isdigit():
            query[name] = number
    return f"{reverse('history:table', args=[slug])}?{urlencode(query)}"

"""What call detail and media session detail share: the SIP ladder panel and the capture downloads.

Both records have a ``.pcap`` and a ``.trace`` upstream; the dashboard streams them through itself
(the browser never sees VoIPstudio's URL or token) under a file name made of the record's id.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse

from voiphistory.accounts.upstream import client_for
from voiphistory.audit import services as audit
from voiphistory.audit.actors import Actor
from voiphistory.audit.models import Action
from voiphistory.history import selectors
from voiphistory.history.ladder import LadderError
from voiphistory.voipstudio import VoipstudioClient
from voiphistory.web.requests import SignedInRequest
from voiphistory.web.upstream_errors import upstream_failure

PCAP_CONTENT_TYPE = "application/vnd.tcpdump.pcap"
TRACE_CONTENT_TYPE = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class CaptureKind:
    """Which record's captures: the client collection, the section (audit), the URL names."""

    collection: str
    section: str
    file_stem: str  # "call" → call-123.pcap
    detail_view: str
    pcap_view: str
    trace_view: str
    template: str

    def urls(self, id: int) -> dict[str, str]:
        return {
            "page_url": reverse(self.detail_view, args=[id]),
            "pcap_url": reverse(self.pcap_view, args=[id]),
            "trace_url": reverse(self.trace_view, args=[id]),
        }


CALL = CaptureKind(
    "cdrs",
    "calls",
    "call",
    "history:call_detail",
    "history:call_pcap",
    "history:call_trace",
    "history/call_detail.html",
)
MEDIA_SESSION = CaptureKind(
    "msdrs",
    "media-sessions",
    "media-session",
    "history:msdr_detail",
    "history:msdr_pcap",
    "history:msdr_trace",
    "history/msdr_detail.html",
)


def ladder_context(client: VoipstudioClient, kind: CaptureKind, id: int) -> dict:
    """The ladder, or why it is missing: a capture failure must not take the rest of the page down."""
    context: dict = {"capture": kind.urls(id)}
    with upstream_failure() as failed:
        try:
            captured = selectors.record_ladder(client=client, collection=kind.collection, id=id)
        except LadderError as error:
            return context | {"ladder_unreadable": str(error)}
    if failed.missing:
        what = kind.file_stem.replace("-", " ")
        context["ladder_error"] = (
            f"VoIPstudio has no SIP trace or packet capture for this {what}: it may have been deleted."
        )
    elif failed:
        context["ladder_error"] = failed.message
    else:
        context |= {"ladder": captured.ladder, "ladder_source": captured.source}
    return context


def capture_download(request: SignedInRequest, kind: CaptureKind, id: int, file: str) -> HttpResponseBase:
    """``file`` "pcap" streams the capture chunk by chunk; "trace" sends the text trace."""
    records = getattr(client_for(request), kind.collection)
    with upstream_failure() as failed:
        if file == "pcap":
            capture = records.pcap(id)
            # No Content-Length: upstream's may count gzip-encoded bytes, and requests hands us them decoded.
            response: HttpResponseBase = StreamingHttpResponse(
                capture.iter_chunks(), content_type=PCAP_CONTENT_TYPE
            )
        else:
            response = HttpResponse(records.trace(id), content_type=TRACE_CONTENT_TYPE)
    if failed.missing:
        return render(request, kind.template, {"id": id, "missing": True}, status=404)
    if failed:
        context = {"id": id, "download_error": failed.message, "download_url": request.path, **kind.urls(id)}
        return render(request, kind.template, context, status=502)
    # The name is made of the id (an int) alone: nothing from upstream reaches the header.
    response["Content-Disposition"] = f'attachment; filename="{kind.file_stem}-{id}.{file}"'
    response["X-Content-Type-Options"] = "nosniff"
    audit.record(
        actor=Actor.of(request), action=Action.DOWNLOAD, section=kind.section, ids=[id], detail={"file": file}
    )
    return response

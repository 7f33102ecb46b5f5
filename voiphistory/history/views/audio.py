"""The audio proxy: recordings and voicemail as MP3, with the Range support VoIPstudio lacks.

Each request first asks VoIPstudio for the record (``GET /monitors/{id}``): that decides whether
this user may hear the file, and names the download (``history.download_names``). The bytes come
from ``audio_cache``, filled from VoIPstudio on first play, and are served by
``web.ranges.ranged_response`` (whole, one byte range, or 416).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_safe

from voiphistory.accounts.upstream import client_for
from voiphistory.audit import services as audit
from voiphistory.audit.actors import Actor
from voiphistory.audit.models import Action
from voiphistory.history import audio_cache
from voiphistory.history.download_names import download_name
from voiphistory.ops.downloads import attachment_header
from voiphistory.voipstudio import Forbidden
from voiphistory.web.ranges import ranged_response
from voiphistory.web.requests import SignedInRequest
from voiphistory.web.upstream_errors import upstream_failure

CONTENT_TYPE = "audio/mpeg"  # VoIPstudio says audio/mpeg3, which browsers need not know


@require_safe
def recording_audio(request: SignedInRequest, id: int) -> HttpResponseBase:
    return _audio(request, id, "monitors")


@require_safe
def voicemail_audio(request: SignedInRequest, id: int) -> HttpResponseBase:
    return _audio(request, id, "voicemessages")


def _audio(request: SignedInRequest, id: int, kind: audio_cache.Kind) -> HttpResponseBase:
    client = client_for(request)
    collection = client.monitors if kind == "monitors" else client.voicemessages
    with upstream_failure() as failed:
        record = collection.get(id)
        file = audio_cache.open_audio(
            customer_id=request.account.customer_id, kind=kind, id=id, fetch=lambda: collection.mp3(id)
        )
    if failed.missing:
        raise Http404("No such recording")
    if isinstance(failed.error, Forbidden):
        raise PermissionDenied
    if failed:  # plain text: the <audio> element only notices the status and shows its error state
        response = HttpResponse(failed.message, status=502, content_type="text/plain; charset=utf-8")
        if retry_after := getattr(failed.error, "retry_after", None):
            response["Retry-After"] = str(int(retry_after))
        return response
    filename = download_name(record) if request.GET.get("download") == "1" else None
    disposition = attachment_header(filename, fallback="audio") if filename else ""
    answer = ranged_response(
        request, file, name=f"{kind}-{id}", content_type=CONTENT_TYPE, disposition=disposition
    )
    if request.method == "GET" and answer.status_code in (200, 206) and _from_the_start(answer):
        # A player's later Range requests (seeking, buffering) are the same listen: one row per session.
        audit.record(
            actor=Actor.of(request),
            action=Action.DOWNLOAD if filename else Action.LISTEN,
            section="recordings" if kind == "monitors" else "voicemail",
            ids=[id],
            once_in_session=None if filename else request.session,
        )
    return answer


def _from_the_start(response: HttpResponseBase) -> bool:
    return response.status_code == 200 or response.get("Content-Range", "").startswith("bytes 0-")

"""The audio proxy: recordings and voicemail as MP3, with the Range support VoIPstudio lacks.

Each request first asks VoIPstudio for the record (``GET /monitors/{id}``): that decides whether
this user may hear the file, and names the download. The bytes come from ``audio_cache``, filled
from VoIPstudio on first play, and are streamed 64 KiB at a time: whole (200), one byte range
(206), or 416 for a range past the end. Several ranges in one request get the whole file (200),
which RFC 9110 allows.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import BinaryIO

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from voiphistory.accounts.upstream import client_for
from voiphistory.audit import services as audit
from voiphistory.audit.models import Action
from voiphistory.history import audio_cache
from voiphistory.history.messages import upstream_message
from voiphistory.history.templatetags.history_format import phone
from voiphistory.ops.downloads import attachment_header
from voiphistory.voipstudio import (
    Forbidden,
    InvalidIdentifier,
    Monitor,
    NotFound,
    RateLimited,
    Unavailable,
    VoiceMessage,
)

CHUNK_SIZE = 65_536
CONTENT_TYPE = "audio/mpeg"  # VoIPstudio says audio/mpeg3, which browsers need not know
_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CALLERID_RE = re.compile(r'^\s*"?([^"<]*?)"?\s*<[^>]*>\s*$')  # '"Nicole Lopez" <13122089302>'


class RangeNotSatisfiable(Exception):
    """The Range header asks only for bytes past the end of the file."""


@require_safe
def recording_audio(request: HttpRequest, id: int) -> HttpResponseBase:
    return _audio(request, id, "monitors")


@require_safe
def voicemail_audio(request: HttpRequest, id: int) -> HttpResponseBase:
    return _audio(request, id, "voicemessages")


def _audio(request: HttpRequest, id: int, kind: audio_cache.Kind) -> HttpResponseBase:
    client = client_for(request)
    collection = client.monitors if kind == "monitors" else client.voicemessages
    try:
        record = collection.get(id)
        file = audio_cache.open_audio(
            customer_id=request.account.customer_id, kind=kind, id=id, fetch=lambda: collection.mp3(id)
        )
    except (NotFound, InvalidIdentifier):
        raise Http404("No such recording") from None
    except Forbidden:
        raise PermissionDenied from None
    except (Unavailable, RateLimited) as error:
        # Plain text: the <audio> element only notices the status and shows its error state.
        response = HttpResponse(upstream_message(error), status=502, content_type="text/plain; charset=utf-8")
        if error.retry_after:
            response["Retry-After"] = str(int(error.retry_after))
        return response
    filename = download_name(record) if request.GET.get("download") == "1" else None
    response = ranged_response(request, file, name=f"{kind}-{id}", filename=filename)
    if request.method == "GET" and response.status_code in (200, 206) and _from_the_start(response):
        # A player's later Range requests (seeking, buffering) are the same listen: one row per session.
        audit.record(request, action=Action.DOWNLOAD if filename else Action.LISTEN,
                     section="recordings" if kind == "monitors" else "voicemail", ids=[id],
                     once_per_session=not filename)  # fmt: skip
    return response


def _from_the_start(response: HttpResponseBase) -> bool:
    return response.status_code == 200 or response.get("Content-Range", "").startswith("bytes 0-")


def ranged_response(
    request: HttpRequest, file: BinaryIO, *, name: str, filename: str | None = None
) -> HttpResponseBase:
    """Answer GET/HEAD for an open file (which this takes over and closes) with Range support.

    ``name`` identifies the content for its ETag (a recording's bytes never change); ``filename``
    makes it a download.
    """
    size = os.fstat(file.fileno()).st_size
    etag = f'"{name}-{size}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:  # 304 for If-None-Match, 412 for a failed If-Match
        file.close()
        not_modified["ETag"] = etag
        not_modified["Cache-Control"] = "private, max-age=3600"
        return not_modified
    try:
        header = request.headers.get("Range") if _if_range_holds(request, etag) else None
        wanted = requested_range(header, size)
    except RangeNotSatisfiable:
        file.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    first, last = wanted if wanted is not None else (0, size - 1)
    length = last - first + 1
    status = 200 if wanted is None else 206
    response: HttpResponseBase
    if request.method == "HEAD":
        file.close()
        response = HttpResponse(status=status, content_type=CONTENT_TYPE)
    else:
        content = FileRange(file, first, length)
        response = StreamingHttpResponse(content, status=status, content_type=CONTENT_TYPE)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=3600"
    if wanted is not None:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    if filename:
        response["Content-Disposition"] = attachment_header(filename, fallback="audio")
    return response


def requested_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The first and last byte a Range header asks for, or None for the whole file: no header, or
    one a server may ignore (another unit, several ranges, a malformed or backwards range).

    Raises ``RangeNotSatisfiable`` for a range that starts past the end or an empty suffix.
    """
    match = _RANGE_RE.match((header or "").replace(" ", "").lower())
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = _position(match.group(1)), _position(match.group(2))
    if first is None:  # bytes=-n: the last n bytes
        if last == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(0, size - last), size - 1
    if last is not None and last < first:
        return None
    if first >= size:
        raise RangeNotSatisfiable
    return first, size - 1 if last is None else min(last, size - 1)


def _position(digits: str) -> int | None:
    if not digits:
        return None
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= 18 else 10**18  # past any file; int() refuses huge strings


def _if_range_holds(request: HttpRequest, etag: str) -> bool:
    """If-Range: serve the range only if the client's copy is this one (we send no Last-Modified,
    so a date never matches)."""
    if_range = request.headers.get("If-Range")
    return if_range is None or if_range.strip() == etag


class FileRange:
    """``length`` bytes of an open file from ``first``, read 64 KiB at a time, never the whole file.

    ``close()`` (called by Django when the response ends or the client goes away) closes the file,
    even when iteration never started.
    """

    def __init__(self, file: BinaryIO, first: int, length: int) -> None:
        self._file, self._first, self._length = file, first, length

    def __iter__(self) -> Iterator[bytes]:
        try:
            self._file.seek(self._first)
            remaining = self._length
            while remaining > 0:
                chunk = self._file.read(min(CHUNK_SIZE, remaining))
                if not chunk:
                    return
                remaining -= len(chunk)
                yield chunk
        finally:
            self.close()

    def close(self) -> None:
        self._file.close()


# -- download names ----------------------------------------------------------------------------


def download_name(record: Monitor | VoiceMessage) -> str:
    """``recording 2026-11-27 1032 Jane Doe +44 7700 900123.mp3`` /
    ``voicemail 2026-11-27 1032 from +44 7700 900123.mp3``, in the user's active time zone."""
    if isinstance(record, Monitor):
        when = timezone.localtime(record.timestamp)
        words = ["recording", f"{when:%Y-%m-%d %H%M}", _recording_party(record)]
    else:
        when = timezone.localtime(record.origtime)
        caller = _party(_callerid_name(record.callerid), record.caller)
        words = ["voicemail", f"{when:%Y-%m-%d %H%M}", f"from {caller}" if caller else ""]
    return " ".join(word for word in words if word) + ".mp3"


def _recording_party(monitor: Monitor) -> str:
    """The other party: the side that is not one of the customer's extensions (ids like "10008");
    the caller when both are (an internal call)."""
    src_is_extension = (monitor.src_id or "").isdigit()
    dst_is_extension = (monitor.dst_id or "").isdigit()
    if src_is_extension and not dst_is_extension:
        return _party(monitor.dst_name, monitor.dst)
    return _party(monitor.src_name, monitor.src)


def _party(name: str | None, number: str | None) -> str:
    shown = phone(number)
    name = (name or "").strip()
    return " ".join(part for part in (name if name != number else "", shown) if part)


def _callerid_name(callerid: str | None) -> str:
    match = _CALLERID_RE.match(callerid or "")
    return match.group(1).strip() if match else ""

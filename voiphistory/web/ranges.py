"""Serving an open file with HTTP Range support (RFC 9110 §14): whole (200), one byte range (206),
or 416 for a range past the end. Several ranges in one request get the whole file (200), which
RFC 9110 allows. Conditional requests: the ETag names the content, If-Range is honoured, a
matching If-None-Match answers 304. The bytes stream 64 KiB at a time, never whole in memory."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import BinaryIO

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.cache import get_conditional_response

__all__ = ["CHUNK_SIZE", "FileRange", "RangeNotSatisfiable", "ranged_response", "requested_range"]

CHUNK_SIZE = 65_536
CACHE_CONTROL = "private, max-age=3600"
_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(Exception):
    """The Range header asks only for bytes past the end of the file."""


def ranged_response(
    request: HttpRequest, file: BinaryIO, *, name: str, content_type: str, disposition: str = ""
) -> HttpResponseBase:
    """Answer GET/HEAD for an open file (which this takes over and closes) with Range support.

    ``name`` identifies the content for its ETag (the bytes under one name never change);
    ``disposition``, a ``Content-Disposition`` (``ops.downloads.attachment_header``), makes it a download.
    """
    size = os.fstat(file.fileno()).st_size
    etag = f'"{name}-{size}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:  # 304 for If-None-Match, 412 for a failed If-Match
        file.close()
        not_modified["ETag"] = etag
        not_modified["Cache-Control"] = CACHE_CONTROL
        return not_modified
    try:
        header = request.headers.get("Range") if _if_range_holds(request, etag) else None
        wanted = requested_range(header, size)
    except RangeNotSatisfiable:
        file.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    first, last = wanted if wanted is not None else (0, size - 1)
    length = last - first + 1
    status = 200 if wanted is None else 206
    response: HttpResponseBase
    if request.method == "HEAD":
        file.close()
        response = HttpResponse(status=status, content_type=content_type)
    else:
        response = StreamingHttpResponse(
            FileRange(file, first, length), status=status, content_type=content_type
        )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    if wanted is not None:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    if disposition:
        response["Content-Disposition"] = disposition
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
        return max(0, size - (last or 0)), size - 1
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
    """If-Range: serve the range only if the client's copy is this one (no Last-Modified is sent,
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

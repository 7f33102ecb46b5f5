"""HTTP plumbing under the client: the pooled session, the retry policy and file streams.

The retry policy lives in a urllib3 ``Retry`` subclass mounted on the session, so it applies
the same way to every request the client makes and is exercised by urllib3 itself rather
than by a hand-written loop.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import Generator, Mapping
from http.cookiejar import DefaultCookiePolicy
from types import TracebackType
from typing import Any, Self

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import HTTPError as Urllib3Error, MaxRetryError, ReadTimeoutError, ResponseError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from voiphistory.voipstudio import budget
from voiphistory.voipstudio.errors import Unavailable, VoipstudioError, error_from_payload

__all__ = [
    "POOL_MAXSIZE",
    "RETRY_STATUSES",
    "SAFE_METHODS",
    "BudgetedAdapter",
    "FileStream",
    "VoipstudioRetry",
    "build_session",
    "error_for_response",
    "parse_retry_after",
]

#: Keep-alive connections the shared session keeps per host: a web process's threads (4 by default)
#: times what one page has in flight (``budget.PAGE_CONCURRENCY`` reads side by side, its SIP ladder,
#: its own thread), with room to spare. Fewer would not block but reconnect: urllib3 discards a
#: connection handed back to a full pool, and a new one to the live API costs a TLS handshake.
POOL_MAXSIZE = 64
SAFE_METHODS = frozenset({"GET", "HEAD"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
_ERROR_BODY_LIMIT = 65_536
_SECONDS_RE = re.compile(r"^\s*\d+(\.\d+)?\s*$")


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date).

    An unparseable value gives None instead of an exception: the CLI has met a rate-limit
    page with malformed headers, and a bad header must not hide the real error.
    """
    if not value:
        return None
    if _SECONDS_RE.match(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


class VoipstudioRetry(Retry):
    """urllib3's Retry with the client's rules.

    - Only GET/HEAD are retried (on 429/502/503/504, refused or failed connections); a POST,
      PATCH or DELETE is never repeated, even after a connect failure.
    - A read timeout is never retried: a slow upstream should not be hit again while a user
      or a supervisor waits for the answer.
    - ``Retry-After`` is honoured, but one that asks for more than ``max_retry_after`` seconds
      ends the retries at once so the caller gets RateLimited/Unavailable with ``retry_after``.
    - Backoff is ``backoff_factor * 2**(n-1)`` from the first retry (urllib3 skips the first).
    - Inside a page's time budget (``budget``) a retry whose wait would pass the deadline is not
      made: the caller gets the last answer's error at once.
    """

    RETRY_AFTER_STATUS_CODES = frozenset({429, 503})

    def __init__(self, *args: Any, max_retry_after: float = 10.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_retry_after = max_retry_after

    def new(self, **kw: Any) -> Self:
        kw.setdefault("max_retry_after", self.max_retry_after)
        return super().new(**kw)

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        return parse_retry_after(response.headers.get("Retry-After"))

    def get_backoff_time(self) -> float:
        attempts = len(self.history)
        if attempts == 0 or self.backoff_factor <= 0:
            return 0.0
        return float(min(self.backoff_max, self.backoff_factor * 2 ** (attempts - 1)))

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        if isinstance(error, ReadTimeoutError):
            raise error.with_traceback(_stacktrace)
        if error is not None and not self._is_method_retryable(method or ""):
            raise MaxRetryError(_pool, url or "", error) from error  # type: ignore[arg-type]
        if error is None and response is not None:
            wait = self.get_retry_after(response)
            if wait is not None and wait > self.max_retry_after:
                reason = ResponseError(f"Retry-After {wait:g}s exceeds the {self.max_retry_after:g}s cap")
                raise MaxRetryError(_pool, url or "", reason)  # type: ignore[arg-type]
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        left = budget.remaining()
        if left is not None and retry._wait_before_next(response) >= left:
            # urllib3 hands back the last response when raise_on_status is off, else the error.
            cause = error or ResponseError("retrying would pass the page's time budget")
            raise MaxRetryError(_pool, url or "", cause)  # type: ignore[arg-type]
        return retry

    def _wait_before_next(self, response: BaseHTTPResponse | None) -> float:
        """What urllib3's ``sleep`` will wait before the next attempt."""
        if response is not None and response.status in self.RETRY_AFTER_STATUS_CODES:
            wait = self.get_retry_after(response)
            if wait is not None:
                return wait
        return self.get_backoff_time()


class BudgetedAdapter(HTTPAdapter):
    """Cuts each request's timeouts to what is left of the page's time budget, and sends nothing
    once it is spent."""

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        left = budget.remaining()
        if left is not None:
            if left <= 0:
                raise budget.BudgetSpent("the page's time for VoIPstudio is up", request=request)
            connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
            timeout = (min(connect or left, left), min(read or left, left))
        return super().send(
            request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies
        )


def build_session(
    *,
    retries: int = 3,
    backoff: float = 0.5,
    max_retry_after: float = 10.0,
    pool_maxsize: int = POOL_MAXSIZE,
) -> requests.Session:
    """A session ready to be shared by many per-user clients.

    Cookies are refused: clients of different users share this session, and a cookie set
    for one user's request (a PHP session id, say) must never ride along on another's.
    """
    retry = VoipstudioRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        allowed_methods=SAFE_METHODS,
        status_forcelist=RETRY_STATUSES,
        backoff_factor=backoff,
        backoff_max=max_retry_after,
        raise_on_status=False,
        respect_retry_after_header=True,
        max_retry_after=max_retry_after,
    )
    session = requests.Session()
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    adapter = BudgetedAdapter(max_retries=retry, pool_connections=4, pool_maxsize=pool_maxsize)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _decode_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def error_for_response(response: requests.Response, *, streamed: bool = False) -> VoipstudioError:
    """The exception for a non-2xx answer. Reads at most 64 KiB of a streamed error body
    (errors are small JSON; a proxy's error page need not be read whole)."""
    if streamed:
        try:
            body = next(response.iter_content(_ERROR_BODY_LIMIT), b"")
        except (requests.RequestException, Urllib3Error, OSError):
            body = b""
        finally:
            response.close()
    else:
        body = response.content or b""
    if 300 <= response.status_code < 400:
        # Redirects are not followed: X-Auth-Token must not be replayed to another host.
        return VoipstudioError(
            f"unexpected redirect (HTTP {response.status_code})", status=response.status_code
        )
    return error_from_payload(
        response.status_code,
        _decode_json(body),
        reason=response.reason or None,
        retry_after=parse_retry_after(response.headers.get("Retry-After")),
    )


class FileStream:
    """A file download streamed from VoIPstudio, never held whole in memory.

    Use as a context manager, or hand ``iter_chunks()`` to a streaming response: the
    connection is released when the chunks are exhausted, on error, or on ``close()``.
    """

    def __init__(self, response: requests.Response) -> None:
        self._response = response
        self._started = False
        self.content_type: str | None = response.headers.get("Content-Type")
        self.content_length: int | None = _int_header(response.headers.get("Content-Length"))
        encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
        # Content-Length counts encoded bytes; only an unencoded body can be checked against it.
        self._expected = self.content_length if encoding == "identity" else None

    def iter_chunks(self, chunk_size: int = 65_536) -> Generator[bytes]:
        if self._started:
            raise RuntimeError("a FileStream can be read only once")
        self._started = True
        received = 0
        try:
            try:
                for chunk in self._response.iter_content(chunk_size):
                    received += len(chunk)
                    yield chunk
            except (requests.RequestException, Urllib3Error, OSError) as exc:
                raise Unavailable(f"the file from VoIPstudio was cut off after {received} bytes") from exc
            if self._expected is not None and received < self._expected:
                raise Unavailable(
                    f"the file from VoIPstudio was cut off after {received} of {self._expected} bytes"
                )
        finally:
            self.close()

    def close(self) -> None:
        self._response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"FileStream(content_type={self.content_type!r}, content_length={self.content_length!r})"


def _int_header(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())

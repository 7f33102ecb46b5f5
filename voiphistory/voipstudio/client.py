"""``VoipstudioClient``: the one object in the product that speaks HTTP to VoIPstudio.

Shaped like python-gitlab: one client owns (or shares) one pooled session, every request has
a (connect, read) timeout, only safe requests are retried, every failure becomes an exception
from ``errors``, and resources hang off the client as managers (``client.cdrs.page(...)``).
It does not import Django: the dashboard, Celery tasks and the emulator benchmarks pass their
configuration in.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError as Urllib3Error,
    MaxRetryError,
    NewConnectionError,
    ReadTimeoutError,
)

from voiphistory.voipstudio import budget, timing
from voiphistory.voipstudio.codes import DEFAULT_CODES, Code, Codes
from voiphistory.voipstudio.errors import OutcomeUnknown, Unavailable, VoipstudioError
from voiphistory.voipstudio.record_collections import (
    ApiTokenManager,
    CallRecordCollection,
    CdrCollection,
    MonitorCollection,
    UserCollection,
    VoiceMessageCollection,
)
from voiphistory.voipstudio.records import (
    Cdr,
    Chat,
    ChatMessage,
    Conversation,
    LoginResult,
    Me,
    Msdr,
    Sms,
    TwoFactorRequired,
)
from voiphistory.voipstudio.resources import Collection, Resource, parse_dictionaries
from voiphistory.voipstudio.transport import build_session, error_for_response

__all__ = ["DEFAULT_BASE_URL", "VoipstudioClient"]

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://l7api.com/v1.2/voipstudio"
USER_AGENT = "voiphistory-voipstudio-client/1"
_TOKEN_HEADER = "X-Auth-Token"
# Printable, no whitespace: a token with CR/LF would make requests raise an error quoting it.
_HEADER_SAFE_RE = re.compile(r"^[\x21-\x7e]+$")
_NO_BODY: Any = object()
#: Requests that change data: when their answer is lost they raise OutcomeUnknown, not Unavailable.
WRITE_METHODS = frozenset({"PATCH", "DELETE"})
#: A gateway between us and VoIPstudio lost its answer: the write may have been applied behind it.
_GATEWAY_LOST = frozenset({502, 504})


class VoipstudioClient:
    """A client for one VoIPstudio user (or none, for ``login``).

    Pass ``session`` to share one connection pool between per-user clients (the token travels
    per request as ``X-Auth-Token`` and is never stored on the session); build such a session
    with ``build_session`` so it carries the retry policy and refuses cookies. Threads may share
    one client and its session (a page's reads go side by side, ``budget.PageReads``): requests'
    Session is not documented as thread-safe, but the only state a request would change is the cookie
    jar (cookies are refused, so it stays empty) and redirects (never followed); the adapters are
    mounted once, and urllib3's pool manager and connection pools lock their own state. ``retries``,
    ``backoff`` and ``max_retry_after`` configure the session the client builds itself; a
    session passed in keeps its own policy. ``codes`` says what the codes the reference leaves
    open mean (voicemail folder numbers, sentiment codes; default: the Asterisk numbering).
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        connect_timeout: float = 3.05,
        read_timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_retry_after: float = 10.0,
        max_path_length: int = 2000,
        session: requests.Session | None = None,
        codes: Codes | None = None,
    ) -> None:
        self.base_url = _normalise_base_url(base_url)
        self.base_path = urlsplit(self.base_url).path
        if token is not None and (not isinstance(token, str) or not _HEADER_SAFE_RE.match(token)):
            raise ValueError("token must be a non-empty string of printable characters without spaces")
        if not isinstance(max_path_length, int) or max_path_length < len(self.base_path) + 64:
            raise ValueError("max_path_length is too small for the base URL's path")
        self._token = token
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.max_path_length = max_path_length
        if session is None:
            session = build_session(retries=retries, backoff=backoff, max_retry_after=max_retry_after)
        elif any(name.lower() == _TOKEN_HEADER.lower() for name in session.headers):
            raise ValueError("a shared session must not carry X-Auth-Token; pass token to the client")
        self._session = session
        # What coded values mean where the reference is silent (voicemail folders, sentiment).
        self.codes = codes or DEFAULT_CODES

        self.cdrs = CdrCollection(self, "/cdrs", Cdr.from_api, {"list", "get", "delete", "delete_all"})
        # Also served as /cdrs/calltracking; /calltracking/cdrs cannot be mistaken for a CDR id.
        self.calltracking_cdrs = Collection(self, "/calltracking/cdrs", Cdr.from_api, {"list"})
        self.monitors = MonitorCollection(self, "/monitors")
        self.voicemessages = VoiceMessageCollection(self, "/voicemessages")
        self.chats = Collection(self, "/chats", Chat.from_api, {"list", "get"})
        self.chat_messages = Collection(
            self, "/chatmsgs", ChatMessage.from_api, {"list", "delete", "delete_all"}
        )
        self.conversations = Collection(self, "/conversations", Conversation.from_api, {"list"})
        self.msdrs = CallRecordCollection(self, "/msdrs", Msdr.from_api, {"list", "get"})
        self.sms = Collection(self, "/sms", Sms.from_api, {"list", "dictionaries"})
        self.users = UserCollection(self, "/users")
        self.statements = Resource(self, "/statements", {"delete_all"})
        self.api_tokens = ApiTokenManager(self)

    @property
    def session(self) -> requests.Session:
        """The pooled session, to hand to further clients (``with_token`` does so itself)."""
        return self._session

    @property
    def has_token(self) -> bool:
        return self._token is not None

    def with_token(self, token: str | None) -> VoipstudioClient:
        """A client for another user (or a fresh login) sharing this client's connection pool."""
        return VoipstudioClient(
            self.base_url,
            token,
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            retries=self.retries,
            backoff=self.backoff,
            max_retry_after=self.max_retry_after,
            max_path_length=self.max_path_length,
            session=self._session,
            codes=self.codes,
        )

    def __repr__(self) -> str:
        return f"VoipstudioClient(base_url={self.base_url!r}, has_token={self.has_token})"

    # -- authentication -------------------------------------------------------------------

    def login(self, email: str, password: str) -> LoginResult | TwoFactorRequired:
        """POST /login: 200 gives a session token; 202 means the user has two-factor auth on."""
        response = self.http_request(
            "POST", "/login", json_body={"email": email, "password": password}, authenticated=False
        )
        payload = self.json_of(response)
        if response.status_code == 202:
            return self.parse(TwoFactorRequired.from_api, payload, "login")
        return self.parse(LoginResult.from_api, payload, "login")

    def login_2fa(self, code: str, nonce: str) -> LoginResult:
        response = self.http_request(
            "POST", "/login2fa", json_body={"code": code, "nonce": nonce}, authenticated=False
        )
        return self.parse(LoginResult.from_api, self.json_of(response), "login")

    def me(self) -> Me:
        """The signed-in user (only the fields in ``Me``: the live /me carries SIP secrets)."""
        return self.parse(Me.from_api, self.get_data("/me"), "user")

    def ping(self) -> None:
        """GET /ping: checks the token and renews its 30-minute idle expiry."""
        self.http_request("GET", "/ping")

    def logout(self) -> None:
        self.http_request("POST", "/logout")

    def mediasession_dictionaries(self) -> dict[str, dict[Code, str]]:
        return parse_dictionaries(self.get_data("/mediasessions/dictionaries"))

    # -- HTTP, used by the managers ---------------------------------------------------------

    def http_request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = _NO_BODY,
        stream: bool = False,
        authenticated: bool = True,
        redact_path: bool = False,
        accept: str = "application/json",
    ) -> requests.Response:
        """Send one request; return a 2xx response or raise from the ``errors`` tree.

        ``redact_path`` keeps a secret that is part of the path (DELETE /apitokens/{token})
        out of log lines and exception chains.
        """
        shown = path.split("/", 2)[1] + "/…" if redact_path else path
        headers = {"Accept": accept, "User-Agent": USER_AGENT}
        if authenticated and self._token is not None:
            headers[_TOKEN_HEADER] = self._token
        kwargs: dict[str, Any] = {}
        if json_body is not _NO_BODY:
            kwargs["json"] = json_body
        started = time.monotonic()
        failure: tuple[Exception, BaseException | None] | None = None
        try:
            response = self._session.request(
                method,
                self.base_url + path,
                params=params,
                headers=headers,
                stream=True,
                timeout=(self.connect_timeout, self.read_timeout),
                allow_redirects=False,
                **kwargs,
            )
            if not stream:
                _read_whole(response)
        except requests.exceptions.InvalidJSONError as exc:
            failure = (TypeError(f"request body is not JSON-serialisable: {exc}"), exc)
        except (requests.RequestException, Urllib3Error, OSError) as exc:
            logger.info("VoIPstudio %s /%s failed: %s", method, shown.lstrip("/"), type(exc).__name__)
            error = self._transport_error(exc)
            if method in WRITE_METHODS and not _never_sent(exc):
                error = OutcomeUnknown(
                    f"{error.message}, after the {method} was sent", method=method, path=shown
                )
            failure = (error, None if redact_path else exc)
        timing.record(time.monotonic() - started)
        if failure is not None:
            # Raised outside the except block so a redacted failure has no __context__ either.
            raise failure[0] from failure[1]
        logger.debug(
            "VoIPstudio %s /%s -> %s in %.0f ms",
            method,
            shown.lstrip("/"),
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        if not 200 <= response.status_code < 300:
            error = error_for_response(response, streamed=stream)
            if method in WRITE_METHODS and response.status_code in _GATEWAY_LOST:
                raise OutcomeUnknown(
                    f"{error.message}, after the {method} was sent",
                    method=method,
                    path=shown,
                    status=response.status_code,
                )
            raise error
        return response

    def json_of(self, response: requests.Response) -> Any:
        """The decoded JSON body; a 2xx that is not JSON means the answer is unusable."""
        try:
            return response.json()
        except ValueError:
            raise Unavailable(
                "malformed response from VoIPstudio (not JSON)", status=response.status_code
            ) from None

    def get_data(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET a ``{"data": …}`` envelope and return its ``data``."""
        return self.data_of(self.http_request("GET", path, params=params))

    def data_of(self, response: requests.Response) -> Any:
        payload = self.json_of(response)
        if not isinstance(payload, dict) or "data" not in payload:
            raise Unavailable("malformed response from VoIPstudio (no data)", status=response.status_code)
        return payload["data"]

    def parse[T](self, parser: Callable[[dict[str, Any]], T], data: Any, what: str) -> T:
        """Run a record parser, turning a malformed record into ``Unavailable``."""
        if not isinstance(data, dict):
            raise Unavailable(f"malformed response from VoIPstudio (expected a {what} object)")
        try:
            return parser(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise Unavailable(f"malformed response from VoIPstudio (bad {what} record: {exc})") from None

    def _transport_error(self, exc: BaseException) -> VoipstudioError:
        name = type(exc).__name__
        if isinstance(exc, budget.BudgetSpent):
            return Unavailable("VoIPstudio is answering too slowly: this page stopped waiting for it")
        if isinstance(exc, requests.ConnectTimeout):
            return Unavailable(f"could not connect to VoIPstudio within {self.connect_timeout:g} s ({name})")
        if isinstance(exc, (requests.ReadTimeout, ReadTimeoutError)) or _caused_by_read_timeout(exc):
            return Unavailable(f"VoIPstudio did not answer within {self.read_timeout:g} s ({name})")
        if isinstance(exc, requests.exceptions.ChunkedEncodingError):
            return Unavailable(f"the response from VoIPstudio was cut off ({name})")
        if isinstance(exc, (requests.ConnectionError, Urllib3Error, OSError)):
            return Unavailable(f"could not connect to VoIPstudio ({name})")
        return Unavailable(f"request to VoIPstudio failed ({name})")


def _read_whole(response: requests.Response) -> None:
    """Read the body in one read, as ``response.content`` then gives it.

    requests reads a body in 10 KB chunks, each of which must win the GIL back: while another
    thread of the process is busy (an export writing one page while the next is read) a page of
    several MB then takes twice as long. One read of the whole length (``iter_content(None)``)
    leaves the waiting to the socket; errors are requests' own, as from ``content``.
    """
    response._content = b"".join(response.iter_content(None))


def _never_sent(exc: BaseException) -> bool:
    """The connection was never made (refused, unresolvable, connect timeout): the request did
    not leave, so a write certainly did not happen. Anything later may have reached VoIPstudio."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))


def _caused_by_read_timeout(exc: BaseException) -> bool:
    """requests wraps a timeout while reading a body as ConnectionError(ReadTimeoutError)."""
    return any(isinstance(arg, ReadTimeoutError) for arg in getattr(exc, "args", ()))


def _normalise_base_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("base_url must be an absolute http(s) URL")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("base_url must not carry a query, a fragment or credentials")
    return base_url.rstrip("/")

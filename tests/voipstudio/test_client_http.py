"""VoipstudioClient over HTTP: headers, query parameters, errors, retries, paging, deletes, files.

`responses` mocks the API for dialect and error mapping; retry, timeout and truncation
behaviour runs against tiny local servers so urllib3's real retry and sleep path is exercised.
No Django needed.
"""

from __future__ import annotations

import json
import logging
import math
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from voiphistory.voipstudio import (
    Filter,
    Forbidden,
    InvalidIdentifier,
    InvalidRequest,
    LoginResult,
    NotFound,
    RateLimited,
    Sentiment,
    TwoFactorRequired,
    Unauthorized,
    Unavailable,
    VoicemailFolder,
    VoipstudioClient,
    VoipstudioError,
    date_range,
)

BASE = "https://api.test/v1.2/voipstudio"
TOKEN = "tokSECRET0123456789abcdef"
CDR = {"id": 2147483649, "calldate": "2024-03-01 10:00:00", "type": "O", "dst": "44203846719"}
MONITOR = {"id": 7, "timestamp": "2024-03-01 10:00:00", "sentiment": 2, "cx_score": 80}
VOICEMAIL = {"id": 9, "origtime": "2024-03-01 10:00:00", "folder": 2, "is_new": False}


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def client() -> VoipstudioClient:
    return VoipstudioClient(BASE, TOKEN, retries=0, backoff=0)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Records urllib3's retry sleeps instead of sleeping."""
    calls: list[float] = []
    monkeypatch.setattr(time, "sleep", calls.append)
    return calls


def query(call: Any) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(call.request.url).query).items()}


# -- tiny real servers ----------------------------------------------------------------------

Reply = tuple[int, dict[str, str], bytes] | Callable[[BaseHTTPRequestHandler], None]


class ScriptedServer:
    """A local HTTP/1.1 server answering from a script, recording (method, path, headers)."""

    def __init__(self) -> None:
        self.script: list[Reply] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                owner.requests.append((self.command, self.path, dict(self.headers)))
                reply = owner.script.pop(0) if owner.script else (500, {}, b'{"message":"unscripted"}')
                if callable(reply):
                    reply(self)
                    return
                status, headers, body = reply
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PATCH = do_DELETE = serve

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1.2/voipstudio"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    yield srv
    srv.close()


def js(status: int, payload: Any, **headers: str) -> Reply:
    return (status, {"Content-Type": "application/json", **headers}, json.dumps(payload).encode())


OK_CDR = js(200, {"data": CDR, "links": {}})


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


# -- authentication header and secrecy --------------------------------------------------------


def test_token_travels_per_request_and_never_on_the_session(mock, client):
    mock.get(f"{BASE}/me", json={"data": {"id": 1, "email": "a@b.c"}})
    client.me()
    sent = mock.calls[0].request.headers
    assert sent["X-Auth-Token"] == TOKEN
    assert "X-Next-Page" not in sent
    assert "X-Auth-Token" not in client.session.headers
    assert TOKEN not in repr(client)
    assert mock.calls[0].request.req_kwargs["timeout"] == (3.05, 20.0)


def test_redirects_are_not_followed(mock, client):
    """Following one would replay X-Auth-Token to wherever Location points."""
    mock.get(f"{BASE}/me", status=302, headers={"Location": "https://elsewhere.test/steal"})
    with pytest.raises(VoipstudioError, match="redirect"):
        client.me()
    assert len(mock.calls) == 1


def test_with_token_shares_the_pool_and_switches_user(mock, client):
    other = client.with_token("otherTOKEN")
    mock.get(f"{BASE}/ping", json={"data": {"response": "Pong"}})
    client.ping()
    other.ping()
    assert other.session is client.session
    assert [c.request.headers["X-Auth-Token"] for c in mock.calls] == [TOKEN, "otherTOKEN"]


def test_shared_session_carrying_a_token_is_refused(client):
    client.session.headers["X-Auth-Token"] = TOKEN
    with pytest.raises(ValueError) as excinfo:
        VoipstudioClient(BASE, TOKEN, session=client.session)
    assert TOKEN not in str(excinfo.value)


def test_token_is_absent_from_errors_and_logs(mock, client, caplog):
    caplog.set_level(logging.DEBUG)
    mock.get(f"{BASE}/me", status=401, json={"message": "Unauthorized"})
    with pytest.raises(Unauthorized) as excinfo:
        client.me()
    assert TOKEN not in str(excinfo.value) and TOKEN not in repr(excinfo.value)
    assert TOKEN not in caplog.text


def test_token_in_a_path_does_not_leak_on_failure(caplog):
    """DELETE /apitokens/{token} puts a token in the path: no message, chain or log shows it."""
    caplog.set_level(logging.DEBUG)
    dead = VoipstudioClient(f"http://127.0.0.1:{closed_port()}/v1", TOKEN, retries=0)
    with pytest.raises(Unavailable) as excinfo:
        dead.api_tokens.delete(TOKEN)
    assert excinfo.value.__cause__ is None and excinfo.value.__context__ is None
    assert TOKEN not in str(excinfo.value) and TOKEN not in caplog.text
    dead.session.close()


def test_login_sends_no_token_and_distinguishes_200_202_401(mock, client):
    mock.post(f"{BASE}/login", json={"message": "Login success", "user_token": "newTOKEN", "user_id": 42})
    result = client.login("a@b.c", "pw")
    assert result == LoginResult(token="newTOKEN", user_id=42)
    assert "newTOKEN" not in repr(result)
    assert "X-Auth-Token" not in mock.calls[0].request.headers
    assert json.loads(mock.calls[0].request.body) == {"email": "a@b.c", "password": "pw"}

    mock.replace(responses.POST, f"{BASE}/login", status=202, json={"nonce": "n0nce"})
    assert client.login("a@b.c", "pw") == TwoFactorRequired(nonce="n0nce")

    mock.replace(
        responses.POST, f"{BASE}/login", status=401, json={"errors": [{"message": "Invalid credentials"}]}
    )
    with pytest.raises(Unauthorized) as excinfo:
        client.login("a@b.c", "bad")
    assert excinfo.value.message == "Invalid credentials" and excinfo.value.status == 401


def test_login_2fa_posts_code_and_nonce(mock, client):
    mock.post(f"{BASE}/login2fa", json={"user_token": "t2", "user_id": 5})
    assert client.login_2fa("123456", "n0nce").user_id == 5
    assert json.loads(mock.calls[0].request.body) == {"code": "123456", "nonce": "n0nce"}


# -- query parameters -------------------------------------------------------------------------


def test_page_sends_filter_json_sort_dir_page_limit(mock, client):
    mock.get(f"{BASE}/cdrs", json={"data": [CDR], "total": 51})
    filters = [Filter("type", "eq", "O"), *date_range("calldate", "2024-01-01", "2024-01-31 12:00:00")]
    page = client.cdrs.page(page=3, limit=25, filters=filters, sort="calldate", direction="asc")
    assert query(mock.calls[0]) == {
        "filter": '[{"property":"type","operator":"eq","value":"O"},'
        '{"property":"calldate","operator":"gte","value":"2024-01-01"},'
        '{"property":"calldate","operator":"lte","value":"2024-01-31 12:00:00"}]',
        "sort": "calldate",
        "dir": "ASC",
        "page": "3",
        "limit": "25",
    }
    assert (page.total, page.page, page.limit, page.pages) == (51, 3, 25, 3)
    assert page.items[0].id == 2147483649


def test_defaults_match_the_cli_and_values_stay_out_of_the_path(mock, client):
    mock.get(f"{BASE}/monitors", json={"data": [], "total": 0})
    client.monitors.page(filters=[Filter("src", "like", "44/../../me?x=1")])
    call = mock.calls[0]
    assert urlsplit(call.request.url).path == "/v1.2/voipstudio/monitors"
    assert query(call)["sort"] == "id" and query(call)["dir"] == "DESC"
    assert json.loads(query(call)["filter"])[0]["value"] == "44/../../me?x=1"


@pytest.mark.parametrize("operator", ["between", "ne", "EQ", ""])
def test_unknown_operators_fail_before_sending(operator):
    with pytest.raises(ValueError):
        Filter("calldate", operator, "2024-01-01")


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "exc_type", "message", "field_errors"),
    [
        (400, {"message": "Filtration error"}, InvalidRequest, "Filtration error", {}),
        (
            400,
            {
                "message": "Validation error",
                "errors": [{"field": "info", "message": "Too long"}, {"field": "info", "message": "Bad"}],
            },
            InvalidRequest,
            "Validation error",
            {"info": ["Too long", "Bad"]},
        ),
        (401, {"message": "Unauthorized"}, Unauthorized, "Unauthorized", {}),
        (403, {"message": "Forbidden"}, Forbidden, "Forbidden", {}),
        (404, {"message": "Resource not found"}, NotFound, "Resource not found", {}),
        (
            422,
            {"errors": [{"field": "folder", "message": "Unknown folder"}]},
            InvalidRequest,
            "Unknown folder",
            {"folder": ["Unknown folder"]},
        ),
        (429, {"message": "Too many requests"}, RateLimited, "Too many requests", {}),
        (500, {"message": "Internal error"}, Unavailable, "Internal error", {}),
        (409, {"message": "Conflict"}, VoipstudioError, "Conflict", {}),
    ],
)
def test_status_maps_to_exception_with_api_message(
    mock, client, status, body, exc_type, message, field_errors
):
    mock.get(f"{BASE}/cdrs/5", status=status, json=body)
    with pytest.raises(exc_type) as excinfo:
        client.cdrs.get(5)
    assert type(excinfo.value) is exc_type
    assert (excinfo.value.message, excinfo.value.status) == (message, status)
    assert excinfo.value.field_errors == field_errors


def test_html_error_page_and_malformed_json(mock, client):
    mock.get(f"{BASE}/cdrs/5", status=502, body="<html>Bad gateway</html>", headers={"Retry-After": "3"})
    with pytest.raises(Unavailable) as excinfo:
        client.cdrs.get(5)
    assert excinfo.value.status == 502 and excinfo.value.retry_after == 3
    mock.replace(responses.GET, f"{BASE}/cdrs/5", status=200, body="{not json")
    with pytest.raises(Unavailable, match="malformed"):
        client.cdrs.get(5)
    mock.replace(responses.GET, f"{BASE}/cdrs/5", json={"data": {"id": 5, "calldate": "yesterday"}})
    with pytest.raises(Unavailable, match="malformed"):
        client.cdrs.get(5)


# -- retries (real urllib3 path) --------------------------------------------------------------


def test_get_503_then_200_is_retried_honouring_retry_after(server, sleeps):
    server.script = [js(503, {"message": "busy"}, **{"Retry-After": "2"}), OK_CDR]
    cdr = VoipstudioClient(server.url, TOKEN).cdrs.get(CDR["id"])
    assert cdr.id == CDR["id"] and len(server.requests) == 2 and sleeps == [2.0]


def test_retry_after_as_http_date_is_honoured(server, sleeps):
    server.script = [js(503, {}, **{"Retry-After": formatdate(time.time() + 5, usegmt=True)}), OK_CDR]
    VoipstudioClient(server.url, TOKEN).cdrs.get(1)
    assert len(sleeps) == 1 and 3.0 <= sleeps[0] <= 5.0


@pytest.mark.parametrize("status", [429, 502, 504])
def test_get_retried_on_transient_status_with_exponential_backoff(server, sleeps, status):
    server.script = [js(status, {"message": "later"})] * 2 + [OK_CDR]
    VoipstudioClient(server.url, TOKEN, backoff=0.5).cdrs.get(1)
    assert len(server.requests) == 3 and sleeps == [0.5, 1.0]


def test_get_gives_up_after_retries(server, sleeps):
    server.script = [js(503, {"message": "Down for maintenance"})] * 5
    with pytest.raises(Unavailable) as excinfo:
        VoipstudioClient(server.url, TOKEN, retries=3, backoff=0.5).cdrs.get(1)
    assert excinfo.value.message == "Down for maintenance"
    assert len(server.requests) == 4 and sleeps == [0.5, 1.0, 2.0]


@pytest.mark.parametrize(
    ("call", "method"),
    [
        (lambda c: c.logout(), "POST"),
        (lambda c: c.monitors.update(1, summary="x"), "PATCH"),
        (lambda c: c.monitors.delete([1, 2]), "DELETE"),
    ],
)
def test_unsafe_methods_are_never_retried(server, sleeps, call, method):
    server.script = [js(503, {"message": "busy"}, **{"Retry-After": "1"}), js(200, {"data": MONITOR})]
    with pytest.raises(Unavailable):
        call(VoipstudioClient(server.url, TOKEN))
    assert [r[0] for r in server.requests] == [method] and sleeps == []


@pytest.mark.parametrize("status", [400, 404])
def test_client_errors_are_not_retried(server, sleeps, status):
    server.script = [js(status, {"message": "no"}), OK_CDR]
    with pytest.raises((InvalidRequest, NotFound)):
        VoipstudioClient(server.url, TOKEN).cdrs.get(1)
    assert len(server.requests) == 1 and sleeps == []


@pytest.mark.parametrize(("status", "exc_type"), [(429, RateLimited), (503, Unavailable)])
def test_retry_after_above_the_cap_raises_at_once(server, sleeps, status, exc_type):
    server.script = [js(status, {"message": "slow down"}, **{"Retry-After": "120"}), OK_CDR]
    with pytest.raises(exc_type) as excinfo:
        VoipstudioClient(server.url, TOKEN, max_retry_after=10).cdrs.get(1)
    assert excinfo.value.retry_after == 120 and len(server.requests) == 1 and sleeps == []


def test_garbage_retry_after_falls_back_to_backoff(server, sleeps):
    server.script = [js(429, {}, **{"Retry-After": "soon-ish"}), OK_CDR]
    VoipstudioClient(server.url, TOKEN, backoff=0.25).cdrs.get(1)
    assert sleeps == [0.25]


def test_connection_refused_is_retried_then_unavailable(sleeps):
    client = VoipstudioClient(f"http://127.0.0.1:{closed_port()}/v1", TOKEN, retries=2, backoff=0.5)
    with pytest.raises(Unavailable, match="could not connect"):
        client.cdrs.get(1)
    assert sleeps == [0.5, 1.0]
    sleeps.clear()
    with pytest.raises(Unavailable):
        client.logout()
    assert sleeps == []


def test_read_timeout_is_unavailable_without_retry(sleeps):
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_forever() -> None:
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    try:
        client = VoipstudioClient(f"http://127.0.0.1:{listener.getsockname()[1]}/v1", TOKEN, read_timeout=0.2)
        started = time.monotonic()
        with pytest.raises(Unavailable, match="did not answer"):
            client.cdrs.get(1)
        elapsed = time.monotonic() - started
        stop.wait(0.3)
        assert len(accepted) == 1 and sleeps == [] and elapsed < 1.5
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()


# -- paging -----------------------------------------------------------------------------------


def paged(mock: responses.RequestsMock, pages: dict[int, list[dict[str, Any]]], total: int) -> None:
    def reply(request: Any) -> tuple[int, dict[str, str], str]:
        number = int(parse_qs(urlsplit(request.url).query)["page"][0])
        return 200, {}, json.dumps({"data": pages.get(number, []), "total": total})

    mock.add_callback(responses.GET, f"{BASE}/cdrs", callback=reply)


def cdrs(first: int, count: int) -> list[dict[str, Any]]:
    return [{**CDR, "id": first + i} for i in range(count)]


def test_iterate_stops_on_an_empty_page(mock, client):
    paged(mock, {1: cdrs(1, 2), 2: cdrs(3, 1)}, total=10)
    assert [c.id for c in client.cdrs.iterate(page_size=2)] == [1, 2, 3]
    assert [query(c)["page"] for c in mock.calls] == ["1", "2", "3"]


def test_iterate_stops_at_total_without_asking_for_more(mock, client):
    paged(mock, {1: cdrs(1, 2), 2: cdrs(3, 2), 3: cdrs(5, 1), 4: cdrs(6, 2)}, total=5)
    assert [c.id for c in client.cdrs.iterate(page_size=2)] == [1, 2, 3, 4, 5]
    assert len(mock.calls) == 3
    assert {query(c)["limit"] for c in mock.calls} == {"2"}


def test_iterate_is_lazy(mock, client):
    paged(mock, {1: cdrs(1, 3), 2: cdrs(4, 3)}, total=6)
    rows = client.cdrs.iterate(page_size=3, filters=[Filter("type", "eq", "M")])
    assert len(mock.calls) == 0
    assert next(rows).id == 1 and len(mock.calls) == 1
    assert json.loads(query(mock.calls[0])["filter"]) == [
        {"property": "type", "operator": "eq", "value": "M"}
    ]


# -- deletes ----------------------------------------------------------------------------------


def test_delete_chunks_fit_the_path_limit_and_cover_every_id_in_order(mock):
    client = VoipstudioClient(BASE, TOKEN, max_path_length=120)
    mock.add(responses.DELETE, responses.matchers.re.compile(rf"{BASE}/monitors/[\d,]+$"), status=204)
    ids = [2**31 + i for i in range(50)]  # 10 digits each
    requests_made = client.monitors.delete(ids + ids[:3])  # repeats are dropped
    paths = [urlsplit(c.request.url).path for c in mock.calls]
    assert all(len(p) <= 120 for p in paths)
    sent = [int(i) for p in paths for i in p.rsplit("/", 1)[1].split(",")]
    assert sent == ids
    # prefix "/v1.2/voipstudio/monitors/" is 26 chars; 9 ids take 9*10+8 = 98 > 94, so 8 per request
    per_request = (120 - 26 + 1) // 11
    assert requests_made == len(paths) == math.ceil(50 / per_request) == 7


@pytest.mark.parametrize("bad", [0, -3, True, "5", 1.0, None])
def test_invalid_ids_raise_before_any_request(mock, client, bad):
    for action in (
        lambda: client.monitors.delete([1, 2, bad]),
        lambda: client.cdrs.get(bad),
        lambda: client.cdrs.trace(bad),
        lambda: client.monitors.mp3(bad),
        lambda: client.voicemessages.move([bad], VoicemailFolder.OLD),
        lambda: client.cdrs.update_many([{"id": bad, "info": "x"}]),
    ):
        with pytest.raises(InvalidIdentifier):
            action()
    assert len(mock.calls) == 0


@pytest.mark.parametrize(("status", "async_"), [(202, True), (204, False)])
def test_delete_all_reports_asynchronous_deletion(mock, client, status, async_):
    mock.delete(f"{BASE}/voicemessages", status=status)
    assert client.voicemessages.delete_all() is async_


def test_unsupported_endpoints_fail_before_sending(mock, client):
    with pytest.raises(NotImplementedError):
        client.chats.delete([1])
    with pytest.raises(NotImplementedError):
        client.conversations.get(1)
    with pytest.raises(NotImplementedError):
        client.calltracking_cdrs.delete_all()
    assert not hasattr(client.statements, "page")
    assert len(mock.calls) == 0


# -- writes -----------------------------------------------------------------------------------


def test_a_body_that_is_not_json_is_the_callers_error(mock, client):
    with pytest.raises(TypeError):
        client.monitors.update(7, metadata={"when": object()})
    assert len(mock.calls) == 0


def test_monitor_update_patches_only_given_fields(mock, client):
    mock.patch(f"{BASE}/monitors/7", json={"data": MONITOR})
    monitor = client.monitors.update(7, sentiment=Sentiment.POSITIVE, summary=None)
    assert json.loads(mock.calls[0].request.body) == {"summary": None, "sentiment": "positive"}
    assert monitor.sentiment is Sentiment.POSITIVE


def test_voicemail_move_and_cdr_bulk_update_send_arrays(mock, client):
    mock.patch(f"{BASE}/voicemessages", json={"data": [VOICEMAIL, {**VOICEMAIL, "id": 10}]})
    moved = client.voicemessages.move([9, 10], VoicemailFolder.OLD)
    assert json.loads(mock.calls[0].request.body) == [{"id": 9, "folder": "Old"}, {"id": 10, "folder": "Old"}]
    assert [m.folder for m in moved] == [VoicemailFolder.OLD] * 2
    mock.patch(f"{BASE}/cdrs", json={"data": [CDR]})
    assert client.cdrs.update_many([{"id": CDR["id"], "info": "callback"}])[0].id == CDR["id"]
    assert json.loads(mock.calls[1].request.body) == [{"id": CDR["id"], "info": "callback"}]


def test_api_tokens_create_find_delete(mock, client):
    mock.post(
        f"{BASE}/apitokens",
        status=201,
        json={"data": {"token": "abc123", "name": "export", "created_at": "2024-03-01 10:00:00"}},
    )
    mock.get(f"{BASE}/apitokens", json={"data": [{"token": "abc123", "name": "export"}], "total": 1})
    mock.delete(f"{BASE}/apitokens/abc123", status=204)
    created = client.api_tokens.create("export", 3600)
    assert json.loads(mock.calls[0].request.body) == {"name": "export", "expiry": 3600}
    assert "abc123" not in repr(created) and created.token == "abc123"
    assert [t.name for t in client.api_tokens.find("export")] == ["export"]
    assert query(mock.calls[1]) == {"filter": '[{"property":"name","operator":"eq","value":"export"}]'}
    client.api_tokens.delete("abc123")
    for bad in ("..", "a/b", "x y", "", "tok%2F"):
        with pytest.raises(InvalidIdentifier):
            client.api_tokens.delete(bad)
    assert len(mock.calls) == 3


def test_trace_notes_dictionaries_and_csv_export(mock, client):
    mock.get(f"{BASE}/cdrs/5.trace", body="INVITE sip:1@x SIP/2.0\r\n", content_type="text/plain")
    mock.get(
        f"{BASE}/cdrs/5/notes",
        json={
            "data": [{"id": 1, "cdr_id": 5, "note": "hi", "created_at": "2024-03-01 10:00:00"}],
            "total": 1,
        },
    )
    mock.get(f"{BASE}/cdrs/dictionaries", json={"data": {"type": [{"value": "O", "label": "Outbound"}]}})
    mock.get(f"{BASE}/users/3/cdrs.csv", json={"data": {"id": 3, "email": "u@x"}, "links": {}})
    assert client.cdrs.trace(5).startswith("INVITE sip:1@x")
    assert client.cdrs.notes(5)[0].text == "hi"
    assert client.cdrs.dictionaries() == {"type": {"O": "Outbound"}}
    assert client.users.request_cdrs_csv(3).email == "u@x"


# -- files ------------------------------------------------------------------------------------


def test_file_stream_yields_chunks(mock, client):
    audio = bytes(range(256)) * 1000
    mock.get(
        f"{BASE}/monitors/7.mp3",
        body=audio,
        content_type="audio/mpeg3",
        headers={"Content-Length": str(len(audio))},
    )
    with client.monitors.mp3(7) as stream:
        assert (stream.content_type, stream.content_length) == ("audio/mpeg3", len(audio))
        chunks = list(stream.iter_chunks(65536))
    assert b"".join(chunks) == audio
    assert len(chunks) > 1 and max(map(len, chunks)) <= 65536
    assert mock.calls[0].request.req_kwargs["stream"] is True


def test_file_endpoint_errors_are_json(mock, client):
    mock.get(f"{BASE}/voicemessages/9.mp3", status=404, json={"message": "Resource not found"})
    with pytest.raises(NotFound, match="Resource not found"):
        client.voicemessages.mp3(9)


def test_truncated_file_raises_unavailable(server):
    def cut_off(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "audio/mpeg3")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b"\xff" * 70000)
        handler.wfile.flush()
        handler.close_connection = True

    server.script = [cut_off]
    received = 0
    with (
        VoipstudioClient(server.url, TOKEN).monitors.mp3(7) as stream,
        pytest.raises(Unavailable, match="cut off"),
    ):
        for chunk in stream.iter_chunks(65536):
            received += len(chunk)
    assert 0 < received < 100000


# -- boundary ---------------------------------------------------------------------------------


def test_package_imports_without_django():
    """Load the package with Django import blocked (and the project package's Celery app skipped)."""
    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys, types, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'django' or name.startswith('django.'):\n"
        "            raise ImportError('django is blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "pkg = types.ModuleType('voiphistory'); pkg.__path__ = [sys.argv[1]]\n"
        "sys.modules['voiphistory'] = pkg\n"
        "import voiphistory.voipstudio as v\n"
        "v.VoipstudioClient('https://x.test/v1.2/voipstudio', 't')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(root / "voiphistory")],
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr

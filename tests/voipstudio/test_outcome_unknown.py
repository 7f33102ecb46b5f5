"""A write whose answer is lost is OutcomeUnknown (read it back), never Unavailable (retry it), and
is never sent twice; a write that certainly did not leave stays Unavailable. Real sockets: the
client meets a server that hangs, hangs up, or cuts its answer off, as urllib3 really sees them."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import free_port
from voiphistory.voipstudio import (
    TRANSIENT_ERRORS,
    OutcomeUnknown,
    Unavailable,
    VoicemailFolder,
    VoipstudioClient,
)

TOKEN = "tokSECRET0123456789abcdef"
MONITOR = {"id": 7, "timestamp": "2024-03-01 10:00:00", "sentiment": 2, "cx_score": 80, "summary": "s"}


RELEASE = threading.Event()  # set when a test's server closes: a hung answer ends then


def _hang(handler: BaseHTTPRequestHandler) -> None:
    RELEASE.wait(30)  # never answers while the client waits (its read timeout is 0.3 s)


def _hang_up(handler: BaseHTTPRequestHandler) -> None:
    handler.close_connection = True
    handler.connection.shutdown(socket.SHUT_RDWR)


def _cut_off(handler: BaseHTTPRequestHandler) -> None:
    body = json.dumps({"data": MONITOR}).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body[:10])
    handler.wfile.flush()
    handler.close_connection = True
    handler.connection.shutdown(socket.SHUT_RDWR)


def _answer(status: int, body: bytes) -> Callable[[BaseHTTPRequestHandler], None]:
    def reply(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return reply


class Server:
    """Answers every request with ``reply``; counts what it received (method, path, body)."""

    def __init__(self) -> None:
        self.reply: Callable[[BaseHTTPRequestHandler], None] = _hang
        self.received: list[tuple[str, str, bytes]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _serve(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                owner.received.append((self.command, self.path, body))
                owner.reply(self)

            do_GET = do_PATCH = do_DELETE = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1.2/voipstudio"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def client(self) -> VoipstudioClient:
        return VoipstudioClient(self.url, TOKEN, read_timeout=0.3, retries=3, backoff=0)


@pytest.fixture
def server() -> Iterator[Server]:
    RELEASE.clear()
    srv = Server()
    yield srv
    RELEASE.set()
    srv.httpd.shutdown()
    srv.httpd.server_close()


WRITES = {
    "edit": lambda c: c.monitors.update(7, summary="new"),
    "delete": lambda c: c.monitors.delete([7]),
    "bulk move": lambda c: c.voicemessages.move([9, 10], VoicemailFolder("Work")),
}
LOST = {
    "read timeout": _hang,
    "hung up": _hang_up,
    "cut off": _cut_off,
    "gateway timeout": _answer(504, b"{}"),
    "bad gateway": _answer(502, b"<html>proxy</html>"),
}


@pytest.mark.parametrize("lost", LOST, ids=str)
@pytest.mark.parametrize("write", WRITES, ids=str)
def test_a_write_whose_answer_is_lost_is_outcome_unknown_and_sent_once(server, write, lost):
    server.reply = LOST[lost]
    with pytest.raises(OutcomeUnknown) as raised:
        WRITES[write](server.client())
    assert len(server.received) == 1, server.received  # never retried
    assert raised.value.method in ("PATCH", "DELETE") and raised.value.path.startswith(
        ("/monitors", "/voicemessages")
    )
    assert not isinstance(raised.value, TRANSIENT_ERRORS)  # a Celery autoretry must not repeat it


@pytest.mark.parametrize("write", ["edit", "bulk move"])
def test_a_2xx_whose_body_is_unreadable_is_outcome_unknown(server, write):
    server.reply = _answer(200, b'{"data": [{"id": 1, "calldate": "20')  # the emulator's "malformed" fault
    with pytest.raises(OutcomeUnknown, match="could not be read"):
        WRITES[write](server.client())


@pytest.mark.parametrize("write", WRITES, ids=str)
def test_a_write_that_never_left_is_unavailable_not_unknown(write):
    client = VoipstudioClient(
        f"http://127.0.0.1:{free_port()}/v1", TOKEN, retries=3, backoff=0
    )  # nobody listens
    with pytest.raises(Unavailable, match="could not connect") as raised:
        WRITES[write](client)
    assert not isinstance(raised.value, OutcomeUnknown)


def test_a_read_that_times_out_stays_unavailable(server):
    server.reply = _hang
    with pytest.raises(Unavailable) as raised:
        server.client().monitors.get(7)
    assert not isinstance(raised.value, OutcomeUnknown)


def test_a_refused_write_is_still_its_own_error_not_unknown(server):
    server.reply = _answer(
        400, b'{"message": "Validation error", "errors": [{"field": "sentiment", "message": "bad"}]}'
    )
    from voiphistory.voipstudio import InvalidRequest

    with pytest.raises(InvalidRequest):
        server.client().monitors.update(7, sentiment=None)


def test_an_edit_sends_only_the_fields_given(server):
    server.reply = _answer(200, json.dumps({"data": MONITOR}).encode())
    server.client().monitors.update(7, summary="Only this.")
    [(method, path, body)] = server.received
    assert (method, path) == ("PATCH", "/v1.2/voipstudio/monitors/7") and json.loads(body) == {
        "summary": "Only this."
    }

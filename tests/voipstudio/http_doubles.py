"""What the VoipstudioClient HTTP tests share: the mocked API (`responses`), a client without
retries, recorded retry sleeps, and a tiny scripted local server for urllib3's real retry path.
Test modules import the fixtures they use by name."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from voiphistory.voipstudio import VoipstudioClient

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

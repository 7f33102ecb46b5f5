"""VoipstudioClient's retries, timeouts and file streams, against tiny local servers
(http_doubles.ScriptedServer) so urllib3's real retry and sleep path is exercised. No Django needed.
"""

from __future__ import annotations

import socket
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler

import pytest

from tests.voipstudio.http_doubles import (  # noqa: F401 (fixtures: client, mock, server, sleeps)
    BASE,
    CDR,
    MONITOR,
    OK_CDR,
    TOKEN,
    client,
    closed_port,
    js,
    mock,
    server,
    sleeps,
)
from voiphistory.voipstudio import InvalidRequest, NotFound, RateLimited, Unavailable, VoipstudioClient

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

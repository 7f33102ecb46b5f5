"""A WAN between the dashboard and the emulator: a small HTTP proxy that answers every request
``delay`` seconds late (80 ms: a realistic round trip to the live API) and logs when each request
arrived and when its answer left, so a benchmark can count a page's upstream requests and its
longest dependent chain (requests that had to wait for each other's answers).
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

#: Hop-by-hop headers (RFC 9110 7.6.1): a proxy does not pass them on.
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"}
)


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    started: float  # time.monotonic() when the request arrived
    ended: float  # … and when its answer had been sent


def longest_chain(exchanges: list[Exchange]) -> int:
    """The most requests of which each began after the one before had been answered: the page's
    dependent round trips (requests sent side by side overlap, so they count once)."""
    ordered = sorted(exchanges, key=lambda e: e.ended)
    depth: list[int] = []
    for index, exchange in enumerate(ordered):
        before = [depth[i] for i in range(index) if ordered[i].ended <= exchange.started]
        depth.append(1 + max(before, default=0))
    return max(depth, default=0)


class WanProxy:
    def __init__(self, upstream: str, delay: float) -> None:
        parts = urlsplit(upstream)
        self.upstream_host, self.upstream_port = parts.hostname or "127.0.0.1", parts.port or 80
        self.delay = delay
        self._lock = threading.Lock()
        self._log: list[Exchange] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.port = self._server.server_address[1]
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def take_log(self) -> list[Exchange]:
        """The exchanges since the last call (and forget them)."""
        with self._lock:
            taken, self._log = self._log, []
        return taken

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
                pass

            def _forward(self) -> None:
                started = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {
                    name: value for name, value in self.headers.items() if name.lower() not in _HOP_BY_HOP
                }
                upstream = http.client.HTTPConnection(proxy.upstream_host, proxy.upstream_port, timeout=120)
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    content = answer.read()
                finally:
                    upstream.close()
                time.sleep(proxy.delay)  # on top of the emulator's own time, as a distant server's would be
                self.send_response(answer.status, answer.reason)
                for name, value in answer.getheaders():
                    if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
                self.wfile.flush()
                with proxy._lock:
                    proxy._log.append(Exchange(self.command, self.path, started, time.monotonic()))

            do_GET = do_POST = do_PATCH = do_DELETE = do_HEAD = _forward

        return Handler

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def wan_proxy(upstream: str, delay: float) -> Iterator[WanProxy]:
    """A ``WanProxy`` in front of ``upstream`` (the emulator's root URL), stopped on leaving."""
    proxy = WanProxy(upstream, delay)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()

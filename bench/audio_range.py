"""Listening: on a cached 100 MB recording a Range request answers in < 20 ms (median), and the web
process's memory does not grow with the file size (< 10 MB while serving it whole, twice).

Runs the real stack over HTTP: a small emulator (a copy of a 2,000-CDR database with one extra
recording of 26,215 s, which the emulator serves as 100 MB of MP3 at 4,000 bytes/s) and the dashboard
under gunicorn, signed in through the sign-in form. RSS is sampled every 10 ms on each gunicorn worker,
so a file held in memory shows as a peak even if it is freed before the request ends.
"""

from __future__ import annotations

import random
import re
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

import devstack
from bench.common import PASSWORD, SUPERVISOR, Result, emulator_database, free_port, median_ms, p95_ms, timed
from voiphistory.emulator.audio import mp3_size

NAME = "audio proxy"
CDRS = 2_000
DURATION = 26_215  # seconds: ~100 MB at the emulator's 4,000 bytes/s
RANGE_REQUESTS = 50
RANGE_BYTES = 65_536
MB = 1024 * 1024


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="bench-audio-") as scratch:
        root = Path(scratch)
        db = root / "emulator" / "emulator.sqlite3"
        db.parent.mkdir()
        shutil.copyfile(emulator_database(CDRS), db)
        big_id, small_id = _add_long_recording(db, DURATION)
        stack = devstack.Stack()
        try:
            emulator = stack.add(
                devstack.start_emulator(
                    devstack.emulator_env(db.parent, db), "127.0.0.1", free_port(), root / "emulator.log"
                )
            )
            env = devstack.emulator_env(root / "web")
            env["VOIPSTUDIO_BASE_URL"] = f"{emulator.url}/v1.2/voipstudio"
            (root / "web").mkdir()
            subprocess.run(
                [devstack.PYTHON, "manage.py", "migrate", "--verbosity", "0"],
                cwd=devstack.ROOT,
                env=env,
                check=True,
            )
            web = stack.add(devstack.start_web(env, "127.0.0.1", free_port(), root / "web.log"))
            return _measure(web, _signed_in(web.url), big_id, small_id)
        finally:
            stack.stop()


def _measure(web: devstack.Service, session: requests.Session, big_id: int, small_id: int) -> list[Result]:
    big = f"{web.url}/recordings/{big_id}/audio.mp3"
    small = f"{web.url}/recordings/{small_id}/audio.mp3"
    for _ in range(20):  # every worker imports the views and fills the small file's cache
        _get(session, small, "bytes=0-1023", 206)
    workers = psutil.Process(web.process.pid).children()
    before = _rss(workers)

    with _RssPeaks(workers) as fill_peaks:
        started = time.perf_counter()
        _get(session, big, f"bytes=0-{RANGE_BYTES - 1}", 206)
        fill_seconds = time.perf_counter() - started
    size = int(session.head(big, timeout=60).headers["Content-Length"])

    offsets = iter([random.Random(1).randrange(0, size - RANGE_BYTES) for _ in range(RANGE_REQUESTS)])
    timed(lambda: _get(session, big, "bytes=1000-66535", 206), 5)
    ranges = timed(
        lambda: _get(session, big, f"bytes={(o := next(offsets))}-{o + RANGE_BYTES - 1}", 206), RANGE_REQUESTS
    )

    after_ranges = _rss(workers)
    with _RssPeaks(workers) as serve_peaks:
        started = time.perf_counter()
        for _ in range(2):
            assert _download(session, big) == size
        whole_seconds = (time.perf_counter() - started) / 2
    after = _rss(workers)

    fill_growth = max(fill_peaks.peak[pid] - before[pid] for pid in before) / MB
    serve_peak = max(serve_peaks.peak[pid] - after_ranges[pid] for pid in before) / MB
    serve_growth = max(after[pid] - after_ranges[pid] for pid in before) / MB
    return [
        Result(NAME, "recording size", size / MB, "MB"),
        Result(NAME, "first play: fill the cache from VoIPstudio, then 64 KiB", fill_seconds * 1000, "ms"),
        Result(NAME, "worker RSS peak growth while filling", fill_growth, "MB", "< 10 MB", fill_growth < 10),
        Result(
            NAME,
            f"cached 64 KiB Range request: median of {RANGE_REQUESTS}",
            median_ms(ranges),
            "ms",
            "< 20 ms",
            median_ms(ranges) < 20,
        ),
        Result(NAME, "cached 64 KiB Range request: p95", p95_ms(ranges), "ms"),
        Result(NAME, "whole cached file: download speed", size / MB / whole_seconds, "MB/s"),
        Result(
            NAME,
            "worker RSS growth after serving it whole twice",
            serve_growth,
            "MB",
            "< 10 MB",
            serve_growth < 10,
        ),
        Result(
            NAME,
            "worker RSS peak growth while serving it whole",
            serve_peak,
            "MB",
            "< 10 MB",
            serve_peak < 10,
        ),
    ]


def _add_long_recording(db: Path, duration: int) -> tuple[int, int]:
    """Copy the newest recording as a new one of ``duration`` seconds; returns (its id, a short one's id)."""
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        row = dict(connection.execute("SELECT * FROM emulator_monitor ORDER BY id DESC LIMIT 1").fetchone())
        small = connection.execute("SELECT id FROM emulator_monitor ORDER BY duration LIMIT 1").fetchone()[0]
        row.update(id=row["id"] + 1, duration=duration, size=mp3_size(duration))
        columns = ", ".join(row)
        connection.execute(
            f"INSERT INTO emulator_monitor ({columns}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
    return row["id"], small


def _signed_in(base_url: str) -> requests.Session:
    """Sign in through the form, as a person would (the CSRF token comes from the page)."""
    session = requests.Session()
    page = session.get(f"{base_url}/sign-in/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, f"no CSRF token on the sign-in page (HTTP {page.status_code})"
    response = session.post(
        f"{base_url}/sign-in/",
        data={"email": SUPERVISOR, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base_url}/sign-in/"},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, f"sign-in failed (HTTP {response.status_code})"
    return session


def _get(session: requests.Session, url: str, byte_range: str, status: int) -> None:
    response = session.get(url, headers={"Range": byte_range}, timeout=600)
    assert response.status_code == status, f"{url} {byte_range}: HTTP {response.status_code}"


def _download(session: requests.Session, url: str) -> int:
    received = 0
    with session.get(url, stream=True, timeout=600) as response:
        assert response.status_code == 200
        for chunk in response.iter_content(MB):
            received += len(chunk)
    return received


def _rss(workers: list[psutil.Process]) -> dict[int, int]:
    return {worker.pid: worker.memory_info().rss for worker in workers}


class _RssPeaks:
    """The highest RSS of each worker while the block runs, sampled every 10 ms."""

    def __init__(self, workers: list[psutil.Process]) -> None:
        self.workers = workers
        self.peak = _rss(workers)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            for pid, rss in _rss(self.workers).items():
                self.peak[pid] = max(self.peak[pid], rss)

    def __enter__(self) -> _RssPeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        for pid, rss in _rss(self.workers).items():
            self.peak[pid] = max(self.peak[pid], rss)

"""Issue 14.4: 50 supervisors browsing at once for 60 s on this 2-core machine: zero errors, p50/p95,
and the dashboard's throughput against the emulator's own for the same clicks (>= 0.8x).

Each simulated supervisor signs in through the form, then until time is up: opens a table page or
asks for a table fragment with a random filter, sort and page, opens a call's detail page, or
starts a recording (the first 64 KB, as a browser's audio element does), pausing 0.5-2 s between
clicks like a person reading the screen. Then as many clients make the same clicks' upstream
requests straight to the emulator (the table's page of records, the call, the recording's first
64 KB) for a shorter while, pausing alike: the dashboard keeps pace when it answers about as many
clicks per second as the emulator answers their requests. Everything runs against the
1,000,000-CDR emulator; the whole benchmark takes about 90 s.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, time as clock_time, timedelta

import requests

from bench.common import Result, dashboard_session, median_ms, p95_ms, running_dashboard, running_emulator
from voiphistory.voipstudio import Filter

CDRS = 1_000_000
SUPERVISORS = 50
SECONDS = 60
EMULATOR_SECONDS = 15
THINK_SECONDS = (0.5, 2.0)
PRESETS = ["today", "yesterday", "7d", "month", ""]
TARGET_RATIO = 0.8
#: A table's collection and date field (history.catalog), for the emulator's side of a table click.
TABLES = {
    "calls": ("cdrs", "calldate"),
    "recordings": ("monitors", "timestamp"),
    "voicemail": ("voicemessages", "origtime"),
    "chats": ("chats", "created_at"),
}


class Click:
    """One thing a supervisor does, as the dashboard is asked it and as its upstream request."""

    def __init__(
        self, kind: str, path: str, query: dict, headers: dict, upstream: tuple[str, dict, dict]
    ) -> None:
        self.kind, self.path, self.query, self.headers, self.upstream = kind, path, query, headers, upstream


def _days(field: str, preset: str) -> list[Filter]:
    """The UTC bounds a preset asks for on ``field`` (web.dates.preset_days, in UTC)."""
    today = date.today()
    starts = {
        "today": today,
        "yesterday": today - timedelta(days=1),
        "7d": today - timedelta(days=6),
        "month": today.replace(day=1),
    }
    if preset not in starts:
        return []
    last = today - timedelta(days=1) if preset == "yesterday" else today
    start = datetime.combine(starts[preset], clock_time.min, UTC)
    end = datetime.combine(last + timedelta(days=1), clock_time.min, UTC)
    return [Filter(field, "gte", start), Filter(field, "lt", end)]


def _listing(
    collection: str, field: str, preset: str, page: int, direction: str, *more: Filter
) -> tuple[str, dict, dict]:
    params: dict = {"page": page, "limit": 25, "sort": field, "dir": direction}
    if filters := [*_days(field, preset), *more]:
        params["filter"] = json.dumps([f.to_api() for f in filters], separators=(",", ":"))
    return f"/{collection}", params, {}


class Load:
    def __init__(self, call_ids: list[int], recording_ids: list[int], clients: int, seconds: float) -> None:
        self.call_ids, self.recording_ids, self.seconds = call_ids, recording_ids, seconds
        self.samples: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.deadline = 0.0  # set when the last client is ready
        self.ready = threading.Barrier(clients, action=self.start_clock)

    def start_clock(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    def click(self, rng: random.Random) -> Click:
        roll = rng.random()
        if roll < 0.55:
            section = rng.choice(["calls", "calls", "recordings", "voicemail", "chats"])
            preset, page, sort = rng.choice(PRESETS), rng.randint(1, 5), rng.choice(["-when", "when"])
            headers = {"HX-Request": "true"} if rng.random() < 0.8 else {}
            upstream = _listing(*TABLES[section], preset, page, "DESC" if sort.startswith("-") else "ASC")
            return Click(
                "table page",
                f"/{section}/",
                {"preset": preset, "page": page, "sort": sort},
                headers,
                upstream,
            )
        if roll < 0.75:
            q = str(rng.randint(10, 99))
            upstream = _listing("cdrs", "calldate", "month", 1, "DESC", Filter("clid", "like", q))
            return Click(
                "number search", "/calls/", {"q": q, "preset": "month"}, {"HX-Request": "true"}, upstream
            )
        if roll < 0.9:
            id = rng.choice(self.call_ids)
            return Click("call detail", f"/calls/{id}/", {}, {}, (f"/cdrs/{id}", {}, {}))
        id, first_bytes = rng.choice(self.recording_ids), {"Range": "bytes=0-65535"}
        return Click(
            "recording start",
            f"/recordings/{id}/audio.mp3",
            {},
            first_bytes,
            (f"/monitors/{id}.mp3", {}, first_bytes),
        )

    def client(
        self, number: int, session: requests.Session, ask: Callable[[requests.Session, Click], str]
    ) -> None:
        rng = random.Random(number)
        self.ready.wait()
        while time.monotonic() < self.deadline:
            click = self.click(rng)
            began = time.perf_counter()
            try:
                problem = ask(session, click)
            except requests.RequestException as error:
                problem = f"{type(error).__name__} {click.path}"
            elapsed = time.perf_counter() - began
            with self.lock:
                self.samples.setdefault(click.kind, []).append(elapsed)
                if problem:
                    self.errors.append(problem)
            time.sleep(rng.uniform(*THINK_SECONDS))

    def run(self, sessions: list[requests.Session], ask: Callable[[requests.Session, Click], str]) -> None:
        threads = [threading.Thread(target=self.client, args=(n, s, ask)) for n, s in enumerate(sessions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    @property
    def answered(self) -> int:
        return sum(len(times) for times in self.samples.values())


def run() -> list[Result]:
    with running_emulator(CDRS) as (api, token), running_dashboard(api) as url:
        upstream = requests.Session()
        upstream.headers["X-Auth-Token"] = token
        newest = {"sort": "id", "dir": "DESC", "limit": 200}
        call_ids = [
            row["id"] for row in upstream.get(f"{api}/cdrs", params=newest, timeout=60).json()["data"]
        ]
        recording_ids = [
            row["id"] for row in upstream.get(f"{api}/monitors", params=newest, timeout=60).json()["data"]
        ]

        def dashboard_ask(session: requests.Session, click: Click) -> str:
            response = session.get(
                f"{url}{click.path}", params=click.query, headers=click.headers, timeout=30
            )
            failed = response.status_code not in (200, 206) or "upstream-error" in response.text[:20000]
            return f"{response.status_code} {click.path}" if failed else ""

        def emulator_ask(session: requests.Session, click: Click) -> str:
            path, params, headers = click.upstream
            response = session.get(f"{api}{path}", params=params, headers=headers, timeout=30)
            return "" if response.status_code in (200, 206) else f"{response.status_code} {path}"

        dashboard = Load(call_ids, recording_ids, SUPERVISORS, SECONDS)
        dashboard.run([dashboard_session(url) for _ in range(SUPERVISORS)], dashboard_ask)
        direct = Load(call_ids, recording_ids, SUPERVISORS, EMULATOR_SECONDS)
        sessions = [requests.Session() for _ in range(SUPERVISORS)]
        for session in sessions:
            session.headers["X-Auth-Token"] = token
        direct.run(sessions, emulator_ask)
    samples = [t for times in dashboard.samples.values() for t in times]
    served, emulated = dashboard.answered / SECONDS, direct.answered / EMULATOR_SECONDS
    ratio = served / emulated if emulated else 0.0
    shown = "; ".join(sorted(set(dashboard.errors))[:5])
    bench = f"{SUPERVISORS} supervisors, {SECONDS} s"
    return [
        Result(bench, "requests answered", len(samples), "requests"),
        Result(bench, "throughput", served, "req/s"),
        Result(bench, "the emulator's own for the same clicks", emulated, "req/s"),
        Result(
            bench,
            "throughput against the emulator's",
            ratio,
            "x",
            f">= {TARGET_RATIO}",
            ratio >= TARGET_RATIO,
        ),
        Result(
            bench,
            "errors" + (f" ({shown})" if shown else ""),
            len(dashboard.errors),
            "",
            "0",
            not dashboard.errors,
        ),
        Result(bench, "response time: p50", median_ms(samples), "ms"),
        Result(bench, "response time: p95", p95_ms(samples), "ms"),
    ] + [
        Result(bench, f"{kind} ({len(times)}): p50 / p95 {p95_ms(times):,.0f} ms", median_ms(times), "ms")
        for kind, times in sorted(dashboard.samples.items())
    ]

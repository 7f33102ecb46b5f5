"""Issue 3: 25 supervisors browsing at once for 60 s on this 2-core machine: zero errors, p50/p95.

Each simulated supervisor signs in through the form, then until time is up: opens a table page or
asks for a table fragment with a random filter, sort and page, opens a call's detail page, or
starts a recording (the first 64 KB, as a browser's audio element does), pausing 0.5–2 s between
clicks like a person reading the screen. Everything runs against the 1,000,000-CDR emulator.
"""

from __future__ import annotations

import random
import threading
import time

import requests

from bench.common import Result, dashboard_session, median_ms, p95_ms, running_dashboard, running_emulator

CDRS = 1_000_000
SUPERVISORS = 25
SECONDS = 60
THINK_SECONDS = (0.5, 2.0)
PRESETS = ["today", "yesterday", "7d", "month", ""]


class Load:
    def __init__(self, url: str, call_ids: list[int], recording_ids: list[int]) -> None:
        self.url, self.call_ids, self.recording_ids = url, call_ids, recording_ids
        self.samples: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.deadline = 0.0  # set when the last supervisor has signed in
        self.signed_in = threading.Barrier(SUPERVISORS, action=self.start_clock)

    def start_clock(self) -> None:
        self.deadline = time.monotonic() + SECONDS

    def click(self, rng: random.Random) -> tuple[str, str, dict, dict]:
        """One thing a supervisor does: (kind, path, query, headers)."""
        roll = rng.random()
        if roll < 0.55:
            section = rng.choice(["calls", "calls", "recordings", "voicemail", "chats"])
            query = {"preset": rng.choice(PRESETS), "page": rng.randint(1, 5), "sort": rng.choice(["-when", "when"])}
            headers = {"HX-Request": "true"} if rng.random() < 0.8 else {}
            return "table page", f"/{section}/", query, headers
        if roll < 0.75:
            return "number search", "/calls/", {"q": str(rng.randint(10, 99)), "preset": "month"}, {"HX-Request": "true"}
        if roll < 0.9:
            return "call detail", f"/calls/{rng.choice(self.call_ids)}/", {}, {}
        return "recording start", f"/recordings/{rng.choice(self.recording_ids)}/audio.mp3", {}, {"Range": "bytes=0-65535"}

    def supervisor(self, number: int) -> None:
        rng = random.Random(number)
        session = dashboard_session(self.url)
        self.signed_in.wait()
        while time.monotonic() < self.deadline:
            kind, path, query, headers = self.click(rng)
            began = time.perf_counter()
            try:
                response = session.get(f"{self.url}{path}", params=query, headers=headers, timeout=30)
                failed = response.status_code not in (200, 206) or "upstream-error" in response.text[:20000]
                problem = f"{response.status_code} {path}" if failed else ""
            except requests.RequestException as error:
                problem = f"{type(error).__name__} {path}"
            elapsed = time.perf_counter() - began
            with self.lock:
                self.samples.setdefault(kind, []).append(elapsed)
                if problem:
                    self.errors.append(problem)
            time.sleep(rng.uniform(*THINK_SECONDS))


def run() -> list[Result]:
    with running_emulator(CDRS) as (api, token), running_dashboard(api) as url:
        upstream = requests.Session()
        upstream.headers["X-Auth-Token"] = token
        newest = {"sort": "id", "dir": "DESC", "limit": 200}
        call_ids = [row["id"] for row in upstream.get(f"{api}/cdrs", params=newest, timeout=60).json()["data"]]
        recording_ids = [row["id"] for row in upstream.get(f"{api}/monitors", params=newest, timeout=60).json()["data"]]
        load = Load(url, call_ids, recording_ids)
        threads = [threading.Thread(target=load.supervisor, args=(n,)) for n in range(SUPERVISORS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    samples, errors = [t for kind in load.samples.values() for t in kind], load.errors
    shown = "; ".join(sorted(set(errors))[:5])
    return [
        Result("25 supervisors, 60 s", "requests answered", len(samples), "requests"),
        Result("25 supervisors, 60 s", "throughput", len(samples) / SECONDS, "req/s"),
        Result("25 supervisors, 60 s", "errors" + (f" ({shown})" if shown else ""), len(errors), "", "0", not errors),
        Result("25 supervisors, 60 s", "response time: p50", median_ms(samples), "ms"),
        Result("25 supervisors, 60 s", "response time: p95", p95_ms(samples), "ms"),
    ] + [
        Result("25 supervisors, 60 s", f"{kind} ({len(times)}): p50 / p95 {p95_ms(times):,.0f} ms", median_ms(times), "ms")
        for kind, times in sorted(load.samples.items())
    ]

"""Issue 6: 50 people at once for 60 s mixing browsing, playback and edits against gunicorn and the
emulator: zero errors, nothing lost (every edit reads back as last saved), p95 reported.

Each session signs in through the form, then until time is up: opens a table (page or fragment),
opens a call, plays a recording (the first 64 KB, then a seek), or corrects the summary of one of
its own recordings (sessions edit disjoint recordings, so "the last save wins" is checkable), with
0.2–1 s between clicks. Afterwards every edited recording is read back from the API.
"""

from __future__ import annotations

import random
import threading
import time

import requests

from bench.common import (
    Result,
    dashboard_session,
    free_port,
    median_ms,
    p95_ms,
    running_dashboard,
    running_emulator,
)

CDRS = 20_000
SESSIONS = 50
SECONDS = 60
THINK_SECONDS = (0.2, 1.0)
NAME = f"{SESSIONS} mixed sessions, {SECONDS} s"
EDIT_FIELDS = ("summary", "transcript", "transcript_speakers", "sentiment", "cx_score")


class Load:
    def __init__(self, url: str, call_ids: list[int], monitors: list[dict]) -> None:
        self.url, self.call_ids, self.monitors = url, call_ids, monitors
        self.samples: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.saved: dict[int, str] = {}  # recording id -> the summary last saved through the dashboard
        self.lock = threading.Lock()
        self.deadline = 0.0
        self.signed_in = threading.Barrier(SESSIONS, action=self.start_clock)

    def start_clock(self) -> None:
        self.deadline = time.monotonic() + SECONDS

    def act(self, session: requests.Session, rng: random.Random, number: int, count: int) -> tuple[str, str]:
        """One click; returns (kind, problem or "")."""
        roll = rng.random()
        if roll < 0.45:
            section = rng.choice(["calls", "recordings", "voicemail", "chats"])
            headers = {"HX-Request": "true"} if rng.random() < 0.8 else {}
            query = {"page": rng.randint(1, 4), "sort": rng.choice(["-when", "when"])}
            response = session.get(f"{self.url}/{section}/", params=query, headers=headers, timeout=30)
            return "browse", _problem(response, "<caption>")
        if roll < 0.6:
            response = session.get(f"{self.url}/calls/{rng.choice(self.call_ids)}/", timeout=30)
            return "call detail", _problem(response, "")
        if roll < 0.8:
            monitor = rng.choice(self.monitors)
            path = f"{self.url}/recordings/{monitor['id']}/audio.mp3"
            first = session.get(path, headers={"Range": "bytes=0-65535"}, timeout=30)
            seek = session.get(path, headers={"Range": "bytes=100000-165535"}, timeout=30)
            return "playback", _problem(first, "", (206,)) or _problem(seek, "", (206, 416))
        mine = self.monitors[number::SESSIONS]
        monitor = rng.choice(mine)
        summary = f"load test: session {number}, edit {count}"
        data = {name: "" if monitor[name] is None else monitor[name] for name in EDIT_FIELDS} | {
            "summary": summary
        }
        response = session.post(
            f"{self.url}/recordings/{monitor['id']}/edit/",
            data=data,
            headers={"HX-Request": "true"},
            timeout=30,
        )
        problem = (
            _problem(response, summary) or ('name="summary"' in response.text and "edit not saved") or ""
        )
        if not problem:
            with self.lock:
                self.saved[monitor["id"]] = summary
        return "edit", problem

    def person(self, number: int) -> None:
        rng = random.Random(number)
        session = dashboard_session(self.url)
        self.signed_in.wait()
        count = 0
        while time.monotonic() < self.deadline:
            count += 1
            began = time.perf_counter()
            try:
                kind, problem = self.act(session, rng, number, count)
            except requests.RequestException as error:
                kind, problem = "failed", type(error).__name__
            elapsed = time.perf_counter() - began
            with self.lock:
                self.samples.setdefault(kind, []).append(elapsed)
                if problem:
                    self.errors.append(f"{kind}: {problem}")
            time.sleep(rng.uniform(*THINK_SECONDS))


def _problem(response: requests.Response, expected: str, statuses: tuple[int, ...] = (200,)) -> str:
    if response.status_code not in statuses:
        return f"HTTP {response.status_code}"
    if "VoIPstudio could not answer" in response.text[:50000] or (expected and expected not in response.text):
        return "error shown"
    return ""


def run() -> list[Result]:
    with (
        running_emulator(CDRS, port=free_port()) as (api, token),
        running_dashboard(api, port=free_port()) as url,
    ):
        upstream = requests.Session()
        upstream.headers["X-Auth-Token"] = token
        newest = {"sort": "id", "dir": "DESC", "limit": 200}
        call_ids = [
            row["id"] for row in upstream.get(f"{api}/cdrs", params=newest, timeout=60).json()["data"]
        ]
        monitors = upstream.get(f"{api}/monitors", params=newest, timeout=60).json()["data"]
        load = Load(url, call_ids, monitors)
        threads = [threading.Thread(target=load.person, args=(n,)) for n in range(SESSIONS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        lost = [
            i
            for i, summary in load.saved.items()
            if upstream.get(f"{api}/monitors/{i}", timeout=30).json()["data"]["summary"] != summary
        ]
    samples, errors = [t for times in load.samples.values() for t in times], load.errors
    shown = "; ".join(sorted(set(errors))[:5])
    return [
        Result(NAME, "requests answered", len(samples), "clicks"),
        Result(NAME, "errors" + (f" ({shown})" if shown else ""), len(errors), "", "0", not errors),
        Result(NAME, f"edits lost (of {len(load.saved)} recordings edited)", len(lost), "", "0", not lost),
        Result(NAME, "response time: p50", median_ms(samples), "ms"),
        Result(NAME, "response time: p95", p95_ms(samples), "ms"),
    ] + [
        Result(NAME, f"{kind} ({len(times)}): p50 / p95 {p95_ms(times):,.0f} ms", median_ms(times), "ms")
        for kind, times in sorted(load.samples.items())
    ]

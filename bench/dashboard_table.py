"""Issue 14.4: what a table fragment adds over the upstream requests it wraps (<= 10 ms median,
quiet run), and how many bytes it sends.

The dashboard runs under gunicorn as ``make run`` starts it, against the 1,000,000-CDR emulator.
For each table both sides ask the emulator for the same data. The direct side sends the fragment's
upstream requests itself with ``requests``: Recordings and Voicemail, their newest 25 (one page);
Calls with every leg for the last 7 days, 50 rows (the page of legs, then the recordings of their
time window, as ``history.call_recordings`` asks). The dashboard side asks for the HTMX fragment,
which makes those requests, parses them and renders the table. The grouped Calls view (one row per
call) reads the whole window's legs and is measured by the page benchmarks, not here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from bench.common import (
    Result,
    dashboard_session,
    median_ms,
    p95_ms,
    running_dashboard,
    running_emulator,
    timed,
)
from voiphistory.voipstudio import Filter

CDRS = 1_000_000
REQUESTS = 60
TARGET_MS = 10
#: history.call_recordings: the clock skew allowed around each leg, and its page of recordings.
SLACK = timedelta(minutes=2)
RECORDINGS_PAGE = 1000


def _filters(*filters: Filter) -> str:
    return json.dumps([f.to_api() for f in filters], separators=(",", ":"))


def calls_params() -> dict[str, str | int]:
    """The request the Calls table makes for ``?preset=7d`` in UTC (see history.filters.date_filters)."""
    today = datetime.now(ZoneInfo("UTC")).replace(hour=0, minute=0, second=0, microsecond=0)
    days = (
        Filter("calldate", "gte", today - timedelta(days=6)),
        Filter("calldate", "lt", today + timedelta(days=1)),
    )
    return {"page": 1, "limit": 50, "sort": "calldate", "dir": "DESC", "filter": _filters(*days)}


def recordings_window(legs: list[dict]) -> dict[str, str | int]:
    """The recordings lookup of a page of legs: one request for its whole time window."""
    starts = [datetime.fromisoformat(leg["calldate"]).replace(tzinfo=UTC) for leg in legs]
    ends = [
        start + timedelta(seconds=leg.get("duration") or 0) for start, leg in zip(starts, legs, strict=True)
    ]
    window = (Filter("timestamp", "gte", min(starts) - SLACK), Filter("timestamp", "lte", max(ends) + SLACK))
    return {
        "page": 1,
        "limit": RECORDINGS_PAGE,
        "sort": "timestamp",
        "dir": "ASC",
        "filter": _filters(*window),
    }


def newest(field: str) -> dict[str, str | int]:
    return {"page": 1, "limit": 25, "sort": field, "dir": "DESC"}


def run() -> list[Result]:
    results: list[Result] = []
    with running_emulator(CDRS) as (api, token), running_dashboard(api) as url:
        direct = requests.Session()
        direct.headers["X-Auth-Token"] = token

        def get(path: str, params: dict) -> list[dict]:
            response = direct.get(f"{api}/{path}", params=params, timeout=60)
            assert response.status_code == 200 and response.json()["data"], response.text[:200]
            return response.json()["data"]

        def calls_upstream() -> None:
            get("monitors", recordings_window(get("cdrs", calls_params())))

        tables: list[tuple[str, str, dict, Callable[[], object]]] = [
            (
                "Calls, every leg, 7 days, 50 rows",
                "calls",
                {"preset": "7d", "size": 50, "legs": 1},
                calls_upstream,
            ),
            ("Recordings, 25 rows", "recordings", {"size": 25}, lambda: get("monitors", newest("timestamp"))),
            (
                "Voicemail, 25 rows",
                "voicemail",
                {"size": 25},
                lambda: get("voicemessages", newest("origtime")),
            ),
        ]
        supervisor = dashboard_session(url)
        for name, slug, query, upstream in tables:
            sizes: list[int] = []

            def fragment(slug: str = slug, query: dict = query, sizes: list[int] = sizes) -> None:
                response = supervisor.get(
                    f"{url}/{slug}/", params=query, headers={"HX-Request": "true"}, timeout=60
                )
                assert response.status_code == 200 and "<tbody" in response.text, response.text[:200]
                sizes.append(len(response.content))

            timed(upstream, 5)
            timed(fragment, 5)  # warm both sides (connections, the user directory cache, templates)
            upstream_samples, fragment_samples = [], []
            for _ in range(REQUESTS):  # interleaved so a slow moment of the machine hits both sides alike
                upstream_samples += timed(upstream, 1)
                fragment_samples += timed(fragment, 1)
            overhead = median_ms(fragment_samples) - median_ms(upstream_samples)
            bench = f"table fragment: {name}"
            via = f"the fragment via the dashboard: median / p95 {p95_ms(fragment_samples):,.1f} ms"
            results += [
                Result(bench, "its upstream requests directly: median", median_ms(upstream_samples), "ms"),
                Result(bench, via, median_ms(fragment_samples), "ms"),
                Result(bench, "fragment size", sizes[-1] / 1000, "KB"),
                Result(
                    bench,
                    "overhead of the dashboard: median",
                    overhead,
                    "ms",
                    f"<= {TARGET_MS} ms",
                    overhead <= TARGET_MS,
                ),
            ]
    return results

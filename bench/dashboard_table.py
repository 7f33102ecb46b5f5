"""Issue 3: what a table fragment adds over the upstream request it wraps (<= 20 ms median).

The dashboard runs under gunicorn as ``make run`` starts it, against the 1,000,000-CDR emulator.
Both sides ask the emulator for the same page: the Calls table for the last 7 days, newest first,
50 rows. The direct side sends that request with ``requests``; the dashboard side asks for the
HTMX fragment, which makes the request, parses it and renders the table.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from bench.common import Result, dashboard_session, median_ms, p95_ms, running_dashboard, running_emulator, timed
from voiphistory.voipstudio import Filter

CDRS = 1_000_000
REQUESTS = 100


def upstream_params() -> dict[str, str | int]:
    """The request the Calls table makes for ``?preset=7d`` in UTC (see history.forms.date_filters)."""
    today = datetime.now(ZoneInfo("UTC")).replace(hour=0, minute=0, second=0, microsecond=0)
    filters = [Filter("calldate", "gte", today - timedelta(days=6)), Filter("calldate", "lt", today + timedelta(days=1))]
    return {
        "page": 1, "limit": 50, "sort": "calldate", "dir": "DESC",
        "filter": json.dumps([f.to_api() for f in filters], separators=(",", ":")),
    }  # fmt: skip


def run() -> list[Result]:
    with running_emulator(CDRS) as (api, token), running_dashboard(api) as url:
        direct = requests.Session()
        direct.headers["X-Auth-Token"] = token
        params = upstream_params()

        def upstream() -> None:
            response = direct.get(f"{api}/cdrs", params=params, timeout=60)
            assert response.status_code == 200 and response.json()["data"], response.text[:200]

        supervisor = dashboard_session(url)

        def fragment() -> None:
            response = supervisor.get(f"{url}/calls/", params={"preset": "7d", "size": 50},
                                      headers={"HX-Request": "true"}, timeout=60)  # fmt: skip
            assert response.status_code == 200 and "<tbody" in response.text, response.text[:200]

        timed(upstream, 5)
        timed(fragment, 5)  # warm both sides (connections, the user directory cache, templates)
        upstream_samples, fragment_samples = [], []
        for _ in range(REQUESTS):  # interleaved so a slow moment of the machine hits both sides alike
            upstream_samples += timed(upstream, 1)
            fragment_samples += timed(fragment, 1)
    overhead = median_ms(fragment_samples) - median_ms(upstream_samples)
    return [
        Result("table fragment", "upstream /cdrs page directly: median", median_ms(upstream_samples), "ms"),
        Result("table fragment", "Calls fragment via the dashboard: median", median_ms(fragment_samples), "ms"),
        Result("table fragment", "Calls fragment: p95", p95_ms(fragment_samples), "ms"),
        Result("table fragment", "overhead of the dashboard: median", overhead, "ms", "<= 20 ms", overhead <= 20),
    ]

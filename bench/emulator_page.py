"""Issue 2: a 100-row /cdrs page with a date filter and sort, at 1,000,000 CDRs (< 50 ms median)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import requests

from bench.common import Result, median_ms, p95_ms, running_emulator, timed

CDRS = 1_000_000
REQUESTS = 60


def run() -> list[Result]:
    results = []
    with running_emulator(CDRS) as (api, token):
        session = requests.Session()
        session.headers["X-Auth-Token"] = token
        latest = session.get(f"{api}/cdrs", params={"limit": 1, "sort": "calldate", "dir": "DESC"}, timeout=60).json()
        total = latest["total"]
        since = datetime.strptime(latest["data"][0]["calldate"], "%Y-%m-%d %H:%M:%S") - timedelta(days=30)
        date_filter = json.dumps([{"property": "calldate", "operator": "gte", "value": f"{since:%Y-%m-%d}"}])

        def page(number: int) -> None:
            params = {"filter": date_filter, "sort": "calldate", "dir": "DESC", "limit": 100, "page": number}
            response = session.get(f"{api}/cdrs", params=params, timeout=60)
            assert response.status_code == 200 and len(response.json()["data"]) == 100

        timed(lambda: page(1), 5)  # warm the page cache
        first = timed(lambda: page(1), REQUESTS)
        pages = iter(range(1, REQUESTS + 1))
        deeper = timed(lambda: page(next(pages)), REQUESTS)
        results += [
            Result("emulator /cdrs page", f"rows in the emulator", total, "CDRs"),
            Result("emulator /cdrs page", "page 1, 30-day filter, sort calldate: median", median_ms(first), "ms",
                   "< 50 ms", median_ms(first) < 50),
            Result("emulator /cdrs page", "page 1: p95", p95_ms(first), "ms"),
            Result("emulator /cdrs page", f"pages 1..{REQUESTS}: median", median_ms(deeper), "ms",
                   "< 50 ms", median_ms(deeper) < 50),
        ]  # fmt: skip
    return results

"""Issue 14.5: any page of a 1,000,000-CDR emulator in < 50 ms: deep pages and number filters included.

The seeded database takes most of a minute to build, so it is kept between runs in a temporary
directory keyed by the seed's and the migrations' source (``emulator_cache_key``): a change to either
seeds a fresh one. ``VOIPHISTORY_EMULATOR_BENCH_DB`` points the benchmark at another database,
``VOIPHISTORY_BENCH_EMULATOR_PORT`` fixes the emulator's port (default: any free one).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import requests

import devstack
from bench.common import PASSWORD, SUPERVISOR, Result, free_port, median_ms, p95_ms, timed

CDRS = 1_000_000
REQUESTS = 20
TARGET_MS = 50
_EMULATOR = devstack.ROOT / "voiphistory" / "emulator"


def emulator_cache_key() -> str:
    """A digest of everything that decides the seeded database's content and schema."""
    digest = hashlib.sha256()
    for path in sorted([*(_EMULATOR / "seed").glob("*.py"), *(_EMULATOR / "migrations").glob("*.py")]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def cached_database(cdrs: int) -> Path:
    """A seeded emulator database of ``cdrs`` CDRs, made once per seed version and kept in tmp."""
    data_dir = Path(tempfile.gettempdir()) / "voiphistory-bench" / f"emulator-{cdrs}-{emulator_cache_key()}"
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / "emulator.sqlite3"
    env = devstack.emulator_env(data_dir, db)
    env["VOIPHISTORY_DEMO_PASSWORD"] = PASSWORD
    devstack.prepare_emulator(env, "--cdrs", str(cdrs), "--seed", "1")
    return db


def _rows(label: str, figure: str, samples: list[float]) -> list[Result]:
    median = median_ms(samples)
    return [
        Result(label, f"{figure}: median", median, "ms", f"< {TARGET_MS} ms", median < TARGET_MS),
        Result(label, f"{figure}: p95", p95_ms(samples), "ms"),
    ]


def run() -> list[Result]:
    override = os.environ.get("VOIPHISTORY_EMULATOR_BENCH_DB")
    db = Path(override) if override else cached_database(CDRS)
    port = int(os.environ.get("VOIPHISTORY_BENCH_EMULATOR_PORT") or free_port())
    service = devstack.start_emulator(
        devstack.emulator_env(db.parent, db), "127.0.0.1", port, db.parent / "emulator.log"
    )
    try:
        return _measure(f"{service.url}/v1.2/voipstudio")
    finally:
        service.stop()


def _measure(api: str) -> list[Result]:
    session = requests.Session()
    login = session.post(f"{api}/login", json={"email": SUPERVISOR, "password": PASSWORD}, timeout=30).json()
    session.headers["X-Auth-Token"] = login["user_token"]

    def get(resource: str, **params: str | int) -> dict:
        response = session.get(f"{api}/{resource}", params=params, timeout=60)
        assert response.status_code == 200, response.text[:200]
        return response.json()

    latest = get("cdrs", limit=1, sort="calldate", dir="DESC")
    total = latest["total"]
    newest = datetime.strptime(latest["data"][0]["calldate"], "%Y-%m-%d %H:%M:%S")
    month = [{"property": "calldate", "operator": "gte", "value": f"{newest - timedelta(days=30):%Y-%m-%d}"}]
    window = [  # the CLI's export window: a gte plus an lte, newest first by id
        {"property": "calldate", "operator": "gte", "value": f"{newest - timedelta(days=60):%Y-%m-%d}"},
        {"property": "calldate", "operator": "lte", "value": f"{newest:%Y-%m-%d} 23:59:59"},
    ]
    number = latest["data"][0]["src"] if latest["data"][0]["src"].isdigit() else "442038467190"
    agent = next(row["user_id"] for row in get("cdrs", limit=50)["data"] if row["user_id"])
    monitor = get("monitors", limit=1)["data"][0]
    last_page = total // 100  # the deepest full page of 100

    def filtered(filters: list[dict]) -> str:
        return json.dumps(filters)

    def shifted(filters: list[dict], seconds: int) -> list[dict]:
        """The same window starting ``seconds`` later: a filter the emulator has not seen yet."""
        start = datetime.strptime(filters[0]["value"], "%Y-%m-%d") + timedelta(seconds=seconds)
        return [{**filters[0], "value": f"{start:%Y-%m-%d %H:%M:%S}"}, *filters[1:]]

    cases: list[tuple[str, str, Callable[[int], dict]]] = [
        (
            "emulator /cdrs",
            "page 1, 30-day filter, sort calldate",
            lambda n: get("cdrs", filter=filtered(month), sort="calldate", dir="DESC", limit=100, page=1),
        ),
        (
            "emulator /cdrs",
            f"pages 1..{REQUESTS}, 30-day filter, sort calldate",
            lambda n: get("cdrs", filter=filtered(month), sort="calldate", dir="DESC", limit=100, page=n),
        ),
        (
            "emulator /cdrs",
            "60-day window, sort=id DESC (the CLI), page 1",
            lambda n: get("cdrs", filter=filtered(window), sort="id", dir="DESC", limit=100, page=1),
        ),
        (
            "emulator /cdrs",
            "60-day window, sort=id DESC, page 3000",
            lambda n: get("cdrs", filter=filtered(window), sort="id", dir="DESC", limit=100, page=3000),
        ),
        (
            "emulator /cdrs",
            "60-day window, sort=id DESC, walking pages 3000..",
            lambda n: get("cdrs", filter=filtered(window), sort="id", dir="DESC", limit=100, page=2999 + n),
        ),
        (
            "emulator /cdrs",
            "a new 60-day window each time (nothing kept), page 1",
            lambda n: get(
                "cdrs", filter=filtered(shifted(window, n)), sort="id", dir="DESC", limit=100, page=1
            ),
        ),
        (
            "emulator /cdrs",
            "a new 60-day window each time (nothing kept), page 3000",
            lambda n: get(
                "cdrs", filter=filtered(shifted(window, n + 100)), sort="id", dir="DESC", limit=100, page=3000
            ),
        ),
        (
            "emulator /cdrs",
            "a new 60-day window each time (nothing kept), sort calldate, page 3000",
            lambda n: get(
                "cdrs",
                filter=filtered(shifted(window, n + 200)),
                sort="calldate",
                dir="DESC",
                limit=100,
                page=3000,
            ),
        ),
        (
            "emulator /cdrs",
            f"no filter, sort=id, last page ({last_page:,})",
            lambda n: get("cdrs", sort="id", dir="DESC", limit=100, page=last_page),
        ),
        (
            "emulator /cdrs",
            "no filter, sort calldate ASC, page 5000",
            lambda n: get("cdrs", sort="calldate", dir="ASC", limit=100, page=5000),
        ),
        (
            "emulator /cdrs",
            "src eq number, sort calldate (timeline)",
            lambda n: get(
                "cdrs",
                filter=filtered([{"property": "src", "operator": "eq", "value": number}]),
                sort="calldate",
                dir="DESC",
                limit=100,
            ),
        ),
        (
            "emulator /cdrs",
            "dst eq number + 30 days, sort calldate",
            lambda n: get(
                "cdrs",
                filter=filtered([*month, {"property": "dst", "operator": "eq", "value": "441614960321"}]),
                sort="calldate",
                dir="DESC",
                limit=100,
            ),
        ),
        (
            "emulator /cdrs",
            "src like fragment + 30 days (dashboard)",
            lambda n: get(
                "cdrs",
                filter=filtered([*month, {"property": "src", "operator": "like", "value": number[2:9]}]),
                sort="calldate",
                dir="DESC",
                limit=25,
            ),
        ),
        (
            "emulator /cdrs",
            "src like a new fragment each time + 30 days (nothing kept)",
            lambda n: get(
                "cdrs",
                filter=filtered([*month, {"property": "src", "operator": "like", "value": f"7700{n:03d}"}]),
                sort="calldate",
                dir="DESC",
                limit=25,
            ),
        ),
        (
            "emulator /cdrs",
            "user_id eq + 30 days, sort calldate",
            lambda n: get(
                "cdrs",
                filter=filtered([*month, {"property": "user_id", "operator": "eq", "value": agent}]),
                sort="calldate",
                dir="DESC",
                limit=25,
            ),
        ),
        (
            "emulator /cdrs",
            "disposition eq VM + 30 days, sort duration",
            lambda n: get(
                "cdrs",
                filter=filtered([*month, {"property": "disposition", "operator": "eq", "value": "VM"}]),
                sort="duration",
                dir="DESC",
                limit=25,
            ),
        ),
        (
            "emulator /cdrs",
            "type eq M + 30 days, sort calldate, page 40",
            lambda n: get(
                "cdrs",
                filter=filtered([*month, {"property": "type", "operator": "eq", "value": "M"}]),
                sort="calldate",
                dir="DESC",
                limit=25,
                page=40,
            ),
        ),
        (
            "emulator /monitors",
            "dst eq number, sort timestamp",
            lambda n: get(
                "monitors",
                filter=filtered([{"property": "dst", "operator": "eq", "value": monitor["dst"]}]),
                sort="timestamp",
                dir="DESC",
                limit=25,
            ),
        ),
        (
            "emulator /voicemessages",
            "folder eq + sort origtime, page 50",
            lambda n: get(
                "voicemessages",
                filter=filtered([{"property": "folder", "operator": "eq", "value": 2}]),
                sort="origtime",
                dir="DESC",
                limit=25,
                page=50,
            ),
        ),
    ]
    results = [Result("emulator /cdrs", "rows in the emulator", total, "CDRs")]
    for label, figure, request in cases:
        request(1)  # warm the page cache
        pages = iter(range(1, REQUESTS + 1))

        def next_page(request: Callable[[int], dict] = request, pages: Iterator[int] = pages) -> dict:
            return request(next(pages))

        results += _rows(label, figure, timed(next_page, REQUESTS))
    return results

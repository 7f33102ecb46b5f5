"""Issue 13: pages while VoIPstudio answers every GET with 503 and ``Retry-After: 5``.

A page's retries share one deadline (``UPSTREAM_BUDGET_SECONDS``, voipstudio/budget.py), so no page
holds a web thread longer than that, whatever Retry-After asks; before, a table held one for 15 s
and the number timeline 30 s. The dashboard runs under gunicorn as ``make run`` starts it; the
supervisor signs in before the fault is switched on (sign-in reads ``/me``), and each page must
answer with its message (never a 500).

Ports: ``BENCH_EMULATOR_PORT`` / ``BENCH_DASHBOARD_PORT`` (default 8091 / 8092, as the others).
"""

from __future__ import annotations

import os

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

CDRS = 20_000  # every GET fails: the size of the data does not matter here
SAMPLES = 6
FAULT = {"method": "GET", "status": 503, "retry_after": 5}
SLACK_SECONDS = 1.0  # rendering the message, sign-in checks, the machine being busy


def run() -> list[Result]:
    budget = float(os.environ.get("UPSTREAM_BUDGET_SECONDS", "6"))
    emulator_port = int(os.environ.get("BENCH_EMULATOR_PORT", "8091"))
    dashboard_port = int(os.environ.get("BENCH_DASHBOARD_PORT", "8092"))
    with (
        running_emulator(CDRS, port=emulator_port) as (api, token),
        running_dashboard(api, port=dashboard_port) as url,
    ):
        headers = {"X-Auth-Token": token}
        call = requests.get(f"{api}/cdrs", params={"limit": 1}, headers=headers, timeout=30).json()["data"][0]
        number = "".join(c for c in str(call.get("src") or "") if c.isdigit()) or "447700900123"
        supervisor = dashboard_session(url)
        pages = {
            "Calls table (page)": ("/calls/", {}),
            "Calls table (fragment)": ("/calls/", {"HX-Request": "true"}),
            "Recordings table (page)": ("/recordings/", {}),
            "call detail": (f"/calls/{call['id']}/", {}),
            "number timeline": (f"/numbers/{number}/", {}),
        }
        root = api.split("/v1.2/")[0]
        requests.post(f"{root}/_emulator/faults", json=FAULT, timeout=10).raise_for_status()
        failures = 0
        results: list[Result] = []
        try:
            for name, (path, extra) in pages.items():
                statuses: list[int] = []

                def page(path: str = path, extra: dict = extra, statuses: list[int] = statuses) -> None:
                    statuses.append(supervisor.get(f"{url}{path}", headers=extra, timeout=120).status_code)

                samples = timed(page, SAMPLES)
                failures += statuses.count(500)
                worst = max(samples)
                results += [
                    Result("503 + Retry-After 5", f"{name}: median", median_ms(samples), "ms"),
                    Result(
                        "503 + Retry-After 5",
                        f"{name}: p95",
                        p95_ms(samples),
                        "ms",
                        f"<= budget {budget:g} s + {SLACK_SECONDS:g} s",
                        worst <= budget + SLACK_SECONDS,
                    ),
                ]
        finally:
            requests.delete(f"{root}/_emulator/faults", timeout=10)
    results.append(
        Result("503 + Retry-After 5", "pages answering 500", failures, "pages", "0", failures == 0)
    )
    return results

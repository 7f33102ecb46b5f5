"""A page's concurrent upstream reads run under its time budget too (issue 13.3): a pool's threads
start with empty context variables, so ``budget.pool_map`` carries the budget into each call."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from voiphistory.voipstudio import budget


def test_pool_map_carries_the_budget_into_the_threads_and_plain_map_does_not():
    with budget.time_budget(6), ThreadPoolExecutor(max_workers=2) as pool:
        assert all(
            left is not None and 0 < left <= 6
            for left in budget.pool_map(pool, lambda _: budget.remaining(), range(4))
        )
        assert list(pool.map(lambda _: budget.remaining(), range(4))) == [None] * 4  # why pool_map exists


def test_the_number_timeline_under_503_with_retry_after_keeps_its_budget(supervisor, dashboard, settings):
    settings.UPSTREAM_BUDGET_SECONDS = 1.5
    number = dashboard.get("/cdrs", limit=1).json()["data"][0]["src"]
    dashboard.add_fault(path="^/cdrs$", method="GET", status=503, retry_after=1, remaining=100)
    response = supervisor.get(f"/numbers/{''.join(c for c in number if c.isdigit())}/")
    assert response.status_code in (200, 502)
    [rule] = requests.get(f"{dashboard.root_url}/_emulator/faults", timeout=10).json()["data"]
    # Two /cdrs reads (from, to), each the first answer and one retry; unbudgeted, each made four.
    assert 100 - rule["remaining"] <= 4

"""Issue 14: every page type over a WAN (80 ms added to every upstream answer, ``common.over_wan``).

For each page: how many upstream requests it makes, its longest dependent chain (requests that had
to wait for an answer before they could be sent: the round trips the page cannot avoid) and its
time at 80 ms per answer. Each page is opened once first (user names and code labels are cached
per customer, as in use), then timed a few times; the counts are the last visit's.
"""

from __future__ import annotations

import json
import os
import statistics
import time

import requests

from bench.common import (
    WAN_DELAY,
    Result,
    dashboard_session,
    free_port,
    over_wan,
    running_dashboard,
    running_emulator,
)
from bench.wan_proxy import WanProxy, longest_chain

CDRS = 20_000
#: Computed on the visit (Celery runs eagerly here), not read from the cache: its upstream reads.
OVERVIEW = "overview, 7 days, computed"
REPEAT = 3
#: Where the issue names a page's dependent steps: its longest chain must not be longer.
CHAIN_TARGETS = {"call detail, 4 legs, voicemail": 3, "chat detail": 1, "number timeline": 2}


def _api_get(api: str, token: str, path: str, **params: object) -> dict:
    response = requests.get(f"{api}{path}", params=params, headers={"X-Auth-Token": token}, timeout=60)
    response.raise_for_status()
    return response.json()


def _eq(name: str, value: object) -> str:
    return json.dumps([{"property": name, "operator": "eq", "value": value}])


def _pages(api: str, token: str) -> dict[str, str]:
    """The page of each type, over records of the seeded data that have what the type needs."""
    one_leg = four_leg = None
    for monitor in _api_get(api, token, "/monitors", limit=100, sort="id", dir="DESC")["data"]:
        if monitor.get("call_id") and one_leg is None:
            legs = _api_get(api, token, "/cdrs", filter=_eq("call_id", monitor["call_id"]), limit=10)
            if legs["total"] == 1:
                one_leg = legs["data"][0]["id"]
    for leg in _api_get(
        api, token, "/cdrs", filter=_eq("disposition", "VM"), limit=200, sort="id", dir="DESC"
    )["data"]:
        legs = _api_get(api, token, "/cdrs", filter=_eq("root_live_id", leg["root_live_id"]), limit=100)
        if legs["total"] == 4:
            four_leg = max(other["id"] for other in legs["data"])  # a leg after the first: notes on both
            break
    if one_leg is None or four_leg is None:
        raise RuntimeError("the seeded data has no one-leg recorded call or no four-leg voicemail call")
    chat = _api_get(api, token, "/chats", limit=1)["data"][0]["id"]
    number = _api_get(api, token, "/cdrs", limit=1, filter=_eq("type", "I"))["data"][0]["src"]
    return {
        "calls table": "/calls/",
        "recordings table": "/recordings/",
        "voicemail table": "/voicemail/",
        "chats table": "/chats/",
        "call detail, 1 leg, recording": f"/calls/{one_leg}/",
        "call detail, 4 legs, voicemail": f"/calls/{four_leg}/",
        "chat detail": f"/chats/{chat}/",
        "number timeline": f"/numbers/{number}/",
        OVERVIEW: "/overview/refresh/",
    }


def _visit(session: requests.Session, url: str, proxy: WanProxy) -> tuple[float, int, int]:
    proxy.take_log()
    started = time.perf_counter()
    if url.endswith("/overview/refresh/"):
        response = session.post(url, data={"period": "7d"}, headers={"HX-Request": "true"}, timeout=120)
    else:
        response = session.get(url, timeout=120)
    seconds = time.perf_counter() - started
    response.raise_for_status()
    exchanges = proxy.take_log()
    return seconds, len(exchanges), longest_chain(exchanges)


def run() -> list[Result]:
    results: list[Result] = []
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = (
        "true"  # the overview computed within its request (bench.__main__ restores)
    )
    with running_emulator(CDRS, port=free_port()) as (api, token), over_wan(api) as (wan_api, proxy):
        pages = _pages(api, token)
        with running_dashboard(wan_api, port=free_port()) as url:
            supervisor = dashboard_session(url)
            for name, path in pages.items():
                try:
                    _visit(supervisor, f"{url}{path}", proxy)  # caches warm, as in use
                    visits = [_visit(supervisor, f"{url}{path}", proxy) for _ in range(REPEAT)]
                except requests.HTTPError as error:  # a broken page has no figures; the others still do
                    print(f"  {name}: {error}", flush=True)
                    continue
                _, count, chain = visits[-1]
                target = CHAIN_TARGETS.get(name)
                page_ms = statistics.median(seconds for seconds, _, _ in visits) * 1000
                results += [
                    Result("pages_wan", f"{name}: upstream requests", count, "requests"),
                    Result(
                        "pages_wan",
                        f"{name}: longest dependent chain",
                        chain,
                        "round trips",
                        f"<= {target}" if target else "",
                        None if target is None else chain <= target,
                    ),
                    Result("pages_wan", f"{name}: page time at {WAN_DELAY * 1000:.0f} ms", page_ms, "ms"),
                ]
    return results


if __name__ == "__main__":
    for result in run():
        print(f"{result.figure:60} {result.value:10,.1f} {result.unit} {result.target}")

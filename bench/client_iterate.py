"""Issue 2: the client's lazy iterator walks 100,000 CDRs with flat memory (rows/s, peak RSS)."""

from __future__ import annotations

import itertools
import time

import psutil

from bench.common import Result, running_emulator
from bench.emulator_page import CDRS
from voiphistory.voipstudio import VoipstudioClient

ROWS = 100_000
PAGE_SIZE = 1000


def run() -> list[Result]:
    process = psutil.Process()
    with running_emulator(CDRS) as (api, token):
        client = VoipstudioClient(api, token, read_timeout=120)
        rss_samples: list[int] = []
        started = time.perf_counter()
        walked = 0
        for walked, _cdr in enumerate(
            itertools.islice(client.cdrs.iterate(page_size=PAGE_SIZE), ROWS), start=1
        ):
            if walked % 5000 == 0:
                rss_samples.append(process.memory_info().rss)
        elapsed = time.perf_counter() - started
    growth_mb = (max(rss_samples) - rss_samples[1]) / 2**20  # after the first 10,000 rows settle
    return [
        Result("client iterator", f"rows walked (page size {PAGE_SIZE})", walked, "rows"),
        Result("client iterator", "throughput", walked / elapsed, "rows/s"),
        Result("client iterator", "peak RSS", max(rss_samples) / 2**20, "MB"),
        Result(
            "client iterator",
            "RSS growth from 10k to 100k rows",
            growth_mb,
            "MB",
            "flat (< 10 MB)",
            growth_mb < 10,
        ),
    ]

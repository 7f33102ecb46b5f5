"""``make bench``: run every benchmark under bench/ and print one table of figures."""

from __future__ import annotations

import importlib
import json
import os
import sys
import time

from bench.common import BENCH_DIR, Result

BENCHMARKS = [
    "bench.emulator_page",
    "bench.client_iterate",
    "bench.audio_range",
    "bench.dashboard_table",
    "bench.dashboard_load",
    "bench.export_csv",  # issue 14.3: CSV and Excel exports against a plain page walk, at 0 and 80 ms
    "bench.archive_zip",  # issue 14.2: recordings archive against four parallel downloads, at 0 and 80 ms
    "bench.bulk_delete",
    "bench.overview",
    "bench.load_mixed",
    "bench.upstream_503",
    "bench.pages_wan",  # issue 14: every page type at 80 ms per upstream answer
]


def main(names: list[str]) -> int:
    results: list[Result] = []
    for name in names or BENCHMARKS:
        started = time.monotonic()
        print(f"running {name}…", flush=True)
        environment = dict(os.environ)
        try:
            results += importlib.import_module(name).run()
        finally:  # one benchmark's settings (a Redis of its own, a database) must not leak into the next
            os.environ.clear()
            os.environ.update(environment)
        print(f"  done in {time.monotonic() - started:.0f} s", flush=True)
    rows = [("benchmark", "figure", "value", "target", "met")]
    for r in results:
        met = "" if r.met is None else ("yes" if r.met else "NO")
        rows.append((r.benchmark, r.figure, f"{r.value:,.1f} {r.unit}", r.target, met))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    print()
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / "latest.json").write_text(json.dumps([r.__dict__ for r in results], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

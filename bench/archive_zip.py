"""Issue 14.2: archives at the API's speed. A recordings archive job (ZIP of MP3s + manifest)
against a plain loop downloading the same MP3s four at a time (ThreadPoolExecutor over requests
with one shared session, each file written to disk as the public CLI does), with 0 and with 80 ms
added to every emulator answer; the upstream requests the job made, counted by the emulator's
job's process (bench/job_once.py).

300 recordings of the 20,000-CDR demo data, as in the issue's measurement (~30 s in all).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench.common import Result, free_port, job_env, running_emulator
from bench.export_csv import latency
from bench.job_once import migrated, run_job

CDRS = 20_000
RECORDINGS = 300
PARALLEL = 4
DELAYS_MS = (0, 80)


def plain_loop(api: str, token: str, ids: list[int], directory: Path) -> float:
    """Seconds to download every MP3 four at a time into ``directory``."""
    session = requests.Session()
    session.headers["X-Auth-Token"] = token
    directory.mkdir(parents=True, exist_ok=True)

    def download(id: int) -> None:
        with session.get(f"{api}/monitors/{id}.mp3", stream=True, timeout=60) as response:
            response.raise_for_status()
            with open(directory / f"{id}.mp3", "wb") as handle:
                for chunk in response.iter_content(65_536):
                    handle.write(chunk)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        list(pool.map(download, ids))
    return time.perf_counter() - started


def run() -> list[Result]:
    work = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    env = job_env(work, ARCHIVE_PARALLEL_DOWNLOADS=str(PARALLEL))
    try:
        return _measured(env)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the loop's files and the job's database


def _measured(env: dict[str, str]) -> list[Result]:
    migrated(env)
    results: list[Result] = []
    with running_emulator(CDRS, port=free_port()) as (api, token):
        env["VOIPSTUDIO_BASE_URL"] = api
        root = api.split("/v1.")[0]
        listed = requests.get(
            f"{api}/monitors",
            params={"limit": RECORDINGS, "sort": "id", "dir": "DESC"},
            headers={"X-Auth-Token": token},
            timeout=60,
        ).json()["data"]
        ids = [record["id"] for record in listed]
        for delay in DELAYS_MS:
            latency(root, delay)
            loop_seconds = plain_loop(api, token, ids, Path(env["VOIPHISTORY_DATA_DIR"]) / f"loop-{delay}")
            report, peak = run_job(env, kind="archive", section="recordings", ids=ids, token=token)
            asked = report["requests"]  # by kind, counted in the job's process
            Path(report["path"]).unlink(missing_ok=True)
            ratio = loop_seconds / report["seconds"]
            results += [
                Result(
                    "Recordings archive",
                    f"recordings archived, {delay} ms ({report['status']})",
                    report["done"] - report["failed"],
                    "files",
                    f"= {len(ids)}",
                    report["done"] - report["failed"] == len(ids),
                ),
                Result("Recordings archive", f"plain loop, 4 at a time, {delay} ms", loop_seconds, "s"),
                Result("Recordings archive", f"archive job, {delay} ms", report["seconds"], "s"),
                Result(
                    "Recordings archive",
                    f"ratio to the plain loop, {delay} ms",
                    ratio,
                    "x",
                    ">= 1.0",
                    ratio >= 1.0,
                ),
                Result(
                    "Recordings archive",
                    f"GETs of one record, {delay} ms ({asked.get('GET /monitors', 0)} list pages)",
                    asked.get("GET /monitors/{id}", 0),
                    "requests",
                    "0",
                    asked.get("GET /monitors/{id}", 0) == 0,
                ),
                Result(
                    "Recordings archive",
                    f"peak job process RSS, {delay} ms",
                    peak / 2**20,
                    "MB",
                    "< 150 MB",
                    peak / 2**20 < 150,
                ),
            ]
        latency(root, 0)
    return results

"""Issue 4: export 1,000,000 CDRs through a real Celery worker; peak worker RSS and throughput
as a ratio to walking the same pages with the client alone. Issue 11: the same as an Excel
workbook, whose peak RSS must stay as flat (XlsxWriter ``constant_memory``)."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

import psutil

from bench.common import SUPERVISOR, Result, free_port, running_emulator
from voiphistory import devstack
from voiphistory.voipstudio import VoipstudioClient

CDRS = 1_000_000
PAGE_SIZE = 1000


def _client_walk(api: str, token: str) -> tuple[int, float]:
    client = VoipstudioClient(api, token, read_timeout=120)
    started, rows, page = time.perf_counter(), 0, 1
    while True:
        result = client.cdrs.page(page=page, limit=PAGE_SIZE, sort="calldate", direction="DESC")
        rows += len(result.items)
        if not result.items or rows >= result.total:
            break
        page += 1
    return rows, time.perf_counter() - started


def _tree_rss(process: psutil.Process) -> int:
    """The largest single process of the worker (the pool child does the work)."""
    try:
        return max(p.memory_info().rss for p in [process, *process.children(recursive=True)])
    except psutil.Error:
        return 0


def run() -> list[Result]:
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    env = dict(os.environ, VOIPHISTORY_DATA_DIR=str(work), DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
               SECRET_KEY="bench-export-secret", REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
               EXPORT_DIR=str(work / "exports"), EXPORT_PAGE_SIZE=str(PAGE_SIZE), LOG_LEVEL="WARNING",
               VOIPSTUDIO_READ_TIMEOUT="120", JOBS_UNDO_SECONDS="0")  # fmt: skip
    with running_emulator(CDRS, port=free_port()) as (api, token):
        env["VOIPSTUDIO_BASE_URL"] = api
        walked, walk_seconds = _client_walk(api, token)
        subprocess.run([devstack.PYTHON, "manage.py", "migrate", "--verbosity", "0"], cwd=devstack.ROOT, env=env, check=True)
        redis = devstack.start_redis(env["REDIS_URL"], work / "redis")
        worker = devstack.start_worker(env, work / "worker.log", concurrency=1)
        try:
            os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "REDIS_URL", "VOIPSTUDIO_BASE_URL",
                                                   "EXPORT_DIR", "VOIPHISTORY_DATA_DIR", "JOBS_UNDO_SECONDS")})  # fmt: skip
            import django

            django.setup()
            from django.contrib.auth import get_user_model

            from voiphistory.accounts import tokens
            from voiphistory.accounts.upstream import Account
            from voiphistory.jobs import services
            from voiphistory.jobs.models import Job

            owner, _ = get_user_model().objects.get_or_create(username="bench")
            account = Account(user_id=0, customer_id=0, email=SUPERVISOR, name="bench", can_write=True)
            process = psutil.Process(worker.process.pid)

            def export(kind: str) -> tuple[Job, int]:
                job = services.job_create(owner=owner, account=account, sealed_token=tokens.seal(token), kind=kind,
                                          section="calls", query="sort=-when&legs=1")  # fmt: skip
                peak = 0
                while Job.objects.get(pk=job.pk).is_active:
                    peak = max(peak, _tree_rss(process))
                    time.sleep(0.2)
                job.refresh_from_db()
                return job, peak

            job, peak = export("export")
            workbook, workbook_peak = export("xlsx_export")
        finally:
            worker.stop()
            if redis:
                redis.stop()
    export_seconds = (job.finished_at - job.started_at).total_seconds()
    ratio = (walked / walk_seconds) and (job.done / export_seconds) / (walked / walk_seconds)
    size_mb = (job.result_size or 0) / 2**20
    workbook_seconds = (workbook.finished_at - workbook.started_at).total_seconds()
    workbook_mb = (workbook.result_size or 0) / 2**20
    for done in (job, workbook):
        if done.result_path:
            Path(done.result_path).unlink(missing_ok=True)
    return [
        Result("CSV export job", f"rows exported ({job.status})", job.done, "rows", f"= {walked:,}", job.done == walked),
        Result("CSV export job", "client-only page walk", walked / walk_seconds, "rows/s"),
        Result("CSV export job", "export throughput", job.done / export_seconds, "rows/s"),
        Result("CSV export job", "throughput ratio export / client walk", ratio, "x", ">= 0.8", ratio >= 0.8),
        Result("CSV export job", "peak worker RSS", peak / 2**20, "MB", "< 150 MB", peak / 2**20 < 150),
        Result("CSV export job", "file size", size_mb, "MB"),
        # XlsxWriter's constant_memory mode: the worker's memory stays flat however many rows.
        Result("Excel export job", f"rows exported ({workbook.status})", workbook.done, "rows", f"= {walked:,}",
               workbook.done == walked),
        Result("Excel export job", "export throughput", workbook.done / workbook_seconds, "rows/s"),
        Result("Excel export job", "peak worker RSS", workbook_peak / 2**20, "MB", "< 150 MB", workbook_peak / 2**20 < 150),
        Result("Excel export job", "file size", workbook_mb, "MB"),
    ]

"""Run one job (an export, a workbook, an archive) in a process of its own, as a worker would, and
report how long its work took; ``run_job`` also samples that process's memory (psutil).

``python -m bench.job_once '{"kind": …}'`` with DATABASE_URL, EXPORT_DIR… in the environment
prints one JSON line: status, rows done, seconds (of ``runner.job_run`` alone, Django's start-up
excluded), file size and the file's path. The benchmarks use it so that their figures are the
job's own, in a process that does nothing else (its peak RSS is the worker's).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

import psutil

import devstack


def run_job(env: dict[str, str], **job: object) -> tuple[dict, int]:
    """(the job's report, the peak RSS of its process in bytes), sampled every 50 ms."""
    process = subprocess.Popen(
        [devstack.PYTHON, "-m", "bench.job_once", json.dumps(job)],
        cwd=devstack.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    watched, peak = psutil.Process(process.pid), 0
    while process.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss)
        except psutil.Error:
            break
        time.sleep(0.05)
    output, _ = process.communicate()
    if process.returncode:
        raise RuntimeError(f"the {job.get('kind')} job's process failed ({process.returncode})")
    return json.loads(output.strip().splitlines()[-1]), peak


def migrated(env: dict[str, str]) -> None:
    subprocess.run(
        [devstack.PYTHON, "manage.py", "migrate", "--verbosity", "0"], cwd=devstack.ROOT, env=env, check=True
    )


def _count_requests() -> Counter:
    """Upstream requests by kind ("GET /monitors", "GET /monitors/{id}", "GET /monitors/{id}.mp3"),
    from every thread of the job's process."""
    import requests

    asked: Counter = Counter()
    lock = threading.Lock()
    send = requests.Session.request

    def counted(self, method: str, url: str, *args, **kwargs):
        path = re.sub(r"/\d+", "/{id}", urlsplit(url).path.split("/voipstudio", 1)[-1])
        with lock:
            asked[f"{method} {path}"] += 1
        return send(self, method, url, *args, **kwargs)

    requests.Session.request = counted
    return asked


def main(spec: dict) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from voiphistory.accounts import tokens
    from voiphistory.jobs import runner
    from voiphistory.jobs.models import Job

    owner, _ = get_user_model().objects.get_or_create(username="bench")
    job = Job.objects.create(
        owner=owner,
        customer_id=0,
        sealed_token=tokens.seal(spec["token"]),
        kind=spec["kind"],
        section=spec["section"],
        query=spec.get("query", ""),
        ids=spec.get("ids"),
    )
    asked = _count_requests()
    started = time.perf_counter()
    runner.job_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    report = {
        "status": job.status,
        "message": job.message,
        "done": job.done,
        "failed": job.failed,
        "seconds": seconds,
        "size": job.result_size or 0,
        "path": job.result_path,
        "requests": dict(asked),
    }
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voiphistory.settings")
    main(json.loads(sys.argv[1]))

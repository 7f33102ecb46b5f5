"""Issue 4: a bulk delete of 10,000 CDR ids; its request count must equal the chunk arithmetic."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
from pathlib import Path

import requests

import devstack
from bench.common import PASSWORD, SUPERVISOR, Result, emulator_database
from voiphistory.voipstudio import VoipstudioClient

CDRS = 20_000
IDS = 10_000


def run() -> list[Result]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voiphistory.settings")
    django.setup()
    from voiphistory.jobs.deletes import delete_chunk  # the job's own chunk delete (needs Django)

    template = emulator_database(CDRS)
    work = Path(tempfile.mkdtemp(prefix="bench-delete-"))
    db = work / "emulator.sqlite3"
    shutil.copyfile(template, db)  # deleting must not touch the cached database
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    service = devstack.start_emulator(
        devstack.emulator_env(work, db), "127.0.0.1", port, work / "emulator.log"
    )
    try:
        api = f"{service.url}/v1.2/voipstudio"
        token = requests.post(
            f"{api}/login", json={"email": SUPERVISOR, "password": PASSWORD}, timeout=30
        ).json()["user_token"]
        client = VoipstudioClient(api, token, read_timeout=120)
        ids = [cdr.id for cdr in client.cdrs.iterate(sort="id", direction="ASC", page_size=IDS)][:IDS]
        expected = len(client.cdrs.chunk_ids(ids))
        sent = []
        client.session.hooks["response"].append(
            lambda r, *a, **k: sent.append(r.request.method) if r.request.method == "DELETE" else None
        )
        started = time.perf_counter()
        deleted = 0
        for chunk in client.cdrs.chunk_ids(ids):  # what deletes.run_delete does, minus the checkpoints
            deleted += delete_chunk(client.cdrs, chunk).deleted
        elapsed = time.perf_counter() - started
        left = client.cdrs.page(limit=1).total
    finally:
        service.stop()
        shutil.rmtree(work, ignore_errors=True)
    return [
        Result(
            "bulk delete",
            f"ids deleted (max path {client.max_path_length})",
            deleted,
            "ids",
            f"= {IDS:,}",
            deleted == IDS,
        ),
        Result(
            "bulk delete",
            "DELETE requests",
            len(sent),
            "requests",
            f"= chunk arithmetic {expected}",
            len(sent) == expected,
        ),
        Result("bulk delete", "rows left upstream", left, "rows", f"= {CDRS - IDS:,}", left == CDRS - IDS),
        Result("bulk delete", "time", elapsed, "s"),
        Result("bulk delete", "rate", deleted / elapsed, "ids/s"),
    ]

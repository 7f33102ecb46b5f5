"""A real Redis and a real Celery worker (jobs, overview), sharing the test database with pytest.

Loaded by tests/conftest.py as a plugin, so every directory shares one stack per session.

The worker's DATABASE_URL names the very database the test process uses: the SQLite test file
(tests/conftest.py), or pytest-django's ``test_…`` database on PostgreSQL. Tests that need the
worker use ``transactional_db`` so what they write is committed for the worker to read.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

import devstack
from tests.conftest import Emulator, _start_copy, free_port


@dataclass
class Stack:
    emulator: Emulator
    redis_url: str
    env: dict[str, str]
    log: Path
    worker: devstack.Service | None = None

    def start_worker(self) -> None:
        self.worker = devstack.start_worker(self.env, self.log, concurrency=1)

    def kill_worker(self) -> None:
        """SIGKILL the worker and its pool child: no warm shutdown, messages stay unacknowledged."""
        os.killpg(self.worker.process.pid, signal.SIGKILL)
        self.worker.process.wait()


def shared_database_url() -> str:
    """The URL of the database this test process uses (after pytest-django created it)."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = f"{credentials}@" if credentials else ""
        return f"postgres://{host}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    raise AssertionError(f"the worker tests do not know how to share a {db['ENGINE']} database")


def worker_env(root: Path, *, emulator: Emulator, redis_url: str, **overrides: str) -> dict[str, str]:
    """The environment a test's Celery worker runs with: the test database, its own Redis and
    emulator, quick retries and a quick stale-job limit; ``overrides`` on top."""
    from django.conf import settings

    return dict(
        os.environ,
        VOIPHISTORY_DATA_DIR=str(root),
        DATABASE_URL=shared_database_url(),
        SECRET_KEY=settings.SECRET_KEY,
        REDIS_URL=redis_url,
        VOIPSTUDIO_BASE_URL=emulator.api_url,
        VOIPSTUDIO_BACKOFF="0.01",
        VOIPSTUDIO_MAX_PATH_LENGTH="300",
        EXPORT_DIR=str(root / "exports"),
        JOBS_STALE_SECONDS="3",
        LOG_LEVEL="INFO",
        **overrides,
    )


@pytest.fixture(scope="session")
def jobs_stack(django_db_setup, emulator_template, tmp_path_factory) -> Iterator[Stack]:

    root = tmp_path_factory.mktemp("jobs-stack")
    emulator = _start_copy(emulator_template, root / "emulator")
    redis_url = f"redis://127.0.0.1:{free_port()}/0"
    redis = devstack.start_redis(redis_url, root / "redis", root / "redis.log")
    env = worker_env(root, emulator=emulator, redis_url=redis_url, CELERY_VISIBILITY_TIMEOUT="30")
    stack = Stack(emulator, redis_url, env, root / "worker.log")
    stack.start_worker()
    yield stack
    stack.worker.stop()
    if redis is not None:
        redis.stop()
    emulator.service.stop()


@pytest.fixture
def worker(jobs_stack: Stack, settings, transactional_db) -> Iterator[Stack]:
    """The test process as the web app of the stack: same emulator, broker, export directory."""
    from voiphistory.celery import app

    settings.VOIPSTUDIO_BASE_URL = jobs_stack.emulator.api_url
    settings.VOIPSTUDIO_MAX_PATH_LENGTH = 300
    settings.EXPORT_DIR = Path(jobs_stack.env["EXPORT_DIR"])
    settings.JOBS_UNDO_SECONDS = 0
    if app.conf.broker_url != jobs_stack.redis_url:
        app.conf.broker_url = jobs_stack.redis_url
        # Publishing goes through connection pools made from the broker URL of their first use
        # (an earlier test may have used another): start them afresh, as Celery does after a fork.
        app._after_fork()
    if jobs_stack.worker.process.poll() is not None:
        jobs_stack.start_worker()
    yield jobs_stack
    jobs_stack.emulator.clear_faults()


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s")

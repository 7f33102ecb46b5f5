"""What every benchmark shares: a result row, a cached large emulator, timing helpers.

Benchmarks print figures; they never decide pass or fail for the test suite. Each result row
names its target so the table shows at a glance whether a figure meets it.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

import devstack
from bench.wan_proxy import WanProxy, wan_proxy

BENCH_DIR = Path(os.environ.get("VOIPHISTORY_BENCH_DIR", devstack.ROOT / "var" / "bench"))
PASSWORD = "bench-password"
#: The WAN profile: what a round trip to the live API (l7api.com) adds to every upstream answer.
WAN_DELAY = 0.080
SUPERVISOR = "supervisor@northwind.example"


@dataclass(frozen=True)
class Result:
    benchmark: str
    figure: str
    value: float
    unit: str
    target: str = ""
    met: bool | None = None


def free_port() -> int:
    """A TCP port nobody listens on now (the OS picks it), for a benchmark's own servers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def p95_ms(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def emulator_database(cdrs: int) -> Path:
    """A seeded emulator database of ``cdrs`` CDRs, made once and kept under var/bench/.

    Migrations run every time (cheap when there are none); seeding only when the database is empty.
    """
    data_dir = BENCH_DIR / f"emulator-{cdrs}"
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / "emulator.sqlite3"
    env = devstack.emulator_env(data_dir, db)
    env["VOIPHISTORY_DEMO_PASSWORD"] = PASSWORD
    devstack.prepare_emulator(env, "--cdrs", str(cdrs), "--seed", "1")
    return db


def job_env(work: Path, **extra: str) -> dict[str, str]:
    """The environment a benchmark's job process runs with: its own database and export folder in
    ``work``, quiet logs; ``extra`` on top."""
    return dict(
        os.environ,
        VOIPHISTORY_DATA_DIR=str(work),
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        SECRET_KEY="bench-job-secret",
        EXPORT_DIR=str(work / "exports"),
        LOG_LEVEL="WARNING",
        **extra,
    )


@contextmanager
def running_emulator(cdrs: int, port: int = 8091) -> Iterator[tuple[str, str]]:
    """Yield (API base URL, supervisor token) of an emulator over a ``cdrs``-sized database."""
    db = emulator_database(cdrs)
    service = devstack.start_emulator(
        devstack.emulator_env(db.parent, db), "127.0.0.1", port, db.parent / "emulator.log"
    )
    try:
        api = f"{service.url}/v1.2/voipstudio"
        token = requests.post(
            f"{api}/login", json={"email": SUPERVISOR, "password": PASSWORD}, timeout=30
        ).json()
        yield api, token["user_token"]
    finally:
        service.stop()


@contextmanager
def over_wan(api: str, delay: float = WAN_DELAY) -> Iterator[tuple[str, WanProxy]]:
    """The WAN profile: yield (API base URL through a proxy adding ``delay`` to every answer of the
    emulator at ``api``, the proxy, whose log counts the requests and their dependent chains)."""
    root, _, api_path = api.partition("/v1.")
    with wan_proxy(root, delay) as proxy:
        yield f"{proxy.url}/v1.{api_path}", proxy


@contextmanager
def running_dashboard(api: str, port: int = 8092) -> Iterator[str]:
    """Yield the URL of the dashboard (gunicorn, as ``make run`` starts it) talking to ``api``."""
    data_dir = BENCH_DIR / "dashboard"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, VOIPHISTORY_DATA_DIR=str(data_dir), VOIPSTUDIO_BASE_URL=api, LOG_LEVEL="WARNING")
    subprocess.run(
        [devstack.PYTHON, "manage.py", "migrate", "--verbosity", "0"], cwd=devstack.ROOT, env=env, check=True
    )
    subprocess.run(
        [devstack.PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=devstack.ROOT,
        env=env,
        check=True,
    )
    service = devstack.start_web(env, "127.0.0.1", port, data_dir / "web.log")
    try:
        yield service.url
    finally:
        service.stop()


def dashboard_session(url: str, email: str = SUPERVISOR) -> requests.Session:
    """A browser-like session signed in to the dashboard through its sign-in form."""
    session = requests.Session()
    session.get(f"{url}/sign-in/", timeout=30).raise_for_status()
    response = session.post(
        f"{url}/sign-in/",
        data={"email": email, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{url}/sign-in/"},
        timeout=30,
    )
    if response.status_code != 200 or "/sign-in/" in response.url:
        raise RuntimeError(f"could not sign in to the dashboard as {email} ({response.status_code})")
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session

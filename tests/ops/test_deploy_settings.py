"""Production settings: ``check --deploy`` is clean with a production environment, and points at
what is missing without one. Run in a subprocess so the settings are read from that environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k8Jw2nQ9vX4pL7rT1yH6bM3cF0gZ5sD8aE2uV9iO4wR7tY1nB6xC3mK0jH5lP8qS",
    "ALLOWED_HOSTS": "calls.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://calls.example.com",
    "BEHIND_TLS_PROXY": "1",
    "DATABASE_URL": "postgres://voiphistory:secret@postgres:5432/voiphistory",
    "REDIS_URL": "redis://redis:6379/0",
    "STATIC_MANIFEST": "1",
    "VOIPSTUDIO_BASE_URL": "https://l7api.com/v1.2/voipstudio",
}

# Set by the browser tests' conftest for Playwright's event loop; never part of a deployment.
TEST_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def check_deploy(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION and not k.startswith("SECURE_") and k not in TEST_ONLY
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean | {"VOIPHISTORY_DATA_DIR": str(tmp_path)} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_prints_no_warnings_in_production(tmp_path):
    result = check_deploy(PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_without_tls_and_with_a_weak_key_check_deploy_names_the_problems(tmp_path):
    result = check_deploy(PRODUCTION | {"BEHIND_TLS_PROXY": "0", "SECRET_KEY": "short"}, tmp_path)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W009", "security.W012", "security.W016"):
        assert warning in result.stderr, warning


def test_production_settings_use_redis_cache_manifest_static_files_and_proxy_header(tmp_path):
    code = (
        "from django.conf import settings as s; import django; django.setup();"
        "print(s.CACHES['default']['BACKEND']); print(s.STORAGES['staticfiles']['BACKEND']);"
        "print(s.SECURE_PROXY_SSL_HEADER); print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS);"
        "print(s.DATABASES['default']['ENGINE'])"
    )
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k not in TEST_ONLY}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=clean
        | PRODUCTION
        | {"DJANGO_SETTINGS_MODULE": "voiphistory.settings", "VOIPHISTORY_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "voiphistory.ops.cache.ResilientRedisCache"  # Redis, degraded instead of down
    assert lines[1] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert lines[2] == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert lines[3] == "True True 31536000"
    assert lines[4] == "django.db.backends.postgresql"

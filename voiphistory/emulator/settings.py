"""Settings for the VoIPstudio emulator: its own process, its own database, no dashboard code.

Every value comes from the environment (see ``.env.example``, section "Emulator").
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from voiphistory.envconf import env_float, env_int, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = env_path("VOIPHISTORY_DATA_DIR", BASE_DIR / "var")

DEBUG = False
# The emulator signs nothing a browser keeps; the key only satisfies Django.
SECRET_KEY = env_str("EMULATOR_SECRET_KEY", "voipstudio-emulator-not-a-secret")
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = ["voiphistory.emulator"]
MIDDLEWARE = ["voiphistory.emulator.faults.FaultInjectionMiddleware"]
ROOT_URLCONF = "voiphistory.emulator.urls"
WSGI_APPLICATION = "voiphistory.emulator.wsgi.application"
APPEND_SLASH = False

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env_path("EMULATOR_DB", DATA_DIR / "emulator.sqlite3"),
        "OPTIONS": {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
                " PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824;"
            ),
            "transaction_mode": "IMMEDIATE",
        },
        "CONN_MAX_AGE": None,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = False
TIME_ZONE = "UTC"
# Fast hashing: the emulator's accounts are demo accounts and logins happen in every test.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]

# --- Dialect knobs (README.md, "The emulator") ----------------------------------------------
# Which of the two dialects of the History reference this process speaks (dialects.py).
EMULATOR_PROFILES = ("default", "reference")
EMULATOR_PROFILE = env_str("EMULATOR_PROFILE", "default").strip().lower() or "default"
if EMULATOR_PROFILE not in EMULATOR_PROFILES:
    raise ImproperlyConfigured(
        f"EMULATOR_PROFILE must be one of {', '.join(EMULATOR_PROFILES)}, got {env_str('EMULATOR_PROFILE', '')!r}"
    )
EMULATOR_DEFAULT_LIMIT = env_int("EMULATOR_DEFAULT_LIMIT", 25, minimum=1)
EMULATOR_MAX_LIMIT = env_int("EMULATOR_MAX_LIMIT", 10000, minimum=1)
EMULATOR_SESSION_IDLE_SECONDS = env_int("EMULATOR_SESSION_IDLE_SECONDS", 1800, minimum=1)
EMULATOR_2FA_CODE = env_str("EMULATOR_2FA_CODE", "123456")
EMULATOR_DELETE_UNKNOWN = env_str("EMULATOR_DELETE_UNKNOWN", "404")  # "404" or "ignore"
EMULATOR_ASYNC_DELETE_SECONDS = env_float("EMULATOR_ASYNC_DELETE_SECONDS", 2.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

"""Settings for the voiphistory dashboard. Every value comes from the environment.

Each variable is listed, with its default, in ``.env.example`` and in README.md.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from voiphistory.envconf import env_bool, env_float, env_int, env_list, env_path, env_str, persistent_secret

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("VOIPHISTORY_DATA_DIR", BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)
# Without SECRET_KEY (the demo), a random key is made once and kept in the data directory.
SECRET_KEY = env_str("SECRET_KEY", "") or persistent_secret(DATA_DIR / "secret-key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "voiphistory.accounts",
    "voiphistory.history",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "voiphistory.accounts.middleware.LoginRequiredMiddleware",
    "voiphistory.accounts.middleware.VoipstudioSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "voiphistory.urls"
WSGI_APPLICATION = "voiphistory.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "voiphistory.history.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'voiphistory.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "history:home"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600, minimum=300)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_path("STATIC_ROOT", BASE_DIR / "staticfiles")

# --- VoIPstudio ---------------------------------------------------------------------------
# The dashboard's only upstream. The embedded emulator answers at the same path as l7api.com.
VOIPSTUDIO_BASE_URL = env_str("VOIPSTUDIO_BASE_URL", "http://127.0.0.1:8010/v1.2/voipstudio").rstrip("/")
VOIPSTUDIO_CONNECT_TIMEOUT = env_float("VOIPSTUDIO_CONNECT_TIMEOUT", 3.05)
VOIPSTUDIO_READ_TIMEOUT = env_float("VOIPSTUDIO_READ_TIMEOUT", 20.0)
VOIPSTUDIO_RETRIES = env_int("VOIPSTUDIO_RETRIES", 3, minimum=0, maximum=10)
VOIPSTUDIO_BACKOFF = env_float("VOIPSTUDIO_BACKOFF", 0.5)
VOIPSTUDIO_MAX_PATH_LENGTH = env_int("VOIPSTUDIO_MAX_PATH_LENGTH", 2000, minimum=100)
# The named API token minted at sign-in expires after this long unused (VoIPstudio renews it on use).
VOIPSTUDIO_TOKEN_IDLE_SECONDS = env_int("VOIPSTUDIO_TOKEN_IDLE_SECONDS", 12 * 3600, minimum=300)

# --- Listening ------------------------------------------------------------------------------
AUDIO_CACHE_DIR = env_path("AUDIO_CACHE_DIR", DATA_DIR / "audio-cache")
AUDIO_CACHE_MAX_BYTES = env_int("AUDIO_CACHE_MAX_MB", 2048, minimum=10) * 1024 * 1024

# --- Celery on Redis ------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # urllib3 logs full request URLs at DEBUG; keep it quiet whatever LOG_LEVEL says.
    "loggers": {"urllib3": {"level": "INFO"}},
}

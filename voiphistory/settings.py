"""Settings for the voiphistory dashboard. Every value comes from the environment.

Each variable is listed, with its default, in ``.env.example`` and in README.md.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from voiphistory.envconf import (
    env_bool,
    env_codes,
    env_country,
    env_float,
    env_int,
    env_list,
    env_path,
    env_str,
    persistent_secret,
)

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
    "voiphistory.ops",
    "voiphistory.jobs",
    "voiphistory.audit",
    "voiphistory.overview",
]

MIDDLEWARE = [
    "voiphistory.ops.middleware.RequestLogMiddleware",
    "voiphistory.ops.middleware.UpstreamBudgetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
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
                "voiphistory.history.saved.navigation",
                "voiphistory.ops.context_processors.upstream",
                "voiphistory.ops.context_processors.background",
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
# --- Sign-in throttling (failed passwords, counted in the cache) ------------------------------
SIGN_IN_MAX_FAILURES_PER_EMAIL = env_int("SIGN_IN_MAX_FAILURES_PER_EMAIL", 5, minimum=1)
SIGN_IN_MAX_FAILURES_PER_IP = env_int("SIGN_IN_MAX_FAILURES_PER_IP", 30, minimum=1)
SIGN_IN_LOCKOUT_SECONDS = env_int("SIGN_IN_LOCKOUT_SECONDS", 15 * 60, minimum=1)
# How many reverse proxies in front append to X-Forwarded-For (0: use the peer address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# How long /health/ answers with its last checks before running them again (per process).
HEALTH_CACHE_SECONDS = env_int("HEALTH_CACHE_SECONDS", 10, minimum=0)
# How long one page may wait for VoIPstudio in all, retries included (voipstudio/budget.py).
UPSTREAM_BUDGET_SECONDS = env_float("UPSTREAM_BUDGET_SECONDS", 6.0, minimum=0.5)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_path("STATIC_ROOT", BASE_DIR / "staticfiles")
# Hashed, compressed file names need a collectstatic first (the image and `make run` do one).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Production: behind a TLS-terminating proxy ---------------------------------------------
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    # The proxy must overwrite X-Forwarded-Proto on every request; see README "Deploying".
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # health checks speak plain HTTP inside the network
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Django's own CSP: scripts and styles from our origin only, nothing inline (htmx is configured
# in base.html not to inject its indicator <style> nor to eval).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "media-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

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
# What the codes mean where the History reference is silent (docs/voipstudio-api.md, "Codes the
# reference leaves open"): folder name=code, sentiment word=code, chat state label=code.
VOIPSTUDIO_VOICEMAIL_FOLDERS = env_codes(
    "VOIPSTUDIO_VOICEMAIL_FOLDERS", "INBOX=1,Old=2,Work=3,Family=4,Friends=5"
)
VOIPSTUDIO_SENTIMENTS = env_codes(
    "VOIPSTUDIO_SENTIMENTS",
    "negative=0,neutral=1,positive=2",
    names=frozenset({"negative", "neutral", "positive"}),
)
VOIPSTUDIO_CHAT_STATES = env_codes("VOIPSTUDIO_CHAT_STATES", "Waiting=0,Active=1,Closed=2,Missed=3")
# The Calls tables group a period's legs into calls in memory (history.call_window): a period with
# more legs than this shows legs, with a message to narrow the dates.
CALLS_MAX_LEGS = env_int("CALLS_MAX_LEGS", 60_000, minimum=1000)
# National numbers typed in filters ("0121 179 4264") and in call records belong to this country:
# VoIPstudio's /me does not say the account's (history.numbers).
VOIPHISTORY_DEFAULT_COUNTRY = env_country("VOIPHISTORY_DEFAULT_COUNTRY", "GB")

# --- Listening ------------------------------------------------------------------------------
AUDIO_CACHE_DIR = env_path("AUDIO_CACHE_DIR", DATA_DIR / "audio-cache")
AUDIO_CACHE_MAX_BYTES = env_int("AUDIO_CACHE_MAX_MB", 2048, minimum=10) * 1024 * 1024
# Playing a new voicemail marks it heard (moves it from INBOX to Old, the only way the API records it).
VOIPHISTORY_VOICEMAIL_PLAY_MARKS_HEARD = env_bool("VOIPHISTORY_VOICEMAIL_PLAY_MARKS_HEARD", True)
# Finished CSV exports; a volume every web and worker replica mounts (docker-compose.yml).
EXPORT_DIR = env_path("EXPORT_DIR", DATA_DIR / "exports")
# Audit events the database refused (after retries) wait here until it takes them.
AUDIT_SPOOL_DIR = env_path("AUDIT_SPOOL_DIR", DATA_DIR / "audit-spool")

# --- Celery on Redis ------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "") or "redis://127.0.0.1:6379/0"
# With REDIS_URL given, the cache (overview figures, user names, what an account may not do) is
# shared by every process and replica; when Redis is down, pages work uncached (ops/cache.py).
if env_str("REDIS_URL", ""):
    CACHES = {
        "default": {
            "BACKEND": "voiphistory.ops.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "voiphistory",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Unacknowledged messages (a worker killed mid-job) go back to the queue after this long.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=5)
}
CELERY_BEAT_SCHEDULE = {
    "jobs-expire-files": {"task": "voiphistory.jobs.tasks.expire_files", "schedule": 15 * 60.0},
    # Often enough that a job whose message was lost runs within a minute of its time (jobs/runner.py).
    "jobs-resume-stale": {
        "task": "voiphistory.jobs.tasks.resume_stale",
        "schedule": env_float("JOBS_RESUME_EVERY_SECONDS", 20.0, minimum=1),
    },
}

# Request sizes, set deliberately (an over-limit request gets a 400 in words: ops/errors.py).
# The recording editor is the largest form: three AI text fields of up to 65,535 characters plus
# the values they were opened with, percent-encoded (up to 9 bytes for one non-ASCII character).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 4 * 1024 * 1024, minimum=65_536)
# A bulk action posts one field per selected id (JOBS_MAX_IDS at most, jobs/forms.py) and a few more.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 2000, minimum=100)

# --- Background jobs (bulk deletes, exports) -----------------------------------------------
JOBS_MAX_IDS = env_int("JOBS_MAX_IDS", 1000, minimum=1)  # ids in one bulk request ("all matching" has no cap)
JOBS_UNDO_SECONDS = env_float("JOBS_UNDO_SECONDS", 10.0)
JOBS_CONFIRM_THRESHOLD = env_int("JOBS_CONFIRM_THRESHOLD", 100, minimum=1)
# A running job whose worker has not renewed its lease for this long is taken over by another worker
# (jobs/heartbeat.py renews it every quarter of this while the worker lives).
JOBS_STALE_SECONDS = env_int("JOBS_STALE_SECONDS", 40, minimum=2)
# A waiting job not claimed this long after its start time lost its message: beat enqueues it again.
JOBS_QUEUED_GRACE_SECONDS = env_int("JOBS_QUEUED_GRACE_SECONDS", 20, minimum=1)
JOBS_TIME_LIMIT = env_int("JOBS_TIME_LIMIT", 6 * 3600, minimum=60)
JOBS_MAX_RETRIES = env_int("JOBS_MAX_RETRIES", 8, minimum=0)
EXPORT_TTL_HOURS = env_int("EXPORT_TTL_HOURS", 24, minimum=1)
# Rows per API page while exporting: the largest page VoIPstudio serves (the next page is fetched
# while this one is written); MP3s a recordings archive downloads at once (written in order).
EXPORT_PAGE_SIZE = env_int("EXPORT_PAGE_SIZE", 10_000, minimum=10, maximum=10_000)
ARCHIVE_PARALLEL_DOWNLOADS = env_int("ARCHIVE_PARALLEL_DOWNLOADS", 4, minimum=1, maximum=16)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # urllib3 logs full request URLs at DEBUG; keep it quiet whatever LOG_LEVEL says.
    "loggers": {"urllib3": {"level": "INFO"}},
}

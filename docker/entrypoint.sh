#!/usr/bin/env bash
# The image's entry point: `web`, `worker`, `beat` or `emulator`; anything else runs as given
# (e.g. `docker compose run --rm web python manage.py shell`).
set -euo pipefail

role="${1:-web}"
case "$role" in
  web)
    if [[ "${MIGRATE_ON_START:-1}" == "1" ]]; then
      # Replicas starting together take turns (a PostgreSQL advisory lock).
      python manage.py migrate_locked --verbosity 1
    fi
    python manage.py collectstatic --noinput --verbosity 0
    exec python -m gunicorn voiphistory.wsgi:application \
      --bind "0.0.0.0:${PORT:-8000}" \
      --workers "${WEB_CONCURRENCY:-2}" --threads "${WEB_THREADS:-4}" \
      --timeout 120 --graceful-timeout 30 --keep-alive 5 --forwarded-allow-ips '*'
    ;;
  worker)
    exec python -m celery -A voiphistory worker --loglevel "${LOG_LEVEL:-INFO}" \
      --concurrency "${WORKER_CONCURRENCY:-2}" --hostname "worker@%h"
    ;;
  beat)
    # Run exactly one beat: it only enqueues; the workers do the work.
    exec python -m celery -A voiphistory beat --loglevel "${LOG_LEVEL:-INFO}" \
      --schedule /tmp/celerybeat-schedule
    ;;
  emulator)
    # The demo's stand-in VoIPstudio: its own SQLite database on its own volume, seeded once.
    python -m voiphistory.emulator migrate --verbosity 0
    python -m voiphistory.emulator seed --if-empty \
      --cdrs "${EMULATOR_CDRS:-20000}" --seed "${EMULATOR_SEED:-1}"
    python -m voiphistory.emulator demo_password
    exec python -m gunicorn voiphistory.emulator.wsgi:application \
      --bind "0.0.0.0:${EMULATOR_PORT:-8010}" --workers 1 --threads 8 --timeout 600
    ;;
  *)
    exec "$@"
    ;;
esac

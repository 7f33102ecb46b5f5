# One image for web, worker, beat (and the demo emulator): docker/entrypoint.sh picks the role.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VOIPHISTORY_DATA_DIR=/data \
    STATIC_ROOT=/app/staticfiles \
    STATIC_MANIFEST=1

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin voiphistory \
 && mkdir -p /data/exports /data/audio-cache /data/emulator /app/staticfiles \
 && chown -R voiphistory:voiphistory /data /app/staticfiles

COPY --chown=voiphistory:voiphistory . .
RUN chmod 0755 docker/entrypoint.sh

USER voiphistory
# Hashed static files are baked in; web's entrypoint collects again only if the image changed them.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput --verbosity 0

EXPOSE 8000
ENTRYPOINT ["docker/entrypoint.sh"]
CMD ["web"]

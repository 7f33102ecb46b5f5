"""The Celery application. Tasks live in the apps' ``tasks.py`` and are thin adapters."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voiphistory.settings")

app = Celery("voiphistory")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

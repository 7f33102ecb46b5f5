"""The Celery application. Tasks live in the apps' ``tasks.py`` and are thin adapters."""

from __future__ import annotations

import os

from celery import Celery, Task

from voiphistory.voipstudio import budget

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voiphistory.settings")


class UnbudgetedTask(Task):
    """A task has no page's time budget, even when run eagerly inside a request (tests, demo)."""

    def __call__(self, *args: object, **kwargs: object) -> object:
        with budget.no_budget():
            return super().__call__(*args, **kwargs)


app = Celery("voiphistory", task_cls=UnbudgetedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

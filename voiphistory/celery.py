"""The Celery application. Tasks live in the apps' ``tasks.py`` and are thin adapters."""

from __future__ import annotations

import functools
import os
from typing import Any

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import transaction

from voiphistory.voipstudio import budget

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voiphistory.settings")


class UnbudgetedTask(DjangoTask):
    """A task has no page's time budget, even when run eagerly inside a request (tests, demo).

    A ``DjangoTask`` (``delay_on_commit``, ``apply_async_on_commit``), which Celery's Django fixup
    would make the base only when the app names none."""

    def __call__(self, *args: object, **kwargs: object) -> object:
        with budget.no_budget():
            return super().__call__(*args, **kwargs)

    # celery-types declares an AsyncResult; Celery's own returns None, as this does.
    def apply_async_on_commit(self, *args: Any, robust: bool = False, **kwargs: Any) -> None:  # type: ignore[override]
        """Celery's, plus Django's ``robust``: a publish that fails at the commit is logged, not
        raised out of the caller's committed transaction. Outside a transaction Django runs it at
        once, and a refused publish raises here unless ``robust``."""
        transaction.on_commit(functools.partial(self.apply_async, *args, **kwargs), robust=robust)


app = Celery("voiphistory", task_cls=UnbudgetedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no overview computed (the cache is per process: LocMemCache)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def eager():
    """Celery runs the computation inline, as with CELERY_TASK_ALWAYS_EAGER (the demo's setting)."""
    from voiphistory.celery import app

    before, app.conf.task_always_eager = app.conf.task_always_eager, True
    yield app
    app.conf.task_always_eager = before


@pytest.fixture
def queued(monkeypatch):
    """Celery messages go nowhere: the page must show the computing panel, not wait."""
    from voiphistory.overview import tasks

    sent = []
    monkeypatch.setattr(tasks.compute_overview, "delay", lambda **kwargs: sent.append(kwargs))
    return sent

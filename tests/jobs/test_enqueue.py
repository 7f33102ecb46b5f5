"""A job's message goes out with Celery's on-commit API (``apply_async_on_commit``), from the
project's task base, which keeps no page's time budget."""

from __future__ import annotations

import pytest
from celery.contrib.django.task import DjangoTask
from django.contrib.auth import get_user_model
from django.db import transaction

from tests.conftest import SUPERVISOR
from voiphistory.accounts import tokens
from voiphistory.accounts.upstream import Account
from voiphistory.jobs import broker, files, services, tasks
from voiphistory.voipstudio import budget


@pytest.fixture
def sent(monkeypatch) -> list[tuple[tuple, dict]]:
    """The messages published for jobs, as ``apply_async`` got them."""
    messages: list[tuple[tuple, dict]] = []
    monkeypatch.setattr(tasks.run_job, "apply_async", lambda *args, **kwargs: messages.append((args, kwargs)))
    return messages


def create_delete():
    owner = get_user_model().objects.create(username="owner")
    account = Account(user_id=1, customer_id=1, email=SUPERVISOR, name="Sam", can_write=True)
    return services.job_create(
        owner=owner,
        account=account,
        sealed_token=tokens.seal("t"),
        kind="delete",
        section="recordings",
        ids=[1, 2],
    )


def test_inside_a_transaction_the_message_goes_out_at_the_commit(
    db, sent, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_UNDO_SECONDS = 7
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        job = create_delete()
        assert sent == []  # a worker would not find the row yet
    assert sent == [(((job.pk,),), {"countdown": 7, **broker.PUBLISH_OPTIONS})]


def test_outside_a_transaction_the_message_goes_out_at_once(transactional_db, sent, settings):
    settings.JOBS_UNDO_SECONDS = 7
    job = create_delete()
    assert sent == [(((job.pk,),), {"countdown": 7, **broker.PUBLISH_OPTIONS})]


def test_tasks_have_the_on_commit_api_and_no_page_budget(monkeypatch):
    assert isinstance(tasks.run_job, DjangoTask) and isinstance(tasks.expire_files, DjangoTask)
    monkeypatch.setattr(files, "jobs_expire_files", budget.remaining)
    with budget.time_budget(30):
        assert budget.remaining() is not None  # a page's budget is open
        assert tasks.expire_files() is None  # the task ran without it

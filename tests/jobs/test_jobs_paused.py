"""With the job queue (Redis) unreachable, starting a job is refused in words and leaves nothing
behind: no job row waiting for ever, no audit "requested" that never ends (issue 13.1)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from tests.conftest import SUPERVISOR, free_port, sign_in_as
from voiphistory.accounts import tokens
from voiphistory.accounts.upstream import Account
from voiphistory.audit import services as audit
from voiphistory.audit.actors import Actor
from voiphistory.audit.models import Action, AuditEvent
from voiphistory.celery import app
from voiphistory.jobs import broker, services
from voiphistory.jobs.models import Job

PAUSED = "Background jobs are paused: the job queue (Redis) cannot be reached"
REAL_PING = broker._ping


@pytest.fixture
def broker_gone(monkeypatch):
    """The broker URL points where nothing listens, and the real check is used."""
    before = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    app._after_fork()  # publishing pools are made from the URL of their first use
    monkeypatch.setattr(broker, "_ping", REAL_PING)
    broker.forget()
    yield
    app.conf.broker_url = before
    app._after_fork()
    broker.forget()


def nothing_left() -> bool:
    return not Job.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize("htmx", [True, False], ids=["fragment", "page"])
def test_deleting_selected_rows_is_refused_and_leaves_nothing(supervisor, broker_gone, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = supervisor.post(
        "/jobs/start/", {"section": "recordings", "action": "delete", "ids": [1, 2]}, **headers
    )
    html = response.content.decode()
    assert response.status_code == 200 and PAUSED in html and 'role="alert"' in html
    assert ("<html" in html) is not htmx
    assert nothing_left()


@pytest.mark.parametrize("action", ["export", "export_xlsx", "delete_matching"])
def test_a_confirmed_export_or_delete_matching_is_refused_and_leaves_nothing(supervisor, broker_gone, action):
    form = {"section": "recordings", "action": action, "query": "min_cx=90"}
    asked = supervisor.post("/jobs/start/", form, HTTP_HX_REQUEST="true").content.decode()
    count = asked.split('name="count" value="')[1].split('"')[0]
    confirm = "yes" if action != "delete_matching" or int(count) <= 100 else count
    html = supervisor.post(
        "/jobs/start/", {**form, "count": count, "confirm": confirm}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert PAUSED in html and nothing_left()


def test_an_archive_is_refused_and_leaves_nothing(supervisor, broker_gone):
    html = supervisor.post(
        "/jobs/start/", {"section": "recordings", "action": "archive", "ids": [5]}
    ).content.decode()
    assert PAUSED in html and nothing_left()


@pytest.mark.parametrize("htmx", [True, False], ids=["fragment", "page"])
def test_the_danger_zone_is_refused_and_leaves_nothing(supervisor, broker_gone, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    form = {"collection": "recordings", "confirm": "delete all recordings"}
    response = supervisor.post("/jobs/danger-zone/", form, **headers)
    assert response.status_code == 200 and PAUSED in response.content.decode()
    assert nothing_left()


def test_a_publish_refused_after_the_check_removes_the_row_and_says_so(
    client, dashboard, transactional_db, broker_gone, monkeypatch
):
    monkeypatch.setattr(
        broker, "paused", lambda: False
    )  # the broker went away between the check and the publish
    owner = get_user_model().objects.create(username="owner")
    account = Account(user_id=1, customer_id=1, email=SUPERVISOR, name="Sam", can_write=True)
    with pytest.raises(broker.JobsPaused):
        services.job_create(
            owner=owner,
            account=account,
            sealed_token=tokens.seal("t"),
            kind="export",
            section="calls",
            requested=lambda job: audit.record(actor=Actor.owner(owner, customer_id=1), action=Action.EXPORT),
        )
    assert not Job.objects.exists()
    # The request was audited before the publish, so the trail says how it ended: refused, and why.
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        Action.EXPORT,
        Action.JOB_REFUSED,
    ]
    assert "Background jobs are paused" in AuditEvent.objects.get(action=Action.JOB_REFUSED).detail["reason"]


def test_inside_a_callers_transaction_a_refused_publish_leaves_the_job_for_beat(
    db, broker_gone, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    monkeypatch.setattr(broker, "paused", lambda: False)
    owner = get_user_model().objects.create(username="owner")
    account = Account(user_id=1, customer_id=1, email=SUPERVISOR, name="Sam", can_write=True)
    # The callbacks run as the commit runs them (robust ones logged, not raised).
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        job = services.job_create(
            owner=owner, account=account, sealed_token=tokens.seal("t"), kind="export", section="calls"
        )
    # The publish was tried at the commit and failed quietly (logged, not raised); the row stays queued.
    assert len(callbacks) == 1
    assert any(r.exc_info and isinstance(r.exc_info[1], broker.PUBLISH_ERRORS) for r in caplog.records)
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED  # jobs_resume_stale enqueues it later


def test_a_broker_that_answers_is_asked_once_for_a_burst_of_starts(monkeypatch, settings):
    calls = []
    monkeypatch.setattr(broker, "_ping", lambda url: calls.append(url) or True)
    assert [broker.paused() for _ in range(5)] == [False] * 5 and len(calls) == 1


def test_the_real_check_finds_a_live_broker_up(jobs_stack):
    before = app.conf.broker_url
    app.conf.broker_url = jobs_stack.redis_url
    try:
        assert (
            REAL_PING(jobs_stack.redis_url) is True
            and REAL_PING(f"redis://127.0.0.1:{free_port()}/0") is False
        )
    finally:
        app.conf.broker_url = before


def test_a_signed_in_page_still_offers_jobs_once_the_broker_is_back(
    client, dashboard, db, broker_gone, monkeypatch
):
    supervisor = sign_in_as(client, dashboard, SUPERVISOR)
    assert (
        PAUSED
        in supervisor.post(
            "/jobs/start/", {"section": "recordings", "action": "delete", "ids": [1]}
        ).content.decode()
    )
    monkeypatch.setattr(broker, "_ping", lambda url: True)
    broker.forget()
    started = supervisor.post("/jobs/start/", {"section": "recordings", "action": "delete", "ids": [1]})
    assert started.status_code == 302 and Job.objects.count() == 1

"""No job is ever stranded, and each ends once in the audit trail (issue 13.2, 13.3): beat enqueues
queued jobs whose message was lost, the undo window is kept, a permanent error fails the job once,
every ending drops the sealed token and appends exactly one outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.conftest import SUPERVISOR
from tests.jobs.test_jobs import fresh  # noqa: F401 (a fixture: a private emulator and export directory)
from voiphistory.accounts import tokens
from voiphistory.audit.models import Action, AuditEvent
from voiphistory.jobs import deletes, lease, runner, services, tasks
from voiphistory.jobs.models import Job


@pytest.fixture
def enqueued(monkeypatch) -> list[int]:
    """The job ids beat would publish (no broker needed to see which)."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.run_job, "delay", lambda job_id: sent.append(job_id))
    return sent


def make_job(token: str = "token", **fields) -> Job:
    owner, _ = get_user_model().objects.get_or_create(username=SUPERVISOR, defaults={"email": SUPERVISOR})
    fields.setdefault("kind", "delete")
    fields.setdefault("section", "recordings")
    return Job.objects.create(owner=owner, customer_id=1, sealed_token=tokens.seal(token), **fields)


def outcomes(job: Job) -> list[str]:
    return [e.action for e in AuditEvent.objects.order_by("id") if e.detail.get("job") == job.pk]


def test_a_queued_job_past_its_start_is_enqueued_again_and_the_undo_window_is_kept(db, enqueued, settings):
    settings.JOBS_QUEUED_GRACE_SECONDS, settings.JOBS_STALE_SECONDS = 20, 120
    now = timezone.now()
    lost = make_job(not_before=now - timedelta(seconds=25))  # its worker was killed in the undo window
    in_window = make_job(not_before=now + timedelta(seconds=5))
    just_due = make_job(not_before=now - timedelta(seconds=5))  # its live message is being claimed now
    ended = make_job(not_before=now - timedelta(hours=1), status="succeeded")

    assert runner.jobs_resume_stale(enqueue=tasks.run_job.delay, now=now) == [lost.pk] == enqueued
    # A second beat soon after adds no message: the first may still be waiting behind a busy worker.
    assert runner.jobs_resume_stale(enqueue=tasks.run_job.delay, now=now + timedelta(seconds=10)) == []
    assert {in_window.pk, just_due.pk, ended.pk}.isdisjoint(enqueued)
    # Two minutes on, none of the waiting ones was claimed: each gets a message, the lost one another.
    assert set(runner.jobs_resume_stale(enqueue=tasks.run_job.delay, now=now + timedelta(seconds=121))) == {
        lost.pk,
        just_due.pk,
        in_window.pk,
    }


def test_a_job_enqueued_twice_runs_once(db, enqueued):
    job = make_job(not_before=timezone.now() - timedelta(minutes=5))
    assert lease.job_claim(job_id=job.pk, runner="first") is not None
    with pytest.raises(lease.JobBusy):  # the duplicate message waits while the first runner is alive
        lease.job_claim(job_id=job.pk, runner="second")
    lease.job_end(job=job, runner="first", status=Job.Status.SUCCEEDED, message="")
    assert lease.job_claim(job_id=job.pk, runner="second") is None  # and then finds nothing to do
    assert outcomes(job) == [Action.JOB_FINISHED]


def test_the_undo_window_holds_even_for_a_message_sent_early(db):
    job = make_job(not_before=timezone.now() + timedelta(seconds=30))
    with pytest.raises(lease.JobBusy) as busy:
        lease.job_claim(job_id=job.pk, runner="early")
    assert 25 < busy.value.seconds <= 30 and Job.objects.get(pk=job.pk).status == "queued"


def test_cancelling_drops_the_token_and_ends_once_in_the_audit_trail(db):
    job = make_job(not_before=timezone.now() + timedelta(seconds=10))
    assert services.job_cancel(job=job) is True
    assert services.job_cancel(job=job) is False
    job.refresh_from_db()
    assert (job.status, job.sealed_token) == ("cancelled", "")
    event = AuditEvent.objects.get(action=Action.JOB_CANCELLED)
    assert (
        outcomes(job) == [Action.JOB_CANCELLED]
        and event.detail["result"] == "Cancelled before anything was deleted."
    )


def test_ended_jobs_that_still_hold_a_token_lose_it(db, enqueued):
    old = make_job(status="cancelled")  # a row from before endings dropped the token
    tasks.resume_stale()
    assert Job.objects.get(pk=old.pk).sealed_token == ""


def test_a_400_from_voipstudio_fails_the_job_once_with_the_reason(fresh, db, enqueued):
    fresh.add_fault(path=r"^/monitors$", method="GET", status=400)
    job = make_job(fresh.token(), kind="export", section="recordings", query="sort=when")
    runner.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "did not accept" in job.message and job.sealed_token == ""
    assert tasks.resume_stale() == []  # not picked up again
    assert outcomes(job) == [Action.JOB_FAILED]


def test_an_unexpected_error_fails_the_job_once_instead_of_every_minute(db, enqueued, monkeypatch, fresh):
    def broken(**kwargs):
        raise KeyError("a value nothing handles")

    monkeypatch.setattr(deletes, "run_delete", broken)
    job = make_job(fresh.token(), ids=[1, 2], total=2)
    runner.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "will not be tried again" in job.message
    assert tasks.resume_stale() == [] and outcomes(job) == [Action.JOB_FAILED]


def test_voipstudio_refusing_the_account_is_audited_as_refused(fresh, db, enqueued):
    from tests.conftest import AGENT

    ids = [row["id"] for row in fresh.get("/monitors", limit=3).json()["data"]]
    job = make_job(fresh.token(AGENT), ids=ids, total=3)
    runner.job_run(job_id=job.pk)
    event = AuditEvent.objects.get(detail__job=job.pk, action=Action.JOB_REFUSED)
    assert "refused" in event.detail["reason"] and event.detail["deleted"] == 0


def test_a_finished_delete_is_audited_with_its_counts(fresh, db):
    ids = [row["id"] for row in fresh.get("/monitors", limit=4, sort="id", dir="ASC").json()["data"]]
    job = make_job(fresh.token(), ids=ids, total=4)
    runner.job_run(job_id=job.pk)
    event = AuditEvent.objects.get(action=Action.JOB_FINISHED)
    assert (event.detail["job"], event.detail["deleted"], event.detail["result"]) == (
        job.pk,
        4,
        "Finished: 4 deleted.",
    )


def test_the_audit_page_says_how_each_job_ended_in_words(supervisor, dashboard):
    from django.contrib.auth import get_user_model as users

    from voiphistory.audit import services as audit
    from voiphistory.audit.actors import Actor

    user = users().objects.get(pk=supervisor.session["_auth_user_id"])
    customer = supervisor.session["voipstudio"]["account"]["customer_id"]
    for action in (
        Action.BULK_DELETE,
        Action.JOB_FINISHED,
        Action.JOB_FAILED,
        Action.JOB_CANCELLED,
        Action.JOB_REFUSED,
    ):
        audit.record(
            actor=Actor.owner(user, customer_id=customer),
            action=action,
            section="recordings",
            detail={"job": 7, "result": "Finished: 4 deleted."},
        )
    html = supervisor.get("/audit/").content.decode()
    for words in (
        "Bulk delete requested",
        "Job finished",
        "Job failed",
        "Job cancelled",
        "Job refused",
        "Finished: 4 deleted.",
    ):
        assert f"{words}" in html

"""Deleting calls by id (DELETE /cdrs/{ids}) is not in the reference: the first refusal is remembered
per customer, the Calls table stops offering deletes and says why, a bulk job fails once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import SUPERVISOR, point_dashboard_at, sign_in_as
from voiphistory.accounts import tokens
from voiphistory.history import capabilities
from voiphistory.jobs import runner
from voiphistory.jobs.models import Job

HTMX = {"HTTP_HX_REQUEST": "true"}
REASON = "This VoIPstudio account does not allow deleting single calls."
CALLS = "/calls/?legs=on"  # every leg, each with its checkbox and Delete link


@pytest.fixture(autouse=True)
def _forget_refusals():
    cache.clear()
    yield
    cache.clear()  # other tests expect calls to be deletable


def _leg(emulator) -> dict:
    return emulator.get("/cdrs", limit=1, sort="calldate", dir="DESC").json()["data"][0]  # on the first page


def _exists(emulator, id: int) -> bool:
    return emulator.get(f"/cdrs/{id}").status_code == 200


def test_deletes_are_offered_while_voipstudio_allows_them(supervisor, emulator):
    leg = _leg(emulator)
    html = supervisor.get(CALLS).content.decode()
    assert "Delete selected" in html and reverse("history:delete", args=["calls", leg["id"]]) in html
    assert REASON not in html


@pytest.mark.parametrize("status", [405, 501, 403, 404])
def test_a_refused_single_delete_is_told_in_words_remembered_and_stops_the_offer(
    supervisor, emulator, status
):
    leg = _leg(emulator)
    emulator.add_fault(
        path=r"^/cdrs/[\d,]+$", method="DELETE", status=status
    )  # 404: the call exists, so no route
    delete_url = reverse("history:delete", args=["calls", leg["id"]])

    html = supervisor.post(delete_url, {"next": CALLS}, **HTMX).content.decode()
    assert REASON in html and "It cannot be undone" not in html and 'class="button danger"' not in html
    assert _exists(emulator, leg["id"])

    emulator.clear_faults()  # remembered: nothing is asked of VoIPstudio again
    table = supervisor.get(CALLS).content.decode()
    assert (
        REASON in table
        and "Delete selected" not in table
        and "matching…" not in table
        and delete_url not in table
    )
    assert "Set additional information" in table  # the other call actions stay
    assert REASON in supervisor.get(delete_url).content.decode()
    supervisor.post(delete_url, {"next": CALLS})
    assert _exists(emulator, leg["id"])
    recordings = supervisor.get(reverse("history:table", args=["recordings"])).content.decode()
    assert "Delete selected" in recordings and REASON not in recordings  # only calls are concerned


@pytest.mark.default_profile  # needs DELETE /cdrs/{ids} to exist (404 for an unknown id): only the default has it
def test_a_call_really_gone_is_not_mistaken_for_a_refusal(supervisor, emulator):
    supervisor.post(reverse("history:delete", args=["calls", 1]), {"next": CALLS})  # no call has id 1: a 404
    assert REASON not in supervisor.get(CALLS).content.decode()


def test_a_bulk_job_that_meets_the_refusal_fails_once_with_the_reason(supervisor, emulator, db):
    ids = [row["id"] for row in emulator.get("/cdrs", limit=6, sort="id", dir="ASC").json()["data"]]
    emulator.add_fault(path=r"^/cdrs/[\d,]+$", method="DELETE", status=405)
    me = emulator.get("/me").json()["data"]
    owner = get_user_model().objects.get(username=f"voipstudio-{me['id']}")
    job = Job.objects.create(
        owner=owner,
        customer_id=me["customer_id"],
        kind="delete",
        section="calls",
        ids=ids,
        total=len(ids),
        sealed_token=tokens.seal(emulator.token(SUPERVISOR)),
    )

    runner.job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "failed" and job.message == REASON
    assert job.failed == 0 and not job.failures.exists() and job.deleted == 0  # once, not per call
    assert all(_exists(emulator, id) for id in ids)
    # Known now: the next bulk delete is refused before any job exists.
    response = supervisor.post(
        reverse("jobs:start"), {"section": "calls", "action": "delete", "ids": ids[:2], "query": ""}, **HTMX
    )
    assert REASON in response.content.decode() and Job.objects.count() == 1


def test_a_failing_cache_never_fails_the_page(supervisor, emulator, monkeypatch):
    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache down")

        set = get

    monkeypatch.setattr(capabilities, "cache", Down())
    assert "Delete selected" in supervisor.get(CALLS).content.decode()  # offered: not known to be refused
    emulator.add_fault(path=r"^/cdrs/[\d,]+$", method="DELETE", status=405)
    leg = _leg(emulator)
    response = supervisor.post(reverse("history:delete", args=["calls", leg["id"]]), {"next": CALLS}, **HTMX)
    assert response.status_code == 200 and REASON in response.content.decode()


def test_the_reference_dialect_refuses_it_and_the_dashboard_stops_offering(
    client, settings, reference_emulator, db, tmp_path
):
    supervisor = sign_in_as(client, point_dashboard_at(settings, reference_emulator, tmp_path), SUPERVISOR)
    leg = _leg(reference_emulator)
    html = supervisor.post(
        reverse("history:delete", args=["calls", leg["id"]]), {"next": CALLS}, **HTMX
    ).content.decode()
    assert REASON in html and _exists(reference_emulator, leg["id"])
    assert "Delete selected" not in supervisor.get(CALLS).content.decode()

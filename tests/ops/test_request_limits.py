"""Request and field sizes are capped with a message in words, and nothing is changed (issue 13.4)."""

from __future__ import annotations

import pytest

from voiphistory.jobs.models import Job


@pytest.mark.parametrize("htmx", [True, False], ids=["fragment", "page"])
def test_too_many_ids_in_a_bulk_request_is_refused_in_words(supervisor, settings, htmx):
    settings.JOBS_MAX_IDS = 50
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = supervisor.post(
        "/jobs/start/", {"section": "recordings", "action": "delete", "ids": list(range(1, 52))}, **headers
    )
    html = response.content.decode()
    assert "51 recordings were selected; at most 50 can be acted on at once." in html
    assert not Job.objects.exists()


@pytest.mark.parametrize("htmx", [True, False], ids=["fragment", "page"])
def test_a_request_with_too_many_fields_gets_a_400_in_words(supervisor, settings, htmx):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = supervisor.post(
        "/jobs/start/", {"section": "recordings", "action": "delete", "ids": list(range(1, 200))}, **headers
    )
    html = response.content.decode()
    assert "has more than 100 fields" in html and "nothing was changed" in html and not Job.objects.exists()
    if htmx:  # htmx swaps no 4xx: shown at the top of the page instead
        assert response.status_code == 200 and response["HX-Retarget"] == "#main" and "<html" not in html
    else:
        assert response.status_code == 400 and "<html" in html


def test_a_body_larger_than_the_limit_gets_a_400_in_words(supervisor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = supervisor.post("/settings/", {"time_zone": "x" * 20_000})
    assert response.status_code == 400
    assert (
        "larger than the 9.8\xa0KB this dashboard accepts at once, so nothing was changed"
        in response.content.decode()
    )


def test_the_limits_are_set_deliberately():
    from django.conf import settings

    assert (
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 4 * 1024 * 1024
        and settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 2000
    )
    assert settings.JOBS_MAX_IDS < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS  # the form's message comes first

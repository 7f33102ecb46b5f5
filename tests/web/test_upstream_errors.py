"""The one policy for VoIPstudio's failures in views (voiphistory.web.upstream_errors): Unauthorized
goes on to the middleware (sign-in), every other failure is kept for the view to show, with 404
for something missing, 502 otherwise, and 200 for a fragment."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from voiphistory.voipstudio import (
    Forbidden,
    InvalidIdentifier,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    Unauthorized,
    Unavailable,
)
from voiphistory.web.messages import upstream_message
from voiphistory.web.upstream_errors import NO_SUCH_ID, upstream_failure

factory = RequestFactory()


def _request(**headers):
    request = factory.get("/calls/1/", **headers)
    request.htmx = HtmxDetails(request)
    return request


def test_nothing_failed_is_a_false_failure_and_the_block_ran_whole():
    ran = []
    with upstream_failure() as failed:
        ran.append("all of it")
    assert not failed and failed.error is None and failed.message == "" and ran == ["all of it"]


def test_unauthorized_goes_on_to_the_middleware():
    with pytest.raises(Unauthorized), upstream_failure():
        raise Unauthorized("Token expired", status=401)


def test_other_errors_go_on_untouched():
    with pytest.raises(KeyError), upstream_failure():
        raise KeyError("a bug is not VoIPstudio's failure")


def _ask(error: Exception) -> None:
    raise error


@pytest.mark.parametrize(
    "error",
    [
        Unavailable("down", status=503),
        RateLimited("slow", status=429, retry_after=7),
        Forbidden("no", status=403),
        OutcomeUnknown("lost", method="DELETE", path="/cdrs/1"),
    ],
)
def test_a_failure_ends_the_block_and_is_kept_in_words_with_502(error):
    after = []
    with upstream_failure() as failed:
        _ask(error)
        after.append("never")  # the block ends at the failure
    assert failed and failed.error is error and not failed.missing and after == []
    assert failed.message == upstream_message(error)
    assert failed.page_status == 502 and failed.status(_request()) == 502


@pytest.mark.parametrize("error", [NotFound("gone", status=404), InvalidIdentifier("0 is not an id")])
def test_missing_is_404_and_an_impossible_id_says_so(error):
    with upstream_failure() as failed:
        _ask(error)
    assert failed.missing and failed.page_status == 404 and failed.status(_request()) == 404
    assert failed.bad_id == isinstance(error, InvalidIdentifier)
    assert failed.message == (NO_SUCH_ID if failed.bad_id else upstream_message(error))


def test_a_fragment_carries_its_failure_with_200_for_htmx_to_swap():
    with upstream_failure() as failed:
        _ask(Unavailable("down", status=503))
    assert failed.status(_request(HTTP_HX_REQUEST="true")) == 200
    assert failed.status(_request(HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")) == 502

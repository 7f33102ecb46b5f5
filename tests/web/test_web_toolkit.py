"""The shared toolkit (voiphistory.web): fragment detection, the end of polling, the one safe
"next" URL, VoIPstudio's failures in words."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from voiphistory.history.capabilities import NotOffered
from voiphistory.voipstudio import Forbidden
from voiphistory.web.htmx import fragment_context, safe_next, wants_fragment
from voiphistory.web.messages import upstream_message

factory = RequestFactory()


def _request(**headers):
    request = factory.get("/calls/", **headers)
    request.htmx = HtmxDetails(request)
    return request


def test_a_fragment_is_an_htmx_request_that_is_not_a_history_restore():
    assert wants_fragment(_request(HTTP_HX_REQUEST="true"))
    assert not wants_fragment(_request(HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"))
    assert not wants_fragment(_request())
    assert not wants_fragment(factory.get("/"))  # before the htmx middleware: a whole page
    assert fragment_context(_request(HTTP_HX_REQUEST="true")) == {"fragment": True}


@pytest.mark.parametrize("url", ["/calls/?page=2", "/overview/", "/recordings/12/edit/"])
def test_safe_next_keeps_a_page_of_this_site(url):
    assert safe_next(_request(), url, "/default/") == url


@pytest.mark.parametrize(
    "url",
    [
        "",
        None,
        "https://evil.example/calls/",
        "//evil.example/calls/",
        "http://testserver:1/x",
        "javascript:alert(1)",
    ],
)
def test_safe_next_never_sends_anyone_off_site(url):
    assert safe_next(_request(), url, "/default/") == "/default/"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/calls/?legs=1&page=3", "/calls/?legs=1&page=3"),
        ("/calls/", "/calls/"),
        ("/overview/", "/calls/"),  # on the site, but not the section's table
        ("/calls//evil.example/", "/calls/"),
        ("http://testserver/calls/", "/calls/"),  # the sections' links are paths
    ],
)
def test_safe_next_under_a_path_stays_in_it(url, expected):
    assert safe_next(_request(), url, "/calls/", under="/calls/") == expected


def test_an_error_already_in_words_is_shown_as_it_is():
    reason = "Deleting calls is not offered by this VoIPstudio account"
    assert upstream_message(NotOffered(reason)) == f"{reason}."
    assert upstream_message(Forbidden(reason)) == f"VoIPstudio refused this for your account: {reason}."

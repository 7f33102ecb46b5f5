"""The user directory (``GET /users``) is read once per VoIPstudio customer and kept a few minutes
in the cache (issue 14: "User directory … cached per customer"): a second page, whichever view
renders it, sends no second users request. Counted with the upstream request log."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from voiphistory.accounts.upstream import api_client
from voiphistory.history.user_names import user_names

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _no_directory_kept():
    cache.clear()
    yield
    cache.clear()


def users_requests(log) -> int:
    return sum(1 for sent in log if sent.method == "GET" and urlsplit(sent.url).path.endswith("/users"))


@pytest.mark.default_profile  # the reference dialect has no GET /users at all
def test_a_second_page_render_sends_no_second_users_request(supervisor, upstream_log):
    first = supervisor.get("/calls/?legs=1")
    assert first.status_code == 200
    assert users_requests(upstream_log) == 1  # the first page asks for the directory
    assert 'data-unavailable="users"' not in first.content.decode()  # and got it
    again = supervisor.get("/calls/?legs=1")
    fragment = supervisor.get("/recordings/", **HTMX)
    assert again.status_code == fragment.status_code == 200
    assert users_requests(upstream_log) == 1  # kept: neither the same view nor another asked again


@pytest.mark.default_profile
def test_the_directory_is_kept_per_customer(dashboard, emulator, upstream_log):
    client = api_client(emulator.token())
    first = user_names(client=client, customer_id=1)
    assert first and not first.unavailable
    assert user_names(client=client, customer_id=1) == first
    assert users_requests(upstream_log) == 1
    user_names(client=client, customer_id=2)  # another customer's directory is its own
    assert users_requests(upstream_log) == 2
    user_names(client=client, customer_id=2)
    assert users_requests(upstream_log) == 2

"""Endpoints outside the History reference are optional (issue 12, point 1).

GET /users, GET /chatmsgs and GET /sms are refused here by the emulator's fault injection (the
default profile) and natively by the reference profile. Each page still renders, the panel that
needed the endpoint says what is unavailable, and a refusal is remembered per customer: a counted
fault rule (``remaining``) is the emulator's request counter for the refused path.
"""

from __future__ import annotations

import json
import re

import pytest
import requests
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from voiphistory.accounts.upstream import api_client
from voiphistory.overview.refresh import overview_compute
from voiphistory.overview.stats import period_of

HTMX = {"HTTP_HX_REQUEST": "true"}
USERS_MISSING = "User names are not available from this VoIPstudio account (GET /users)"
CHATS_MISSING = "Chat messages are not available from this VoIPstudio account (GET /chatmsgs)"
SMS_MISSING = "Text messages are not available from this VoIPstudio account (GET /sms)"
START = 1000


@pytest.fixture(autouse=True)
def _no_memory():
    """Refusals are remembered in the cache: each test starts, and leaves, with none."""
    cache.clear()
    yield
    cache.clear()


def refuse(emulator, path: str, status: int = 404):
    """``path`` answers ``status``; the returned function says how many requests reached it."""
    emulator.add_fault(path=path, method="GET", status=status, remaining=START)

    def requests_made() -> int:
        rules = requests.get(f"{emulator.root_url}/_emulator/faults", timeout=10).json()["data"]
        return START - next(rule["remaining"] for rule in rules if rule["path"] == path)

    return requests_made


def _where(**conditions) -> str:
    return json.dumps([{"property": k, "operator": "eq", "value": v} for k, v in conditions.items()])


@pytest.mark.default_profile
def test_tables_render_without_user_names_and_do_not_ask_again(supervisor, emulator):
    users_requests = refuse(emulator, "^/users$")
    page = supervisor.get("/calls/?legs=1")
    html = page.content.decode()
    assert page.status_code == 200 and USERS_MISSING in html
    assert html.count("<tr") > 10  # the calls are all there
    user_cells = re.findall(r"<td>(User \d+|[A-Z][a-z]+ [A-Z][a-z]+)</td>", html)
    assert user_cells, "the User column names users from their calls, or by id"
    assert users_requests() == 1
    fragment = supervisor.get("/recordings/", **HTMX)
    assert fragment.status_code == 200 and USERS_MISSING in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    supervisor.get("/calls/")
    assert users_requests() == 1  # remembered: neither view asked again


@pytest.mark.default_profile
def test_a_cache_that_is_down_only_means_asking_again(supervisor, emulator, monkeypatch):
    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("cache down")

            return fail

    for module in ("voiphistory.history.optional", "voiphistory.history.capabilities"):
        monkeypatch.setattr(f"{module}.cache", Down())
    users_requests = refuse(emulator, "^/users$")
    for _ in range(2):
        response = supervisor.get("/calls/")
        assert response.status_code == 200 and USERS_MISSING in response.content.decode()
    assert users_requests() == 2  # nothing remembered, nothing broken


@pytest.mark.default_profile
def test_call_detail_and_recording_editor_do_not_need_user_names(supervisor, emulator):
    refuse(emulator, "^/users$")
    cdr = emulator.get("/cdrs", limit=1, filter=_where(type="O"), sort="calldate", dir="DESC").json()["data"][
        0
    ]
    for headers in ({}, HTMX):
        response = supervisor.get(f"/calls/{cdr['id']}/", **headers)
        html = response.content.decode()
        assert response.status_code == 200 and "not found" not in html.lower()
        if cdr["user_id"]:
            assert re.search(
                r'id="field-user_id"[^>]*>\s*(User \d+|[^<]+) <code>#' + str(cdr["user_id"]), html
            )
    monitor = emulator.get("/monitors", limit=1).json()["data"][0]
    for headers in ({}, HTMX):
        response = supervisor.get(f"/recordings/{monitor['id']}/edit/", **headers)
        assert response.status_code == 200 and 'name="summary"' in response.content.decode()


@pytest.mark.default_profile
def test_chat_page_without_chat_messages_shows_the_chat_and_says_why(supervisor, emulator):
    messages_requests = refuse(emulator, "^/chatmsgs$")
    chat = emulator.get("/chats", limit=1, filter=_where(state=2)).json()["data"][0]
    url = reverse("history:chat_detail", args=[chat["id"]])
    page = supervisor.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and CHATS_MISSING in html
    assert 'id="visitor-heading"' in html and "Delete selected messages" not in html
    fragment = supervisor.get(url + "?part=messages", **HTMX).content.decode()
    assert CHATS_MISSING in fragment and "<html" not in fragment
    assert messages_requests() == 1


@pytest.mark.default_profile
def test_number_timeline_without_sms_shows_the_rest(supervisor, emulator):
    sms_requests = refuse(emulator, "^/sms$")
    number = emulator.get("/voicemessages", limit=1, sort="origtime", dir="DESC").json()["data"][0]["caller"]
    asked = []
    for _ in range(2):
        response = supervisor.get(f"/numbers/{number}/")
        html = response.content.decode()
        assert response.status_code == 200 and SMS_MISSING in html
        assert 'data-kind="voicemail"' in html and 'data-kind="sms"' not in html
        asked.append(sms_requests())
    # The first view asks for texts from and to the number (side by side: the second ask may already
    # find the first one's refusal remembered); the second view asks nothing.
    assert asked[0] in (1, 2) and asked[1] == asked[0]


# --- against the reference dialect, which simply has none of these endpoints ------------------


def test_reference_dialect_pages_say_what_is_unavailable(reference_supervisor, reference_emulator):
    calls = reference_supervisor.get("/calls/", **HTMX)
    assert calls.status_code == 200 and USERS_MISSING in calls.content.decode()
    chat = reference_emulator.get("/chats", limit=1, sort="id").json()["data"][0]
    chat_page = reference_supervisor.get(reverse("history:chat_detail", args=[chat["id"]])).content.decode()
    assert CHATS_MISSING in chat_page
    number = reference_emulator.get("/voicemessages", limit=1, sort="origtime", dir="DESC").json()["data"][0][
        "caller"
    ]
    timeline = reference_supervisor.get(f"/numbers/{number}/")
    assert timeline.status_code == 200 and SMS_MISSING in timeline.content.decode()


@pytest.mark.default_profile
def test_without_user_names_the_user_filter_takes_an_id(supervisor, emulator):
    refuse(emulator, "^/users$")
    cdr = emulator.get("/cdrs", limit=1, filter=_where(type="O"), sort="calldate", dir="DESC").json()["data"][
        0
    ]
    total = emulator.get("/cdrs", limit=1, filter=_where(user_id=cdr["user_id"])).json()["total"]
    html = supervisor.get("/calls/", {"user": cdr["user_id"], "legs": "1"}, **HTMX).content.decode()
    assert "Some filters need fixing" not in html and f"of {total:,} call legs" in html
    page = supervisor.get("/calls/").content.decode()
    assert 'type="number" name="user"' in page and "User ID" in page


@pytest.mark.default_profile
def test_the_overview_is_computed_without_user_names(dashboard, emulator):
    refuse(emulator, "^/users$")
    now = timezone.now()
    client = api_client(emulator.token())
    overview = overview_compute(
        client=client, customer_id=1, period=period_of("7d", zone="UTC", now=now), now=now
    )
    assert overview.calls and overview.users
    assert {user.name for user in overview.users} == {f"User {user.user_id}" for user in overview.users}

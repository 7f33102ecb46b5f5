"""The chat detail page: visitor, operator, timing, state, conversation; deleting messages."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.conftest import SUPERVISOR, sign_in_as

HTMX = {"HTTP_HX_REQUEST": "true"}


def _where(**conditions) -> str:
    return json.dumps([{"property": k, "operator": "eq", "value": v} for k, v in conditions.items()])


def _closed_chat(emulator) -> dict:
    """A seeded chat an operator answered (closed), with a visitor who gave their details."""
    closed = emulator.code("state", "closed")
    for chat in emulator.get("/chats", limit=50, sort="id", dir="ASC", filter=_where(state=closed)).json()[
        "data"
    ]:
        if chat["visitor_email"] and chat["operator_id"]:
            return chat
    pytest.fail("no answered chat with a known visitor")


def _messages(emulator, chat_id: int) -> list[dict]:
    found = emulator.get("/chatmsgs", limit=100, sort="created_at", dir="ASC", filter=_where(chat_id=chat_id))
    return found.json()["data"]


@pytest.fixture
def chat(emulator) -> dict:
    return _closed_chat(emulator)


@pytest.mark.default_profile  # lists chat messages: GET /chatmsgs is not in the History reference
def test_chat_page_shows_visitor_operator_timing_state_and_conversation(supervisor, emulator, chat):
    operator = emulator.get("/users", filter=_where(id=chat["operator_id"])).json()["data"][0]
    messages = _messages(emulator, chat["id"])

    response = supervisor.get(reverse("history:chat_detail", args=[chat["id"]]))

    assert response.status_code == 200
    html = response.content.decode()
    for value in (
        chat["visitor_name"],
        chat["visitor_email"],
        chat["visitor_city"],
        chat["visitor_country"],
        chat["visitor_ip"],
        chat["visitor_ua"],
        chat["visitor_referer"],
    ):
        assert escape(value) in html
    assert f"{operator['first_name']} {operator['last_name']}" in html
    assert "Closed" in html
    duration = chat["duration"]
    assert f"{duration // 3600}:{duration // 60 % 60:02d}:{duration % 60:02d}" in html
    # The conversation in order, visitor and operator told apart, each with a checkbox.
    positions = [html.index(f'id="message-{m["id"]}"') for m in messages]
    assert positions == sorted(positions)
    for message in messages:
        assert f'id="message-{message["id"]}" class="chat-message {message["sender"]}"' in html
        assert f'name="message" value="{message["id"]}"' in html
    assert "Delete selected messages" in html


def test_conversation_fragment_for_htmx(supervisor, chat):
    url = reverse("history:chat_detail", args=[chat["id"]]) + "?part=messages"
    response = supervisor.get(url, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="messages"')
    assert "<html" not in html and "Visitor" not in html
    whole = supervisor.get(reverse("history:chat_detail", args=[chat["id"]]), **HTMX).content.decode()
    assert whole.lstrip().startswith('<div id="chat"') and 'id="messages"' in whole and "<html" not in whole


def test_read_only_agent_sees_no_delete(agent, chat):
    html = agent.get(reverse("history:chat_detail", args=[chat["id"]])).content.decode()
    assert "Delete selected messages" not in html and 'type="checkbox"' not in html


@pytest.mark.default_profile  # lists chat messages: GET /chatmsgs is not in the History reference
@pytest.mark.parametrize("htmx", [False, True])
def test_a_crafted_delete_by_the_agent_is_refused_by_the_dashboard(agent, emulator, chat, htmx):
    before = _messages(emulator, chat["id"])
    url = reverse("history:chat_messages_delete", args=[chat["id"]])

    response = agent.post(url, {"message": [before[0]["id"]], "confirm": "yes"}, **(HTMX if htmx else {}))

    assert response.status_code == 403
    assert "Your VoIPstudio account is read-only" in response.content.decode()
    assert _messages(emulator, chat["id"]) == before


def test_delete_without_a_selection_says_so(supervisor, emulator, chat):
    url = reverse("history:chat_messages_delete", args=[chat["id"]])
    response = supervisor.post(url, {"confirm": "yes"}, **HTMX)
    assert response.status_code == 200
    assert "Select at least one message to delete." in response.content.decode()


@pytest.mark.parametrize("id", [1, 0])
def test_unknown_chat_is_a_friendly_404(supervisor, id):
    response = supervisor.get(reverse("history:chat_detail", args=[id]))
    assert response.status_code == 404 and "Chat not found" in response.content.decode()
    fragment = supervisor.get(reverse("history:chat_detail", args=[id]) + "?part=messages", **HTMX)
    assert fragment.status_code == 200 and f"no chat with ID {id}" in fragment.content.decode()


@pytest.mark.default_profile  # the reference dialect has no GET /chatmsgs to fail (tests/history/test_optional_endpoints.py)
def test_upstream_failure_shows_an_error_with_retry(supervisor, emulator, chat):
    emulator.add_fault(path=r"^/chatmsgs", status=503)
    url = reverse("history:chat_detail", args=[chat["id"]])
    response = supervisor.get(url)
    page = response.content.decode()
    # The chat's own fields still show; the conversation panel says what failed, with a retry.
    assert response.status_code == 200 and '<h2 id="visitor-heading">Visitor</h2>' in page
    conversation = page.split('id="messages"', 1)[1]
    assert "VoIPstudio could not answer" in conversation and f'hx-get="{url}?part=messages"' in conversation
    fragment = supervisor.get(url + "?part=messages", **HTMX)
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "VoIPstudio could not answer" in html
    assert f'hx-get="{url}?part=messages" hx-target="#messages"' in html


@pytest.fixture
def fresh_supervisor(client, settings, fresh_emulator, db):
    settings.VOIPSTUDIO_BASE_URL = fresh_emulator.api_url
    settings.VOIPSTUDIO_BACKOFF = 0.01
    return sign_in_as(client, fresh_emulator, SUPERVISOR)


@pytest.mark.default_profile  # lists chat messages: GET /chatmsgs is not in the History reference
def test_delete_asks_first_then_deletes_with_htmx(fresh_supervisor, fresh_emulator):
    chat = _closed_chat(fresh_emulator)
    messages = _messages(fresh_emulator, chat["id"])
    chosen = [messages[0]["id"], messages[1]["id"]]
    url = reverse("history:chat_messages_delete", args=[chat["id"]])

    asked = fresh_supervisor.post(url, {"message": chosen}, **HTMX)

    html = asked.content.decode()
    assert asked.status_code == 200 and html.lstrip().startswith('<section id="messages"')
    assert "Delete 2 messages?" in html and 'name="confirm" value="yes"' in html
    assert all(f'<input type="hidden" name="message" value="{id}">' in html for id in chosen)
    assert 'hx-get="/chats/' in html and ">Cancel</a>" in html
    assert len(_messages(fresh_emulator, chat["id"])) == len(messages)  # nothing deleted yet

    done = fresh_supervisor.post(url, {"message": chosen, "confirm": "yes"}, **HTMX)

    html = done.content.decode()
    assert done.status_code == 200 and "Deleted 2 messages." in html
    left = [m["id"] for m in _messages(fresh_emulator, chat["id"])]
    assert left == [m["id"] for m in messages[2:]]
    assert all(f'id="message-{id}"' not in html for id in chosen)


@pytest.mark.default_profile  # lists chat messages: GET /chatmsgs is not in the History reference
def test_delete_works_as_a_plain_form_round_trip(fresh_supervisor, fresh_emulator):
    chat = _closed_chat(fresh_emulator)
    messages = _messages(fresh_emulator, chat["id"])
    url = reverse("history:chat_messages_delete", args=[chat["id"]])

    asked = fresh_supervisor.post(url, {"message": [messages[-1]["id"]]})
    assert asked.status_code == 200 and "<html" in asked.content.decode()
    assert "Delete 1 message?" in asked.content.decode()

    done = fresh_supervisor.post(url, {"message": [messages[-1]["id"]], "confirm": "yes"}, follow=True)

    assert done.redirect_chain == [(reverse("history:chat_detail", args=[chat["id"]]), 302)]
    assert "Deleted 1 message." in done.content.decode()
    assert [m["id"] for m in _messages(fresh_emulator, chat["id"])] == [m["id"] for m in messages[:-1]]


@pytest.mark.default_profile  # lists chat messages: GET /chatmsgs is not in the History reference
def test_a_form_of_one_chat_cannot_delete_another_chats_messages(fresh_supervisor, fresh_emulator):
    chat = _closed_chat(fresh_emulator)
    other = fresh_emulator.get("/chatmsgs", limit=1, sort="id", dir="DESC").json()["data"][0]
    assert other["chat_id"] != chat["id"]
    url = reverse("history:chat_messages_delete", args=[chat["id"]])

    response = fresh_supervisor.post(url, {"message": [other["id"]], "confirm": "yes"}, **HTMX)

    assert "Nothing was deleted: those messages are not in this chat" in response.content.decode()
    assert fresh_emulator.get("/chatmsgs", filter=_where(id=other["id"])).json()["data"] == [other]

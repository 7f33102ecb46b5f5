"""A bad day at VoIPstudio, for every page and action the history tests do not already cover (they
cover the Calls table, the call page's 503/429, the trace, the pcap's 503, the chat page's 503,
audio 503/429 and an MP3 cut off mid-stream, and sign-in/sign-out): a clear message, never a 500,
and no write half-applied."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import SUPERVISOR, free_port, sign_in_as
from tests.recording_form import opened_form
from voiphistory.history.catalog import SECTIONS

HTMX = {"HTTP_HX_REQUEST": "true"}
FAULTS = {
    "slow": {"latency_ms": 1500},
    "500": {"status": 500},
    # Past the client's 10 s cap, so it fails at once (a short Retry-After is waited for and retried:
    # tests/voipstudio cover that).
    "503-retry-after": {"status": 503, "retry_after": 60},
    "429": {"status": 429, "retry_after": 30},
    "malformed": {"malformed": True},
}
MESSAGE = "VoIPstudio"  # every failure message names who failed


def _where(**conditions) -> str:
    return json.dumps([{"property": k, "operator": "eq", "value": v} for k, v in conditions.items()])


def _body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode(
        "utf-8", "replace"
    )


@pytest.fixture
def items(dashboard) -> dict:
    monitor = dashboard.get("/monitors", limit=1).json()["data"][0]
    return {
        "monitor": monitor,
        "cdr": dashboard.get("/cdrs", limit=1, filter=_where(live_id=monitor["live_id"])).json()["data"][0],
        "chat": dashboard.get(
            "/chats", limit=1, filter=_where(state=dashboard.code("state", "closed"))
        ).json()["data"][0],
        "voicemail": dashboard.get("/voicemessages", limit=1).json()["data"][0],
    }


def _pages(items: dict) -> list[tuple[str, str]]:
    """(dashboard path, the API path a fault on which must not take it down)."""
    m, c, ch, v = items["monitor"]["id"], items["cdr"]["id"], items["chat"]["id"], items["voicemail"]["id"]
    return [
        (f"/calls/{c}/", r"^/cdrs/\d+$"),
        (f"/calls/{c}/", r"^/(monitors|voicemessages)$"),
        (f"/calls/{c}/", r"/notes$"),
        (f"/chats/{ch}/", r"^/chats/\d+$"),
        (f"/recordings/{m}/edit/", r"^/monitors/\d+$"),
        (f"/recordings/{m}/row/", r"^/monitors/\d+$"),
        (f"/recordings/{m}/audio.mp3", r"^/monitors/\d+\.mp3$"),
        (f"/voicemail/{v}/audio.mp3", r"^/voicemessages/\d+$"),
        (f"/calls/{c}/capture.pcap", r"\.pcap$"),
        *[
            (
                f"/{s.slug}/",
                rf"^/{s.collection.replace('_', '/').replace('calltracking/cdrs', '(cdrs/)?calltracking(/cdrs)?')}$",
            )
            for s in SECTIONS
            if s.slug != "calls"
        ],
    ]


@pytest.mark.parametrize("fault", FAULTS, ids=str)
def test_every_page_says_what_went_wrong_and_never_500s(supervisor, dashboard, settings, items, fault):
    settings.VOIPSTUDIO_READ_TIMEOUT = 0.5
    settings.VOIPSTUDIO_RETRIES = 1
    for path, api_path in _pages(items):
        for extra in ({}, HTMX):
            supervisor.get("/calls/")  # the user directory is cached: the fault hits the page's own request
            dashboard.add_fault(path=api_path, **FAULTS[fault])
            response = supervisor.get(path, **extra)
            dashboard.clear_faults()
            assert response.status_code != 500, (path, api_path)
            body = _body(response)
            if response.status_code != 200 or "error" in body:
                assert MESSAGE in body, (path, api_path, response.status_code, body[:300])


def test_connection_refused_is_a_message_on_every_page(supervisor, settings, items):
    supervisor.get("/calls/")
    settings.VOIPSTUDIO_BASE_URL = f"http://127.0.0.1:{free_port()}/v1.2/voipstudio"  # nobody listens here
    paths = {path for path, _ in _pages(items)} | {f"/{s.slug}/" for s in SECTIONS}
    for path in sorted(paths):
        for extra in ({}, HTMX):
            response = supervisor.get(path, **extra)
            assert response.status_code != 500 and MESSAGE in _body(response), (path, response.status_code)


# -- writes: nothing half-applied ----------------------------------------------------------------------


@pytest.fixture
def fresh(client, settings, fresh_emulator, tmp_path, db):
    settings.VOIPSTUDIO_BASE_URL = fresh_emulator.api_url
    settings.VOIPSTUDIO_BACKOFF = 0.01
    settings.VOIPSTUDIO_READ_TIMEOUT = 0.5
    settings.AUDIO_CACHE_DIR = tmp_path / "audio"
    return sign_in_as(client, fresh_emulator, SUPERVISOR), fresh_emulator


WRITE_FAULTS = {
    **{k: v for k, v in FAULTS.items() if k != "slow"},
    "slow-then-503": {"latency_ms": 1500, "status": 503},
}


@pytest.mark.default_profile  # deletes calls and chat messages by id: GET /chatmsgs, DELETE /cdrs/{ids} are not in the reference
@pytest.mark.parametrize("fault", WRITE_FAULTS, ids=str)
def test_a_failed_write_says_so_and_changes_nothing(fresh, fault):
    client, emulator = fresh
    rule = WRITE_FAULTS[fault]
    monitor = emulator.get("/monitors", limit=1).json()["data"][0]
    inbox = emulator.get("/voicemessages", limit=2, filter=_where(folder=1)).json()["data"]
    cdr = emulator.get("/cdrs", limit=1).json()["data"][0]
    chat = emulator.get("/chats", limit=1, filter=_where(state=2)).json()["data"][0]
    messages = emulator.get("/chatmsgs", limit=2, filter=_where(chat_id=chat["id"])).json()["data"]
    before = {
        "monitor": emulator.get(f"/monitors/{monitor['id']}").json()["data"],
        "folders": [m["folder"] for m in inbox],
        "messages": len(
            emulator.get("/chatmsgs", limit=100, filter=_where(chat_id=chat["id"])).json()["data"]
        ),
    }
    edit = opened_form(client, monitor["id"], summary="changed under a fault", cx_score="5")
    # A DELETE answered 2xx counts as done whatever its body (VoIPstudio's delete bodies carry
    # nothing the dashboard needs), so a malformed body is only a fault for the PATCHes.
    for method in ("PATCH",) if fault == "malformed" else ("PATCH", "DELETE"):
        emulator.add_fault(method=method, **rule)
    answers = {
        "edit": client.post(f"/recordings/{monitor['id']}/edit/", edit, **HTMX),
        "edit-page": client.post(f"/recordings/{monitor['id']}/edit/", edit),
        "move": client.post(
            "/voicemail/move/", {"ids": [m["id"] for m in inbox], "folder": "Work"}, follow=True
        ),
        "delete": client.post(f"/calls/{cdr['id']}/delete/", {"next": "/calls/"}, **HTMX),
        "delete-page": client.post(f"/calls/{cdr['id']}/delete/", {"next": "/calls/"}),
        "chat": client.post(
            f"/chats/{chat['id']}/messages/delete/",
            {"message": [m["id"] for m in messages], "confirm": "yes"},
            **HTMX,
        ),
    }
    emulator.clear_faults()
    if fault == "malformed":
        answers = {name: answers[name] for name in ("edit", "edit-page", "move")}
    for name, response in answers.items():
        assert response.status_code != 500 and MESSAGE in _body(response), (name, response.status_code)
        assert not re.search(
            r"Recording saved|Moved \d|The call was deleted|Deleted \d+ message", _body(response)
        ), name
    assert emulator.get(f"/monitors/{monitor['id']}").json()["data"] == before["monitor"]
    assert [emulator.get(f"/voicemessages/{m['id']}").json()["data"]["folder"] for m in inbox] == before[
        "folders"
    ]
    if fault == "malformed":
        return
    assert emulator.get(f"/cdrs/{cdr['id']}").status_code == 200
    assert (
        len(emulator.get("/chatmsgs", limit=100, filter=_where(chat_id=chat["id"])).json()["data"])
        == before["messages"]
    )
    from voiphistory.audit.models import AuditEvent

    # Nothing happened, so the audit trail says nothing happened: a write whose answer was lost
    # (the slow faults) is kept with what reading it back showed, and nothing else is kept.
    assert all(event.detail.get("outcome") == "lost_not_done" for event in AuditEvent.objects.all())
    assert AuditEvent.objects.exists() is (fault == "slow-then-503")


def test_writes_when_voipstudio_is_unreachable_say_so(supervisor, settings, items):
    m = items["monitor"]["id"]
    edit = opened_form(supervisor, m, summary="x", cx_score="1")  # opened while VoIPstudio answered
    settings.VOIPSTUDIO_BASE_URL = f"http://127.0.0.1:{free_port()}/v1.2/voipstudio"
    for path, data in [
        (f"/recordings/{m}/edit/", edit),
        ("/voicemail/move/", {"ids": [items["voicemail"]["id"]], "folder": "Work"}),
        (f"/calls/{items['cdr']['id']}/delete/", {"next": "/calls/"}),
        (f"/chats/{items['chat']['id']}/messages/delete/", {"message": [1], "confirm": "yes"}),
    ]:
        response = supervisor.post(path, data, follow=True, **({} if "move" in path else HTMX))
        assert response.status_code != 500 and MESSAGE in _body(response), path

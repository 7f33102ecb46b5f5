"""Listening where you look (a Listen button on recorded calls, codes in words) and voicemail
triage (mark heard / new, one or many; play marks heard; the move selector), as full pages and as
HTMX fragments against the live emulator."""

from __future__ import annotations

import html as htmllib
import json
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.conftest import Sent
from voiphistory.audit.models import AuditEvent
from voiphistory.history.labels import folder_label, party_id_label
from voiphistory.history.templatetags.history_format import coded
from voiphistory.web.formatting import phone

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "table"}
#: Folder codes per emulator profile (tests/conftest.py); the reference one is configured as an operator would.
FOLDER_CODES = {
    "default": {"INBOX": 1, "Old": 2, "Work": 3, "Family": 4, "Friends": 5},
    "reference": {"INBOX": 0, "Old": 1, "Work": 2, "Family": 3, "Friends": 4, "Urgent": 5},
}


def where(**conditions) -> str:
    return json.dumps([{"property": k, "operator": "eq", "value": v} for k, v in conditions.items()])


def blocks(page: str, prefix: str) -> dict[int, str]:
    """Each ``<tbody id="{prefix}-N">…</tbody>`` of a table by N."""
    return {
        int(m[1]): m[2] for m in re.finditer(rf'<tbody id="{prefix}-(\d+)"[^>]*>(.*?)</tbody>', page, re.S)
    }


@pytest.fixture
def codes(settings, emulator_profile) -> dict[str, int]:
    settings.VOIPSTUDIO_VOICEMAIL_FOLDERS = FOLDER_CODES[emulator_profile]
    return FOLDER_CODES[emulator_profile]


class Upstream:
    """The upstream request log (tests/conftest.py ``upstream_log``: what went over the wire) as
    (method, API path, JSON body) per request."""

    def __init__(self, log: list[Sent]) -> None:
        self.log = log

    def __iter__(self) -> Iterator[tuple[str, str, object]]:
        for sent in list(self.log):
            path = urlsplit(sent.url).path.split("/voipstudio", 1)[1]
            yield sent.method, path, json.loads(sent.body) if sent.body else None

    def clear(self) -> None:
        self.log.clear()


@pytest.fixture
def upstream(upstream_log: list[Sent]) -> Upstream:
    """Every request the dashboard sends VoIPstudio, as (method, path, json body)."""
    return Upstream(upstream_log)


# --- 7. Listen where you look ---------------------------------------------------------------------


@pytest.fixture
def recorded_caller(dashboard):
    """A caller with recorded and unrecorded calls: their legs and the live ids that were recorded."""
    for monitor in dashboard.get("/monitors", limit=200, sort="timestamp", dir="DESC").json()["data"]:
        number = monitor["src"]
        legs = dashboard.get("/cdrs", limit=100, filter=where(src=number)).json()["data"]
        recorded = {
            m["live_id"]: m
            for m in dashboard.get("/monitors", limit=500, filter=where(src=number)).json()["data"]
        }
        recorded_calls = {leg["root_live_id"] for leg in legs if leg["live_id"] in recorded}
        unrecorded_calls = {leg["root_live_id"] for leg in legs} - recorded_calls
        if 3 <= len(legs) <= 60 and recorded_calls and unrecorded_calls:  # so unrecorded legs too
            return number, legs, recorded
    pytest.fail("the demo data has no caller with both recorded and unrecorded calls")


@pytest.mark.parametrize("fragment", [False, True], ids=["page", "fragment"])
def test_leg_rows_of_recorded_calls_have_listen_and_the_inline_player(
    supervisor, recorded_caller, fragment, upstream
):
    number, legs, recorded = recorded_caller
    response = supervisor.get(
        "/calls/", {"legs": "on", "from_number": number, "size": 100}, **(HTMX if fragment else {})
    )
    page = response.content.decode()
    assert response.status_code == 200 and ("<html" in page) is not fragment
    rows = {
        int(m[1]): m[2] for m in re.finditer(r'<tr id="row-(\d+)"(.*?)(?=<tr id="row-|</table>)', page, re.S)
    }
    assert set(rows) == {leg["id"] for leg in legs}
    for leg in legs:
        monitor = recorded.get(leg["live_id"])
        row = rows[leg["id"]]
        if monitor is None:
            assert "data-play-on-open" not in row and "/audio.mp3" not in row
        else:
            assert f'aria-controls="call-{leg["id"]}-player"' in row and "data-play-on-open" in row
            assert f'<tr id="call-{leg["id"]}-player" class="details-row" hidden>' in row
            assert f'src="/recordings/{monitor["id"]}/audio.mp3"' in row  # history/player.html#player
    # One caller's calls over three months: one request per stretch of them at most, never one per row.
    assert 1 <= sum(1 for method, path, _ in upstream if method == "GET" and path == "/monitors") < len(legs)


@pytest.mark.parametrize("legs", ["on", ""], ids=["legs", "calls"])
def test_one_request_finds_the_recordings_of_a_page_sorted_by_date(supervisor, upstream, legs):
    page = supervisor.get("/calls/", {"legs": legs, "size": 100}, **HTMX).content.decode()
    assert "data-play-on-open" in page
    assert sum(1 for method, path, _ in upstream if method == "GET" and path == "/monitors") == 1


def test_call_rows_of_recorded_calls_have_listen(supervisor, dashboard, recorded_caller):
    number, legs, recorded = recorded_caller
    page = supervisor.get("/calls/", {"from_number": number, "size": 100}, **HTMX).content.decode()
    calls = blocks(page, "call")
    assert calls, "the Calls table lists calls"
    root_of = {leg["id"]: leg["root_live_id"] for leg in legs}
    recorded_roots = {leg["root_live_id"] for leg in legs if leg["live_id"] in recorded}
    for call_id, row in calls.items():
        assert ("data-play-on-open" in row) is (root_of[call_id] in recorded_roots), call_id
    assert any("data-play-on-open" in row for row in calls.values())
    assert any("data-play-on-open" not in row for row in calls.values())


def test_calls_table_says_when_recordings_cannot_be_looked_up(supervisor, dashboard, recorded_caller):
    number, _, _ = recorded_caller
    dashboard.add_fault(path="^/monitors$", method="GET", status=500)
    page = supervisor.get("/calls/", {"legs": "on", "from_number": number}, **HTMX).content.decode()
    assert "Which calls were recorded could not be looked up" in page
    assert re.search(r'<tr id="row-\d+"', page) and "data-play-on-open" not in page  # the calls still show


def test_voicemail_rows_name_the_dialled_line_and_folders_in_words(supervisor, dashboard, codes):
    message = dashboard.get(
        "/voicemessages", limit=1, sort="origtime", dir="DESC", filter=where(folder=codes["INBOX"])
    ).json()["data"][0]
    users = dashboard.get("/users", limit=500)  # not in the reference: there the line is its number alone
    owner = (
        next((u for u in users.json()["data"] if u["id"] == message["extension_id"]), None)
        if users.ok
        else None
    )
    assert (owner is None) is (dashboard.profile == "reference")
    for fragment in (False, True):
        page = supervisor.get("/voicemail/", {"sort": "-when"}, **(HTMX if fragment else {})).content.decode()
        row = blocks(page, "voicemail")[message["id"]]
        number = htmllib.escape(phone(message["dialled"]))
        dialled = next(cell for cell in re.findall(r"<td>(.*?)</td>", row, re.S) if number in cell)
        if owner:
            assert dialled.startswith(
                htmllib.escape(f"{owner['first_name']} {owner['last_name']}") + '<span class="sub">'
            )
        else:
            # the number alone: linked to its timeline, or an internal extension as plain text
            assert re.fullmatch(r'<a href="/numbers/\d+/" class="number">[^<]+</a>|\d+', dialled.strip()), (
                dialled
            )
        assert "<td>Inbox</td>" in row and ">INBOX<" not in page
        options = re.findall(r"<option value=\"[^\"]*\">([^<]*)</option>", page)
        assert "Inbox" in options and "INBOX" not in options


def test_codes_read_as_words_in_every_table(supervisor):
    conversations = supervisor.get("/conversations/", {"size": 100}).content.decode()
    channels = set(re.findall(r'<span class="badge[^"]*">([^<]+)</span>', conversations))
    assert channels & {"Call", "Chat", "SMS"} and not channels & {"call", "chat", "sms"}
    sessions = supervisor.get("/media-sessions/", {"size": 100}, **HTMX).content.decode()
    assert re.search(r"<td>Contact \d+<span", sessions) and "contact:" not in sessions
    assert set(re.findall(r'<span class="badge[^"]*">([^<]+)</span>', sessions)) <= {
        "Video",
        "Screen sharing",
        "Audio",
    }
    chats = supervisor.get("/chats/", {"size": 100}).content.decode()
    states = {m for m in re.findall(r"<td>(Waiting|Active|Closed|Missed|\d)</td>", chats)}
    assert states and not any(s.isdigit() for s in states)


def test_labels_of_codes_and_unknown_values_shown_raw():
    assert (
        folder_label("INBOX") == "Inbox"
        and folder_label("Old") == "Old"
        and folder_label("Urgent") == "Urgent"
    )
    assert coded("closed", "chat_state") == "Closed" and coded("parked", "chat_state") == "parked"
    assert coded("sms", "channel") == "SMS" and coded("fax", "channel") == "fax"
    assert coded("screen", "media_type") == "Screen sharing"
    assert (
        party_id_label("contact:13913") == "Contact 13913" and party_id_label("Queue12443") == "Queue 12443"
    )
    assert party_id_label("robot:7") == "robot:7" and party_id_label("10003") == "10003"


# --- 8. Voicemail triage --------------------------------------------------------------------------


def messages_in(emulator, folder: int, count: int, **more) -> list[dict]:
    found = emulator.get(
        "/voicemessages", limit=count, sort="origtime", dir="DESC", filter=where(folder=folder, **more)
    ).json()["data"]
    assert len(found) == count
    return found


def folder_of(emulator, id: int) -> int:
    return emulator.get(f"/voicemessages/{id}").json()["data"]["folder"]


def test_the_move_selector_offers_the_other_folders(supervisor, dashboard, codes):
    folders = [folder_label(name) for name in codes]  # Inbox, Old, Work, Family, Friends (and Urgent)
    page = supervisor.get("/voicemail/", {"sort": "-when", "size": 100}).content.decode()
    rows = blocks(page, "voicemail")
    for id, row in rows.items():
        shown = re.search(rf"<td>({'|'.join(folders)})</td>", row)[1]
        options = re.findall(
            r"<option value=\"([^\"]+)\">([^<]+)</option>",
            re.search(rf'<select id="move-{id}".*?</select>', row, re.S)[0],
        )
        assert [label for _, label in options] == [f for f in folders if f != shown]
    assert {re.search(rf"<td>({'|'.join(folders)})</td>", row)[1] for row in rows.values()} >= {
        "Inbox",
        "Old",
    }
    toolbar = re.search(r'<select id="move-folder".*?</select>', page, re.S)[0]
    assert re.findall(r">([^<]+)</option>", toolbar) == ["Choose a folder…", *folders]
    inbox_view = supervisor.get("/voicemail/", {"folder": codes["INBOX"]}, **HTMX).content.decode()
    toolbar = re.search(r'<select id="move-folder".*?</select>', inbox_view, re.S)[0]
    assert re.findall(r">([^<]+)</option>", toolbar) == ["Choose a folder…", *folders[1:]]


def test_mark_one_heard_then_new_again(fresh_supervisor, fresh_emulator, upstream, codes):
    message = messages_in(fresh_emulator, codes["INBOX"], 1, is_new=True)[0]
    id = message["id"]
    row = blocks(
        fresh_supervisor.get("/voicemail/", {"folder": codes["INBOX"]}).content.decode(), "voicemail"
    )[id]
    assert "Mark heard</button>" in row and 'action="/voicemail/heard/"' in row
    response = fresh_supervisor.post(
        "/voicemail/heard/", {"ids": [id], "opened": [f"{id}:INBOX"], "next": "/voicemail/?folder=1"}, **HTMX
    )
    assert json.loads(response["HX-Location"])["path"] == "/voicemail/?folder=1"
    assert [(m, p) for m, p, _ in upstream if m == "PATCH"] == [("PATCH", "/voicemessages")]
    now = fresh_emulator.get(f"/voicemessages/{id}").json()["data"]
    assert now["folder"] == codes["Old"] and now["is_new"] is False
    assert (
        "Marked one voicemail heard (moved to Old)."
        in fresh_supervisor.get("/voicemail/", **HTMX).content.decode()
    )
    event = AuditEvent.objects.get(action="move", object_ids=[id])
    assert event.detail["reason"] == "heard" and event.detail["folder"] == "Old"

    row = blocks(
        fresh_supervisor.get("/voicemail/", {"folder": codes["Old"]}, **HTMX).content.decode(), "voicemail"
    )[id]
    assert "Mark new</button>" in row and "<td>Old</td>" in row
    page = fresh_supervisor.post(
        "/voicemail/new/", {"ids": [id], "next": "/voicemail/"}, follow=True
    ).content.decode()
    assert "Marked one voicemail new (moved back to Inbox)." in page
    assert folder_of(fresh_emulator, id) == codes["INBOX"]


def test_mark_many_heard_in_one_request_leaving_filed_messages_where_they_are(
    fresh_supervisor, fresh_emulator, upstream, codes
):
    inbox = [m["id"] for m in messages_in(fresh_emulator, codes["INBOX"], 3)]
    work = messages_in(fresh_emulator, codes["Work"], 1)[0]["id"]
    opened = [f"{inbox[0]}:INBOX", f"{work}:Work"]  # the other two are read from VoIPstudio
    fresh_supervisor.post(
        "/voicemail/heard/", {"ids": [*inbox, work], "opened": opened, "next": "/voicemail/"}, **HTMX
    )
    patches = [body for method, _, body in upstream if method == "PATCH"]
    assert patches == [[{"id": id, "folder": "Old"} for id in inbox]]
    assert [folder_of(fresh_emulator, id) for id in [*inbox, work]] == [codes["Old"]] * 3 + [codes["Work"]]
    table = fresh_supervisor.get("/voicemail/", **HTMX).content.decode()
    assert (
        "Marked 3 voicemails heard (moved to Old). One voicemail was not new (not in the Inbox): left as it was."
        in table
    )
    upstream.clear()
    fresh_supervisor.post("/voicemail/new/", {"ids": [*inbox, work], "next": "/voicemail/"}, **HTMX)
    assert [body for method, _, body in upstream if method == "PATCH"] == [
        [{"id": id, "folder": "INBOX"} for id in [*inbox, work]]
    ]
    assert {folder_of(fresh_emulator, id) for id in [*inbox, work]} == {codes["INBOX"]}


def test_moving_a_selection_skips_the_messages_already_there(
    fresh_supervisor, fresh_emulator, upstream, codes
):
    work = [m["id"] for m in messages_in(fresh_emulator, codes["Work"], 2)]
    inbox = messages_in(fresh_emulator, codes["INBOX"], 1)[0]["id"]
    fresh_supervisor.post(
        "/voicemail/move/", {"ids": [*work, inbox], "folder": "Work", "next": "/voicemail/"}, **HTMX
    )
    assert [body for method, _, body in upstream if method == "PATCH"] == [[{"id": inbox, "folder": "Work"}]]
    table = fresh_supervisor.get("/voicemail/", **HTMX).content.decode()
    assert "Moved one voicemail to Work. 2 voicemails were already in Work: left as they were." in table
    nothing = fresh_supervisor.post(
        "/voicemail/move/", {"ids": [inbox], "next": "/voicemail/"}, follow=True
    ).content.decode()
    assert "Choose the folder to move them to." in nothing
    gone = fresh_supervisor.post(
        "/voicemail/heard/", {"ids": [999_999_999], "next": "/voicemail/"}, follow=True
    ).content.decode()
    assert "One voicemail no longer exists." in gone


def test_a_lost_answer_is_read_back(fresh_supervisor, fresh_emulator, codes):
    done, undone = (m["id"] for m in messages_in(fresh_emulator, codes["INBOX"], 2))
    fresh_emulator.add_fault(
        path="^/voicemessages$", method="PATCH", truncate_bytes=12, remaining=1
    )  # applied, answer cut
    page = fresh_supervisor.post(
        "/voicemail/heard/", {"ids": [done], "next": "/voicemail/"}, follow=True
    ).content.decode()
    assert (
        "Marked one voicemail heard (moved to Old). VoIPstudio&#x27;s answer was lost, but reading back shows it was done."
        in page
    )
    assert folder_of(fresh_emulator, done) == codes["Old"]
    fresh_emulator.add_fault(
        path="^/voicemessages$", method="PATCH", status=504, remaining=1
    )  # never applied
    page = fresh_supervisor.post(
        "/voicemail/heard/", {"ids": [undone], "next": "/voicemail/"}, follow=True
    ).content.decode()
    assert "reading back shows one voicemail not moved" in page and "Marked" not in page
    assert folder_of(fresh_emulator, undone) == codes["INBOX"]
    assert AuditEvent.objects.get(object_ids=[undone]).detail["outcome"] == "lost_not_done"


@pytest.mark.parametrize("fragment", [False, True], ids=["page", "fragment"])
def test_play_marks_a_new_message_heard_once(fresh_supervisor, fresh_emulator, fragment, upstream, codes):
    new = messages_in(fresh_emulator, codes["INBOX"], 1, is_new=True)[0]["id"]
    old = messages_in(fresh_emulator, codes["Old"], 1)[0]["id"]
    page = fresh_supervisor.get(
        "/voicemail/", {"sort": "-when", "size": 100}, **(HTMX if fragment else {})
    ).content.decode()
    rows = blocks(page, "voicemail")
    assert f'data-player-heard-url="/voicemail/{new}/played/"' in rows[new]
    assert "data-player-heard-url" not in rows[old]
    line = fresh_supervisor.post(
        f"/voicemail/{new}/played/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/voicemail/?folder=1",
    )
    assert line.status_code == 200
    body = line.content.decode()
    assert (
        body.lstrip().startswith(f'<tr id="voicemail-{new}-summary"')
        and "<td>Old</td>" in body
        and "Heard" in body
    )
    assert (
        'name="next" value="/voicemail/?folder=1"' in body and "data-player" not in body
    )  # the player is not swapped
    assert folder_of(fresh_emulator, new) == codes["Old"]
    upstream.clear()
    again = fresh_supervisor.post(f"/voicemail/{new}/played/", HTTP_HX_REQUEST="true")
    assert again.status_code == 200 and not [m for m, _, _ in upstream if m == "PATCH"]  # idempotent
    assert AuditEvent.objects.filter(action="move", object_ids=[new]).count() == 1
    assert AuditEvent.objects.get(action="move", object_ids=[new]).detail["reason"] == "played"


def test_play_does_not_mark_heard_when_the_setting_is_off(fresh_supervisor, fresh_emulator, settings, codes):
    settings.VOIPHISTORY_VOICEMAIL_PLAY_MARKS_HEARD = False
    new = messages_in(fresh_emulator, codes["INBOX"], 1, is_new=True)[0]["id"]
    for headers in ({}, HTMX):
        assert (
            "data-player-heard-url"
            not in fresh_supervisor.get("/voicemail/", {"sort": "-when"}, **headers).content.decode()
        )
    assert fresh_supervisor.post(f"/voicemail/{new}/played/", HTTP_HX_REQUEST="true").status_code == 404
    assert folder_of(fresh_emulator, new) == codes["INBOX"]


def test_agents_can_neither_mark_nor_have_play_mark(agent, dashboard, upstream, codes):
    new = messages_in(dashboard, codes["INBOX"], 1, is_new=True)[0]["id"]
    page = agent.get("/voicemail/").content.decode()
    assert "Mark heard" not in page and "data-player-heard-url" not in page and 'id="move-' not in page
    for url in ("/voicemail/heard/", "/voicemail/new/", "/voicemail/move/"):
        response = agent.post(url, {"ids": [new], "folder": "Work", "next": "/voicemail/"}, follow=True)
        assert "Your account is read-only" in response.content.decode()
    assert agent.post(f"/voicemail/{new}/played/", HTTP_HX_REQUEST="true").status_code == 403
    assert not [m for m, _, _ in upstream if m == "PATCH"]
    assert folder_of(dashboard, new) == codes["INBOX"]

"""VoipstudioClient's collections over HTTP (`responses` mocks the API): paging, chunked deletes,
writes (edits, moves, API tokens) and the record extras (trace, notes, dictionaries, CSV).
No Django needed.
"""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from tests.voipstudio.http_doubles import (  # noqa: F401 (fixtures: client, mock)
    BASE,
    CDR,
    MONITOR,
    TOKEN,
    VOICEMAIL,
    client,
    mock,
    query,
)
from voiphistory.voipstudio import Filter, InvalidIdentifier, Sentiment, VoicemailFolder, VoipstudioClient

# -- paging -----------------------------------------------------------------------------------


def paged(mock: responses.RequestsMock, pages: dict[int, list[dict[str, Any]]], total: int) -> None:
    def reply(request: Any) -> tuple[int, dict[str, str], str]:
        number = int(parse_qs(urlsplit(request.url).query)["page"][0])
        return 200, {}, json.dumps({"data": pages.get(number, []), "total": total})

    mock.add_callback(responses.GET, f"{BASE}/cdrs", callback=reply)


def cdrs(first: int, count: int) -> list[dict[str, Any]]:
    return [{**CDR, "id": first + i} for i in range(count)]


def test_iterate_stops_on_an_empty_page(mock, client):
    paged(mock, {1: cdrs(1, 2), 2: cdrs(3, 1)}, total=10)
    assert [c.id for c in client.cdrs.iterate(page_size=2)] == [1, 2, 3]
    assert [query(c)["page"] for c in mock.calls] == ["1", "2", "3"]


def test_iterate_stops_at_total_without_asking_for_more(mock, client):
    paged(mock, {1: cdrs(1, 2), 2: cdrs(3, 2), 3: cdrs(5, 1), 4: cdrs(6, 2)}, total=5)
    assert [c.id for c in client.cdrs.iterate(page_size=2)] == [1, 2, 3, 4, 5]
    assert len(mock.calls) == 3
    assert {query(c)["limit"] for c in mock.calls} == {"2"}


def test_iterate_is_lazy(mock, client):
    paged(mock, {1: cdrs(1, 3), 2: cdrs(4, 3)}, total=6)
    rows = client.cdrs.iterate(page_size=3, filters=[Filter("type", "eq", "M")])
    assert len(mock.calls) == 0
    assert next(rows).id == 1 and len(mock.calls) == 1
    assert json.loads(query(mock.calls[0])["filter"]) == [
        {"property": "type", "operator": "eq", "value": "M"}
    ]


# -- deletes ----------------------------------------------------------------------------------


def test_delete_chunks_fit_the_path_limit_and_cover_every_id_in_order(mock):
    client = VoipstudioClient(BASE, TOKEN, max_path_length=120)
    mock.add(responses.DELETE, responses.matchers.re.compile(rf"{BASE}/monitors/[\d,]+$"), status=204)
    ids = [2**31 + i for i in range(50)]  # 10 digits each
    requests_made = client.monitors.delete(ids + ids[:3])  # repeats are dropped
    paths = [urlsplit(c.request.url).path for c in mock.calls]
    assert all(len(p) <= 120 for p in paths)
    sent = [int(i) for p in paths for i in p.rsplit("/", 1)[1].split(",")]
    assert sent == ids
    # prefix "/v1.2/voipstudio/monitors/" is 26 chars; 9 ids take 9*10+8 = 98 > 94, so 8 per request
    per_request = (120 - 26 + 1) // 11
    assert requests_made == len(paths) == math.ceil(50 / per_request) == 7


@pytest.mark.parametrize("bad", [0, -3, True, "5", 1.0, None])
def test_invalid_ids_raise_before_any_request(mock, client, bad):
    for action in (
        lambda: client.monitors.delete([1, 2, bad]),
        lambda: client.cdrs.get(bad),
        lambda: client.cdrs.trace(bad),
        lambda: client.monitors.mp3(bad),
        lambda: client.voicemessages.move([bad], VoicemailFolder.OLD),
        lambda: client.cdrs.update_many([{"id": bad, "info": "x"}]),
    ):
        with pytest.raises(InvalidIdentifier):
            action()
    assert len(mock.calls) == 0


@pytest.mark.parametrize(("status", "async_"), [(202, True), (204, False)])
def test_delete_all_reports_asynchronous_deletion(mock, client, status, async_):
    mock.delete(f"{BASE}/voicemessages", status=status)
    assert client.voicemessages.delete_all() is async_


def test_unsupported_endpoints_fail_before_sending(mock, client):
    with pytest.raises(NotImplementedError):
        client.chats.delete([1])
    with pytest.raises(NotImplementedError):
        client.conversations.get(1)
    with pytest.raises(NotImplementedError):
        client.calltracking_cdrs.delete_all()
    assert not hasattr(client.statements, "page")
    assert len(mock.calls) == 0


# -- writes -----------------------------------------------------------------------------------


def test_a_body_that_is_not_json_is_the_callers_error(mock, client):
    with pytest.raises(TypeError):
        client.monitors.update(7, metadata={"when": object()})
    assert len(mock.calls) == 0


def test_monitor_update_patches_only_given_fields(mock, client):
    mock.patch(f"{BASE}/monitors/7", json={"data": MONITOR})
    monitor = client.monitors.update(7, sentiment=Sentiment.POSITIVE, summary=None)
    assert json.loads(mock.calls[0].request.body) == {"summary": None, "sentiment": "positive"}
    assert monitor.sentiment is Sentiment.POSITIVE


def test_voicemail_move_and_cdr_bulk_update_send_arrays(mock, client):
    mock.patch(f"{BASE}/voicemessages", json={"data": [VOICEMAIL, {**VOICEMAIL, "id": 10}]})
    moved = client.voicemessages.move([9, 10], VoicemailFolder.OLD)
    assert json.loads(mock.calls[0].request.body) == [{"id": 9, "folder": "Old"}, {"id": 10, "folder": "Old"}]
    assert [m.folder for m in moved] == [VoicemailFolder.OLD] * 2
    mock.patch(f"{BASE}/cdrs", json={"data": [CDR]})
    assert client.cdrs.update_many([{"id": CDR["id"], "info": "callback"}])[0].id == CDR["id"]
    assert json.loads(mock.calls[1].request.body) == [{"id": CDR["id"], "info": "callback"}]


def test_api_tokens_create_find_delete(mock, client):
    mock.post(
        f"{BASE}/apitokens",
        status=201,
        json={"data": {"token": "abc123", "name": "export", "created_at": "2024-03-01 10:00:00"}},
    )
    mock.get(f"{BASE}/apitokens", json={"data": [{"token": "abc123", "name": "export"}], "total": 1})
    mock.delete(f"{BASE}/apitokens/abc123", status=204)
    created = client.api_tokens.create("export", 3600)
    assert json.loads(mock.calls[0].request.body) == {"name": "export", "expiry": 3600}
    assert "abc123" not in repr(created) and created.token == "abc123"
    assert [t.name for t in client.api_tokens.find("export")] == ["export"]
    assert query(mock.calls[1]) == {"filter": '[{"property":"name","operator":"eq","value":"export"}]'}
    client.api_tokens.delete("abc123")
    for bad in ("..", "a/b", "x y", "", "tok%2F"):
        with pytest.raises(InvalidIdentifier):
            client.api_tokens.delete(bad)
    assert len(mock.calls) == 3


def test_trace_notes_dictionaries_and_csv_export(mock, client):
    mock.get(f"{BASE}/cdrs/5.trace", body="INVITE sip:1@x SIP/2.0\r\n", content_type="text/plain")
    mock.get(
        f"{BASE}/cdrs/5/notes",
        json={
            "data": [{"id": 1, "cdr_id": 5, "note": "hi", "created_at": "2024-03-01 10:00:00"}],
            "total": 1,
        },
    )
    mock.get(f"{BASE}/cdrs/dictionaries", json={"data": {"type": [{"value": "O", "label": "Outbound"}]}})
    mock.get(f"{BASE}/users/3/cdrs.csv", json={"data": {"id": 3, "email": "u@x"}, "links": {}})
    assert client.cdrs.trace(5).startswith("INVITE sip:1@x")
    assert client.cdrs.notes(5)[0].text == "hi"
    assert client.cdrs.dictionaries() == {"type": {"O": "Outbound"}}
    assert client.users.request_cdrs_csv(3).email == "u@x"

"""One bad value never breaks a page, and codes mean what the configuration says (issue 12, 2 and 3).

``responses`` drives the odd values no emulator serves; the reference-profile emulator (0-based
voicemail folders with an extra "Urgent", sentiment -1/0/1, chat states as words, dictionaries as a
mapping per field) is the other dialect over real HTTP.
"""

from __future__ import annotations

import logging

import pytest
import responses

from voiphistory.voipstudio import Codes, Raw, Sentiment, VoicemailFolder, VoipstudioClient, _parse
from voiphistory.voipstudio.resources import parse_dictionaries

BASE = "https://api.test/v1.2/voipstudio"
REFERENCE_CODES = Codes(
    folders={"INBOX": 0, "Old": 1, "Work": 2, "Family": 3, "Friends": 4, "Urgent": 5},
    sentiments={"negative": -1, "neutral": 0, "positive": 1},
)


@pytest.fixture
def mock():
    with responses.RequestsMock() as rsps:
        yield rsps


@pytest.fixture(autouse=True)
def _forget_reported_values():
    _parse._reported.clear()  # "logged once" is per process: each test starts from nothing logged
    yield
    _parse._reported.clear()


def _page(*items) -> dict:
    return {"data": list(items), "total": len(items)}


def test_unknown_values_are_kept_raw_logged_once_and_the_other_records_are_whole(mock, caplog):
    messages = [
        {"id": 1, "origtime": "2026-11-30 09:00:00", "folder": 9},
        {"id": 2, "origtime": "2026-11-30 09:01:00", "folder": 2, "duration": 12},
        {"id": 3, "origtime": "2026-11-30 09:02:00", "folder": 9, "duration": "long", "is_new": "maybe"},
        {"id": 4, "origtime": "2026-11-30 09:03:00", "folder": 9},
    ]
    mock.get(f"{BASE}/voicemessages", json=_page(*messages))
    with caplog.at_level(logging.WARNING, logger="voiphistory.voipstudio"):
        page = VoipstudioClient(BASE, "t").voicemessages.page()
        VoipstudioClient(BASE, "t").voicemessages.page()  # the same values again: nothing more logged
    first, second, third, fourth = page.items
    assert first.folder == Raw(9) and str(first.folder) == "9"
    assert second.folder is VoicemailFolder.OLD and second.duration == 12
    assert third.duration == Raw("long") and third.is_new == Raw("maybe")
    assert fourth.folder == Raw(9) and fourth.origtime.year == 2026
    logged = [r.getMessage() for r in caplog.records]
    assert sum("VoiceMessage.folder = 9" in line for line in logged) == 1
    assert sum("VoiceMessage.duration" in line for line in logged) == 1
    assert sum("VoiceMessage.is_new" in line for line in logged) == 1


def test_a_record_without_a_usable_id_or_date_is_left_out_of_its_page_not_the_page(mock, caplog):
    mock.get(
        f"{BASE}/cdrs",
        json=_page(
            {"id": "x", "calldate": "2026-11-30 09:00:00"},
            {"id": 8, "calldate": "yesterday at nine"},
            {"id": 7, "calldate": "2026-11-30 09:00:00", "type": "Z"},
        ),
    )
    with caplog.at_level(logging.WARNING, logger="voiphistory.voipstudio"):
        page = VoipstudioClient(BASE, "t").cdrs.page()
    assert [cdr.id for cdr in page.items] == [7] and page.items[
        0
    ].type == "Z"  # an unknown type: a string as sent
    assert page.total == 3  # the count stays VoIPstudio's
    assert sum("cdrs.record" in r.getMessage() for r in caplog.records) == 2


def test_sentiment_and_chat_state_codes(mock):
    mock.get(
        f"{BASE}/monitors",
        json=_page(
            {"id": 1, "timestamp": "2026-11-30 09:00:00", "sentiment": -1},
            {"id": 2, "timestamp": "2026-11-30 09:00:00", "sentiment": "positive"},
            {"id": 3, "timestamp": "2026-11-30 09:00:00", "sentiment": 7},
        ),
    )
    mock.get(
        f"{BASE}/chats",
        json=_page(
            {"id": 1, "created_at": "2026-11-30 09:00:00", "state": "abandoned"},
            {"id": 2, "created_at": "2026-11-30 09:00:00", "state": "2"},
        ),
    )
    default, reference = VoipstudioClient(BASE, "t"), VoipstudioClient(BASE, "t", codes=REFERENCE_CODES)
    assert [m.sentiment for m in default.monitors.page().items] == [Raw(-1), Sentiment.POSITIVE, Raw(7)]
    assert [m.sentiment for m in reference.monitors.page().items] == [
        Sentiment.NEGATIVE,
        Sentiment.POSITIVE,
        Raw(7),
    ]
    assert [c.state for c in default.chats.page().items] == ["abandoned", 2]
    assert reference.with_token("u").codes is REFERENCE_CODES  # a client for another user keeps the codes


def test_patch_sends_the_sentiment_word_and_move_the_folder_name_whatever_the_numbering(mock):
    client = VoipstudioClient(BASE, "t", codes=REFERENCE_CODES)
    mock.patch(
        f"{BASE}/monitors/5", json={"data": {"id": 5, "timestamp": "2026-11-30 09:00:00", "sentiment": -1}}
    )
    mock.patch(
        f"{BASE}/voicemessages", json={"data": [{"id": 9, "origtime": "2026-11-30 09:00:00", "folder": 5}]}
    )
    assert client.monitors.update(5, sentiment=Sentiment.NEGATIVE).sentiment is Sentiment.NEGATIVE
    assert client.voicemessages.move([9], "urgent")[0].folder == "Urgent"
    assert mock.calls[0].request.body == b'{"sentiment": "negative"}'
    assert mock.calls[1].request.body == b'[{"id": 9, "folder": "Urgent"}]'
    with pytest.raises(ValueError, match="not a voicemail folder"):
        VoipstudioClient(BASE, "t").voicemessages.move([9], "Urgent")  # not a folder of the default numbering
    assert len(mock.calls) == 2  # refused before any request


def test_codes_refuse_ambiguous_configuration():
    with pytest.raises(ValueError, match="share one code"):
        Codes(folders={"INBOX": 1, "Old": 1})
    with pytest.raises(ValueError, match="negative, neutral and positive"):
        Codes(sentiments={"bad": 0, "neutral": 1, "positive": 2})


@pytest.mark.parametrize(
    "data, labels",
    [
        (
            {"type": [{"value": "O", "label": "Outbound"}], "result": [{"value": 1, "label": "Sent"}]},
            {"type": {"O": "Outbound"}, "result": {1: "Sent"}},
        ),
        (
            {"type": {"O": "Outbound"}, "state": {"0": "Queued", "1": "Active"}},
            {"type": {"O": "Outbound"}, "state": {0: "Queued", 1: "Active"}},
        ),
        (
            [{"id": 2222, "type": 0, "calldate": "2022-11-17 05:57:42"}],
            {},
        ),  # the reference's own example: no labels in it
        ({"type": "Outbound", "context": [{"nothing": 1}]}, {}),
    ],
)
def test_dictionaries_are_read_in_either_shape(data, labels):
    assert parse_dictionaries(data) == labels


# --- over real HTTP, both dialects ---------------------------------------------------------------


def _by_id(client: VoipstudioClient, collection: str, **params) -> dict:
    return {
        item.id: item
        for item in getattr(client, collection).page(limit=200, sort="id", direction="ASC", **params).items
    }


def test_reference_dialect_folders_read_right_only_with_its_numbering(emulator, reference_emulator):
    default = _by_id(VoipstudioClient(emulator.api_url, emulator.token()), "voicemessages")
    as_is = _by_id(VoipstudioClient(reference_emulator.api_url, reference_emulator.token()), "voicemessages")
    configured = _by_id(
        VoipstudioClient(reference_emulator.api_url, reference_emulator.token(), codes=REFERENCE_CODES),
        "voicemessages",
    )
    assert default.keys() == as_is.keys() == configured.keys()
    # Unconfigured, the 0-based INBOX is a code nobody knows: shown raw, and nothing failed.
    assert any(message.folder == Raw(0) for message in as_is.values())
    assert "Urgent" in {message.folder for message in configured.values()}
    for id, message in configured.items():  # the default dialect lists Urgent messages in INBOX
        assert message.folder == default[id].folder or (message.folder, default[id].folder) == (
            "Urgent",
            "INBOX",
        )


def test_reference_dialect_sentiments_chat_states_and_dictionaries(emulator, reference_emulator):
    default_client = VoipstudioClient(emulator.api_url, emulator.token())
    reference_client = VoipstudioClient(
        reference_emulator.api_url, reference_emulator.token(), codes=REFERENCE_CODES
    )
    default, reference = _by_id(default_client, "monitors"), _by_id(reference_client, "monitors")
    assert {id: m.sentiment for id, m in reference.items()} == {id: m.sentiment for id, m in default.items()}
    assert any(m.sentiment is Sentiment.NEGATIVE for m in reference.values())
    states = {chat.state for chat in reference_client.chats.page(limit=200).items}
    assert states and all(isinstance(state, str) for state in states)
    assert reference_client.cdrs.dictionaries()["type"] == default_client.cdrs.dictionaries()["type"]

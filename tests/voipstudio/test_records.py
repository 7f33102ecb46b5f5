"""Records parsed at the client boundary, filters and id batching: plain data, no HTTP, no Django."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from voiphistory.voipstudio import (
    ApiToken,
    Cdr,
    Chat,
    ChatMessage,
    Conversation,
    Filter,
    InvalidIdentifier,
    LoginResult,
    Me,
    Monitor,
    Msdr,
    Note,
    Page,
    Sentiment,
    Sms,
    TwoFactorRequired,
    User,
    VoicemailFolder,
    VoiceMessage,
    date_range,
)
from voiphistory.voipstudio.filters import chunk_ids, list_params, validate_ids

SEED_CDR = {
    "id": 6707,
    "billsec": 8304,
    "call_id": 3677,
    "calldate": "2017-09-03 08:47:45",
    "charge": "0.0120",
    "clid": "Bob <13103345244>",
    "context": "PSTN_CALL",
    "destination": "out",
    "disposition": "CONNECTED",
    "dst": "44203846719",
    "dst_codec": "PCMA",
    "dst_id": "contact:3423",
    "dst_name": "Alice",
    "dst_ua": "x",
    "duration": 5304,
    "info": "",
    "is_root": True,
    "live_id": 2357,
    "parent_live_id": 4120,
    "rate": "0.01",
    "root_live_id": 187,
    "server_id": 5764,
    "sip_endpoint_id": 4218,
    "src": "13103345244",
    "src_codec": "G722",
    "src_id": "10002",
    "src_name": "Bob",
    "src_ua": "y",
    "t_cause": "Normal Clearing",
    "type": "O",
    "user_id": 1436,
    "brand_new_field": {"ignored": True},
}


def test_cdr_parses_every_seed_field_and_calldate_as_aware_utc():
    cdr = Cdr.from_api(SEED_CDR)
    assert cdr.calldate == datetime(2017, 9, 3, 8, 47, 45, tzinfo=UTC)
    assert cdr.calldate.utcoffset() == timedelta(0)
    assert (cdr.type, cdr.disposition, cdr.destination, cdr.billsec, cdr.is_root) == (
        "O",
        "CONNECTED",
        "out",
        8304,
        True,
    )
    assert (cdr.src_id, cdr.dst_id, cdr.charge, cdr.root_live_id) == ("10002", "contact:3423", "0.0120", 187)
    assert not hasattr(cdr, "brand_new_field")


def test_missing_or_null_optional_fields_become_none_and_big_ids_survive():
    cdr = Cdr.from_api({"id": 2**40, "calldate": "2024-01-01 00:00:00", "dst": None})
    assert cdr.id == 2**40 and cdr.dst is None and cdr.billsec is None and cdr.is_root is None


@pytest.mark.parametrize(
    "data",
    [
        {"calldate": "2024-01-01 00:00:00"},
        {"id": 1},
        {"id": 1, "calldate": "soon"},
        {"id": True, "calldate": "2024-01-01 00:00:00"},
    ],
)
def test_required_fields_are_checked(data):
    with pytest.raises(ValueError):
        Cdr.from_api(data)


def test_offset_datetimes_are_converted_to_utc():
    cdr = Cdr.from_api({"id": 1, "calldate": "2024-06-01T12:00:00+02:00"})
    assert cdr.calldate == datetime(2024, 6, 1, 10, 0, tzinfo=UTC) and cdr.calldate.tzinfo is UTC


def test_monitor_sentiment_and_metadata():
    monitor = Monitor.from_api(
        {
            "id": 1,
            "timestamp": "2024-01-01 09:00:00",
            "sentiment": 0,
            "cx_score": 55,
            "transcript_speakers": "A|B",
            "metadata": {"lang": "en"},
        }
    )
    assert monitor.sentiment is Sentiment.NEGATIVE and monitor.sentiment.api_word == "negative"
    assert (monitor.cx_score, monitor.transcript_speakers, monitor.metadata) == (55, "A|B", {"lang": "en"})
    assert (
        Monitor.from_api({"id": 2, "timestamp": "2024-01-01 09:00:00", "sentiment": None}).sentiment is None
    )
    hash(monitor)  # frozen records stay hashable even with a metadata dict


def test_voicemail_folder_enum_and_api_names():
    message = VoiceMessage.from_api({"id": 3, "origtime": "2024-01-01 09:00:00", "folder": 4, "is_new": 0})
    assert message.folder is VoicemailFolder.FAMILY and message.is_new is False
    assert [f.api_name for f in VoicemailFolder] == ["INBOX", "Old", "Work", "Family", "Friends"]
    assert VoicemailFolder.from_api("old") is VoicemailFolder.OLD
    # A folder code nobody configured is kept raw (tests/voipstudio/test_tolerant.py), not an error.


def test_sms_renames_from_and_to_and_conversation_ids_are_strings():
    sms = Sms.from_api({"id": 1, "created_at": "2024-01-01 00:00:00", "from": "4420", "to": "1212"})
    assert (sms.from_number, sms.to_number) == ("4420", "1212")
    conversation = Conversation.from_api({"id": "c-9f", "created_at": "2024-01-01 00:00:00", "monitor_id": 4})
    assert conversation.id == "c-9f" and conversation.monitor_id == 4


def test_me_keeps_no_sip_credentials():
    me = Me.from_api(
        {
            "id": 5,
            "email": "a@b.c",
            "customer_id": 9,
            "roles": ["ROLE_ADMIN"],
            "sip_password": "hunter2",
            "sip": {"secret": "hunter2"},
        }
    )
    assert me.roles == ("ROLE_ADMIN",) and "hunter2" not in repr(me)
    assert set(Me.__slots__) == {"id", "email", "first_name", "last_name", "customer_id", "roles"}


def test_user_record_roles_and_extension():
    user = User.from_api(
        {
            "id": 3,
            "first_name": "Ann",
            "last_name": "Lee",
            "extension": 1001,
            "roles": "ROLE_USER, ROLE_ADMIN",
            "active": True,
            "created_at": "2023-05-01 08:00:00",
        }
    )
    assert (user.extension, user.roles, user.full_name) == ("1001", ("ROLE_USER", "ROLE_ADMIN"), "Ann Lee")
    assert user.created_at == datetime(2023, 5, 1, 8, tzinfo=UTC)


def test_secret_records_mask_their_repr():
    for record in (
        ApiToken(token="s3cr3t-token", name="n"),
        LoginResult(token="s3cr3t-token", user_id=1),
        TwoFactorRequired(nonce="s3cr3t-token"),
    ):
        assert "s3cr3t" not in repr(record) and "s3cr3t" not in str(record)


@pytest.mark.parametrize(
    ("record", "data", "checks"),
    [
        (
            Chat,
            {
                "id": 2874,
                "created_at": "2023-05-20 04:44:06",
                "state": 1,
                "visitor_name": "Eve",
                "website_id": 8154,
            },
            {"state": 1, "visitor_name": "Eve", "website_id": 8154},
        ),
        (
            ChatMessage,
            {
                "id": 1,
                "chat_id": 2874,
                "created_at": "2023-05-20 04:45:00",
                "sender": "visitor",
                "message": "hello",
            },
            {"chat_id": 2874, "sender": "visitor", "message": "hello"},
        ),
        (
            Msdr,
            {
                "id": 3989,
                "call_id": "a84b4c76e66710",
                "created_at": "2020-12-24 06:29:28",
                "media_session_id": 4236,
                "t_cause": "Normal Clearing",
            },
            {"call_id": "a84b4c76e66710", "media_session_id": 4236, "t_cause": "Normal Clearing"},
        ),
        (
            Note,
            {
                "id": 4,
                "cdr_id": 5,
                "user_id": 6,
                "user_name": "Ann",
                "note": "call back",
                "created_at": "2024-01-02 03:04:05",
            },
            {"cdr_id": 5, "author": "Ann", "text": "call back"},
        ),
    ],
)
def test_seed_examples_parse_every_declared_field(record, data, checks):
    parsed = record.from_api(data)
    assert parsed.id == data["id"] and parsed.created_at.tzinfo is UTC
    assert {key: getattr(parsed, key) for key in checks} == checks


def test_page_counts_pages():
    assert Page(items=[], total=0, page=1, limit=25).pages == 0
    assert Page(items=[1], total=51, page=3, limit=25).pages == 3
    assert Page(items=[1], total=50, page=2, limit=25).has_next is False


def test_sentiment_words():
    assert [s.api_word for s in Sentiment] == ["negative", "neutral", "positive"]
    assert Sentiment.from_api("Positive") is Sentiment.POSITIVE


# -- filters ----------------------------------------------------------------------------------


def test_date_range_is_gte_plus_lte_and_a_date_end_covers_the_whole_day():
    low, high = date_range("origtime", date(2024, 1, 1), date(2024, 1, 31))
    assert (low.to_api(), high.to_api()) == (
        {"property": "origtime", "operator": "gte", "value": "2024-01-01"},
        {"property": "origtime", "operator": "lte", "value": "2024-01-31 23:59:59"},
    )
    assert [f.operator for f in date_range("calldate", None, "2024-01-31")] == ["lte"]
    with pytest.raises(ValueError):
        date_range("calldate", date(2024, 2, 1), date(2024, 1, 1))


def test_aware_datetimes_are_sent_in_utc():
    paris = timezone(timedelta(hours=1))
    value = Filter("calldate", "gte", datetime(2024, 1, 1, 1, 30, tzinfo=paris)).to_api()["value"]
    assert value == "2024-01-01 00:30:00"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"direction": "UP"},
        {"sort": "id; drop"},
        {"page": 0},
        {"limit": 10001},
        {"limit": True},
        {"filters": [{"property": "id"}]},
    ],
)
def test_bad_list_parameters_are_refused(kwargs):
    with pytest.raises((ValueError, TypeError)):
        list_params(**{"page": 1, "limit": 25, **kwargs})


def test_validate_ids_drops_repeats_keeps_order_and_refuses_strings():
    assert validate_ids([5, 3, 5, 1]) == [5, 3, 1]
    with pytest.raises(InvalidIdentifier):
        validate_ids("123")


@given(
    ids=st.lists(st.integers(min_value=1, max_value=2**63), unique=True, max_size=300),
    prefix=st.integers(min_value=0, max_value=60),
    room=st.integers(min_value=20, max_value=400),
)
def test_chunk_ids_fits_every_chunk_covers_all_ids_and_packs_greedily(ids, prefix, room):
    limit = prefix + room
    chunks = chunk_ids(ids, prefix_length=prefix, max_path_length=limit)
    assert [i for chunk in chunks for i in chunk] == ids
    for index, chunk in enumerate(chunks):
        assert chunk and prefix + len(",".join(map(str, chunk))) <= limit
        if index + 1 < len(chunks):  # the next id would not have fitted: no wasted request
            assert prefix + len(",".join(map(str, [*chunk, chunks[index + 1][0]]))) > limit

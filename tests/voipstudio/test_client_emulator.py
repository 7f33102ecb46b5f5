"""The client against the live emulator over real HTTP: the dialect as the product will meet it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import AGENT, DEMO_PASSWORD, SUPERVISOR, TWO_FACTOR, TWO_FACTOR_CODE
from voiphistory.voipstudio import (
    Cdr,
    Filter,
    Forbidden,
    InvalidRequest,
    LoginResult,
    Monitor,
    NotFound,
    RateLimited,
    Sentiment,
    TwoFactorRequired,
    Unauthorized,
    Unavailable,
    VoicemailFolder,
    VoipstudioClient,
    date_range,
)


def client_for(emulator, email: str = SUPERVISOR, **options) -> VoipstudioClient:
    return VoipstudioClient(emulator.api_url, emulator.token(email), backoff=0.05, **options)


def test_sign_in_with_two_factor_then_a_named_token(emulator):
    anonymous = VoipstudioClient(emulator.api_url)
    challenge = anonymous.login(TWO_FACTOR, DEMO_PASSWORD)
    assert isinstance(challenge, TwoFactorRequired)
    session = anonymous.login_2fa(TWO_FACTOR_CODE, challenge.nonce)
    assert isinstance(session, LoginResult)
    client = anonymous.with_token(session.token)
    assert client.me().email == TWO_FACTOR
    named = client.api_tokens.create(f"voiphistory-test-{session.user_id}-{datetime.now().timestamp()}", 600)
    assert [t.token for t in client.api_tokens.find(named.name)] == [named.token]
    client.api_tokens.delete(named.token)
    client.logout()
    with pytest.raises(Unauthorized):
        client.ping()


def test_bad_password_is_unauthorized_with_the_apis_message(emulator):
    with pytest.raises(Unauthorized, match="Invalid credentials"):
        VoipstudioClient(emulator.api_url).login(SUPERVISOR, "nope")


def test_a_page_of_calls_in_a_date_range_sorted(emulator):
    client = client_for(emulator)
    newest = client.cdrs.page(limit=1, sort="calldate").items[0]
    start = newest.calldate - timedelta(days=7)
    page = client.cdrs.page(limit=50, filters=date_range("calldate", start, newest.calldate), sort="calldate")
    assert 0 < len(page.items) <= 50 and page.total >= len(page.items)
    assert all(isinstance(cdr, Cdr) and start <= cdr.calldate <= newest.calldate for cdr in page.items)
    assert [c.calldate for c in page.items] == sorted((c.calldate for c in page.items), reverse=True)
    assert page.items[0].calldate.tzinfo == UTC


def test_iterate_walks_every_match_lazily_across_pages(emulator):
    client = client_for(emulator)
    filters = [Filter("type", "eq", "M")]
    total = client.cdrs.page(limit=1, filters=filters).total
    ids = [cdr.id for cdr in client.cdrs.iterate(filters=filters, page_size=500)]
    assert len(ids) == len(set(ids)) == total > 500
    first_two = list(itertools.islice(client.cdrs.iterate(page_size=100), 2))
    assert len(first_two) == 2


def test_every_collection_parses_into_records(emulator):
    client = client_for(emulator)
    listed_only = (
        client.calltracking_cdrs,
        client.chat_messages,
        client.conversations,
        client.sms,
        client.users,
    )
    with_get = (client.cdrs, client.monitors, client.voicemessages, client.chats, client.msdrs)
    for collection in listed_only + with_get:
        page = collection.page(limit=3)
        assert len(page.items) == 3 and page.total >= 3
    for collection in with_get:
        first = collection.page(limit=1).items[0]
        assert collection.get(first.id) == first


def test_files_stream_in_chunks(emulator):
    client = client_for(emulator)
    monitor = client.monitors.page(limit=1, sort="duration").items[0]
    with client.monitors.mp3(monitor.id) as stream:
        assert stream.content_type == "audio/mpeg3" and stream.content_length == monitor.size
        chunks = list(stream.iter_chunks(8192))
    assert max(map(len, chunks)) <= 8192 and sum(map(len, chunks)) == monitor.size
    cdr = client.cdrs.page(limit=1).items[0]
    assert client.cdrs.trace(cdr.id).startswith(cdr.calldate.strftime("%Y-%m-%d"))
    with client.cdrs.pcap(cdr.id) as pcap:
        assert b"".join(pcap.iter_chunks())[:4] == bytes.fromhex("d4c3b2a1")


def test_notes_and_dictionaries(emulator):
    client = client_for(emulator)
    assert {"type", "disposition"} <= set(client.cdrs.dictionaries())
    for cdr in client.cdrs.page(limit=200).items:  # ~4% of the demo's calls have notes
        stored = emulator.get(f"/cdrs/{cdr.id}/notes").json()["data"]
        if stored:
            break
    else:
        pytest.fail("none of 200 calls has a note")
    notes = client.cdrs.notes(cdr.id)
    assert [note.id for note in notes] == [row["id"] for row in stored]
    assert all(note.text and note.cdr_id == cdr.id for note in notes)


def test_errors_carry_the_apis_message(emulator):
    client = client_for(emulator)
    with pytest.raises(NotFound, match="Resource not found"):
        client.cdrs.get(1)
    with pytest.raises(InvalidRequest, match="Filtration error"):
        client.cdrs.page(filters=[Filter("no_such_field", "eq", 1)])
    with pytest.raises(Forbidden):
        client_for(emulator, AGENT).monitors.update(client.monitors.page(limit=1).items[0].id, summary="x")


def test_transient_upstream_failures_are_retried_for_reads(emulator):
    emulator.add_fault(path="^/chats$", status=503, retry_after=0, remaining=2)
    assert client_for(emulator).chats.page(limit=1).items
    emulator.add_fault(path="^/sms$", status=429, retry_after=60)
    with pytest.raises(RateLimited) as caught:
        client_for(emulator).sms.page(limit=1)
    assert caught.value.retry_after == 60


def test_slow_or_broken_upstream_becomes_unavailable(emulator):
    emulator.add_fault(path="^/msdrs$", latency_ms=1500)
    with pytest.raises(Unavailable):
        client_for(emulator, read_timeout=0.5).msdrs.page(limit=1)
    emulator.clear_faults()
    emulator.add_fault(path="^/conversations$", malformed=True)
    with pytest.raises(Unavailable, match="malformed"):
        client_for(emulator).conversations.page(limit=1)
    emulator.clear_faults()
    monitor = client_for(emulator).monitors.page(limit=1, sort="duration").items[0]
    emulator.add_fault(path=r"\.mp3$", truncate_bytes=20000)
    with pytest.raises(Unavailable, match="cut off"), client_for(emulator).monitors.mp3(monitor.id) as stream:
        for _ in stream.iter_chunks():
            pass


def test_writes_round_trip(fresh_emulator):
    client = client_for(fresh_emulator)
    monitor = client.monitors.page(limit=1).items[0]
    saved = client.monitors.update(
        monitor.id, summary="Customer asked for a refund.", sentiment=Sentiment.NEGATIVE, cx_score=12
    )
    assert isinstance(saved, Monitor)
    assert (saved.summary, saved.sentiment, saved.cx_score) == (
        "Customer asked for a refund.",
        Sentiment.NEGATIVE,
        12,
    )
    assert client.monitors.get(monitor.id) == saved
    with pytest.raises(InvalidRequest) as caught:
        client.monitors.update(monitor.id, cx_score=500)
    assert "cx_score" in caught.value.field_errors
    messages = client.voicemessages.page(limit=3, filters=[Filter("folder", "eq", 1)]).items
    moved = client.voicemessages.move([m.id for m in messages], VoicemailFolder.WORK)
    assert {m.folder for m in moved} == {VoicemailFolder.WORK}


def test_chunked_delete_by_ids_removes_exactly_those(fresh_emulator):
    client = client_for(fresh_emulator, max_path_length=200)
    before = fresh_emulator.get("/monitors", limit=1).json()["total"]
    ids = [m.id for m in client.monitors.page(limit=60).items]
    requests_made = client.monitors.delete(ids)
    assert requests_made == len(client.monitors.chunk_ids(ids)) > 1
    assert fresh_emulator.get("/monitors", limit=1).json()["total"] == before - 60
    for monitor_id in ids[:3] + ids[-3:]:
        with pytest.raises(NotFound):
            client.monitors.get(monitor_id)

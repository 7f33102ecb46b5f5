"""The SIP trace as a ladder: participants, arrows in time order, labels, offsets."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from voiphistory.emulator.sip import SipCall, parse_trace, sip_dialog, trace_text
from voiphistory.history.ladder import LadderError, parse_ladder

EXPECTED_LABELS = {
    "answered": ["INVITE", "100 Trying", "180 Ringing", "200 OK", "ACK", "BYE", "200 OK"],
    "busy": ["INVITE", "100 Trying", "180 Ringing", "486 Busy Here", "ACK"],
    "cancelled": ["INVITE", "100 Trying", "180 Ringing", "CANCEL", "200 OK", "487 Request Terminated", "ACK"],
}
# Which way each message goes: 0 = caller, 1 = the PBX; (source, target) in order.
EXPECTED_DIRECTIONS = {
    "busy": [(0, 1), (1, 0), (1, 0), (1, 0), (0, 1)],
    "cancelled": [(0, 1), (1, 0), (1, 0), (0, 1), (1, 0), (1, 0), (0, 1)],
}


def _one_cdr(emulator, **conditions) -> dict:
    filters = [{"property": key, "operator": "eq", "value": value} for key, value in conditions.items()]
    return emulator.get("/cdrs", limit=1, filter=json.dumps(filters)).json()["data"][0]


@pytest.fixture
def traces(emulator) -> dict[str, tuple[dict, str]]:
    """A seeded answered, busy and cancelled call leg with its trace as the emulator serves it."""
    cdrs = {
        "answered": _one_cdr(emulator, disposition="CONNECTED", context="QUEUE"),
        "busy": _one_cdr(emulator, t_cause="User busy", context="PSTN_CALL"),
        "cancelled": _one_cdr(emulator, t_cause="Originator cancel", context="PSTN_CALL"),
    }
    return {outcome: (cdr, emulator.get(f"/cdrs/{cdr['id']}.trace").text) for outcome, cdr in cdrs.items()}


@pytest.mark.parametrize("outcome", ["answered", "busy", "cancelled"])
def test_ladder_has_one_arrow_per_message_in_time_order_with_labels(traces, outcome):
    cdr, text = traces[outcome]
    expected = parse_trace(text)  # the emulator's own reader: the ground truth for its format

    ladder = parse_ladder(text)

    assert len(ladder.arrows) == len(expected) == text.count("\n--\n")
    assert [arrow.label for arrow in ladder.arrows] == EXPECTED_LABELS[outcome]
    assert [arrow.index for arrow in ladder.arrows] == list(range(1, len(expected) + 1))
    assert [arrow.at for arrow in ladder.arrows] == [m.timestamp.replace(tzinfo=UTC) for m in expected]
    assert all(a.at < b.at for a, b in zip(ladder.arrows, ladder.arrows[1:], strict=False))
    assert ladder.arrows[0].offset == timedelta(0)
    start = expected[0].timestamp
    assert [arrow.offset for arrow in ladder.arrows] == [m.timestamp - start for m in expected]
    assert [arrow.text.replace("\n", "\r\n") for arrow in ladder.arrows] == [m.text for m in expected]


@pytest.mark.parametrize("outcome", ["answered", "busy", "cancelled"])
def test_participants_are_the_two_addresses_labelled_with_the_parties(traces, outcome):
    cdr, text = traces[outcome]
    first = parse_trace(text)[0]

    ladder = parse_ladder(text)

    caller, pbx = ladder.participants
    assert caller.address == f"{first.src_ip}:{first.src_port}"
    assert pbx.address == f"{first.dst_ip}:{first.dst_port}"
    assert (caller.name, caller.number) == (cdr["src_name"], cdr["src"])
    assert (pbx.name, pbx.number) == (cdr["dst_name"], cdr["dst"])
    assert caller.x < pbx.x
    if outcome in EXPECTED_DIRECTIONS:
        directions = [(a.source.index, a.target.index) for a in ladder.arrows]
        assert directions == EXPECTED_DIRECTIONS[outcome]


def test_answered_call_offsets_reach_the_hang_up_and_the_offer_carries_sdp(traces):
    cdr, text = traces["answered"]
    ladder = parse_ladder(text)
    invite, *_, bye_ok = ladder.arrows
    assert invite.has_sdp and invite.is_request and invite.kind == "request"
    assert ladder.arrows[3].has_sdp and ladder.arrows[3].kind == "success"  # 200 OK with the answer
    assert ladder.arrows[1].kind == "provisional" and not ladder.arrows[1].has_sdp
    assert bye_ok.offset >= timedelta(seconds=cdr["billsec"])
    assert ladder.started_at == invite.at


def test_busy_call_marks_the_refusal_as_a_failure(traces):
    ladder = parse_ladder(traces["busy"][1])
    assert ladder.arrows[3].status == 486 and ladder.arrows[3].kind == "failure"


def _call(outcome: str = "answered", **changes) -> SipCall:
    values = dict(
        call_id="abc@example",
        started_at=datetime(2024, 5, 6, 9, 15, 2),
        caller_number="442071234567",
        caller_name='Zoë "The Boss" <Müller>',
        callee_number="IVR324",
        callee_name="Main menu",
        caller_ip="192.0.2.10",
        callee_ip="198.51.100.20",
        caller_ua="Yealink",
        callee_ua="VoIPstudio PBX",
        codec="PCMA",
        ring_seconds=4,
        talk_seconds=3725,
        outcome=outcome,
    )
    return SipCall(**(values | changes))


def test_quoted_display_names_are_unescaped_and_offsets_read_as_time():
    ladder = parse_ladder(trace_text(sip_dialog(_call())))
    assert ladder.participants[0].name == 'Zoë "The Boss" <Müller>'
    assert ladder.participants[0].label == 'Zoë "The Boss" <Müller>'
    assert ladder.arrows[0].offset_label == "+0.000 s"
    assert ladder.arrows[-1].offset_label.startswith("+1:02:")  # an hour and two minutes in
    assert ladder.summary.startswith("SIP ladder: 7 messages between Zoë")


def test_crlf_text_and_a_trace_cut_short_still_parse():
    text = trace_text(sip_dialog(_call("busy")))
    assert len(parse_ladder(text.replace("\n", "\r\n")).arrows) == 5
    cut = text[: text.rindex("\n--\n")]  # the last block lost its closing line
    assert [a.label for a in parse_ladder(cut).arrows][-1] == "ACK"


def test_empty_trace_is_an_empty_ladder():
    ladder = parse_ladder("")
    assert ladder.arrows == () and ladder.participants == () and ladder.started_at is None


@pytest.mark.parametrize(
    "text",
    [
        "<html>Service Unavailable</html>\n",
        "2024-05-06 09:15:02.000000 192.0.2.10:5060 -> 198.51.100.20:5060\n--\n",
    ],
)
def test_text_that_is_not_a_trace_raises_ladder_error(text):
    with pytest.raises(LadderError):
        parse_ladder(text)


def test_unknown_parties_fall_back_to_their_address():
    text = (
        "2024-05-06 09:15:02.000000 10.0.0.1:5060 -> 10.0.0.2:5080\n"
        "OPTIONS sip:10.0.0.2 SIP/2.0\nVia: SIP/2.0/UDP 10.0.0.1\nContent-Length: 0\n--\n"
        "2024-05-06 09:15:02.100000 10.0.0.2:5080 -> 10.0.0.1:5060\nSIP/2.0 200 OK\nContent-Length: 0\n--\n"
    )
    ladder = parse_ladder(text)
    assert [p.label for p in ladder.participants] == ["10.0.0.1:5060", "10.0.0.2:5080"]
    assert [a.label for a in ladder.arrows] == ["OPTIONS", "200 OK"]
    assert ladder.arrows[1].offset_label == "+0.100 s"


def test_blocks_out_of_time_order_are_drawn_in_time_order():
    text = trace_text(sip_dialog(_call("busy")))
    blocks = text.split("--\n")[:-1]
    shuffled = "".join(block + "--\n" for block in [blocks[1], blocks[0], *blocks[2:]])
    assert [a.label for a in parse_ladder(shuffled).arrows] == EXPECTED_LABELS["busy"]

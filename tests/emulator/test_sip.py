"""Tests for the emulator's SIP trace/pcap generation (no Django needed)."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import struct
import subprocess
from datetime import datetime, timedelta
from itertools import pairwise

import dpkt
import pytest

from voiphistory.emulator.sip import (
    OUTCOMES,
    PCAP_CONTENT_TYPE,
    TRACE_CONTENT_TYPE,
    SipCall,
    SipMessage,
    parse_trace,
    pcap_bytes,
    sip_dialog,
    trace_text,
)

TSHARK = "/usr/bin/tshark"

EXPECTED_START_LINES = {
    "answered": ["INVITE", "100", "180", "200", "ACK", "BYE", "200"],
    "voicemail": ["INVITE", "100", "180", "200", "ACK", "BYE", "200"],
    "busy": ["INVITE", "100", "180", "486", "ACK"],
    "no_answer": ["INVITE", "100", "180", "480", "ACK"],
    "cancelled": ["INVITE", "100", "180", "CANCEL", "200", "487", "ACK"],
}
# CSeq method of each message, same order as EXPECTED_START_LINES (BYE's number is checked apart)
EXPECTED_CSEQ_METHODS = {
    "answered": ["INVITE", "INVITE", "INVITE", "INVITE", "ACK", "BYE", "BYE"],
    "voicemail": ["INVITE", "INVITE", "INVITE", "INVITE", "ACK", "BYE", "BYE"],
    "busy": ["INVITE", "INVITE", "INVITE", "INVITE", "ACK"],
    "no_answer": ["INVITE", "INVITE", "INVITE", "INVITE", "ACK"],
    "cancelled": ["INVITE", "INVITE", "INVITE", "CANCEL", "CANCEL", "INVITE", "ACK"],
}


def make_call(outcome: str = "answered", seed: int = 7, **changes: object) -> SipCall:
    call = SipCall(
        call_id=f"3848276298220188511@{outcome}.192.0.2.10",
        started_at=datetime(2024, 5, 6, 9, 15, 2, 250000),
        caller_number="1001",
        caller_name='Zoë "The Boss" Müller',
        callee_number="442071234567",
        callee_name="ACME Sales",
        caller_ip="192.0.2.10",
        callee_ip="198.51.100.20",
        caller_ua="Yealink SIP-T46S 66.86.0.15",
        callee_ua="VoIPstudio PBX 3.2",
        codec="PCMA",
        ring_seconds=12,
        talk_seconds=95,
        outcome=outcome,
        seed=seed,
    )
    return dataclasses.replace(call, **changes)


def kind(message: SipMessage) -> str:
    """Method of a request, status code of a response."""
    first = message.start_line.split(" ")
    return first[1] if first[0] == "SIP/2.0" else first[0]


def headers(message: SipMessage) -> dict[str, str]:
    head = message.text.split("\r\n\r\n", 1)[0].split("\r\n")[1:]
    return dict(line.split(": ", 1) for line in head)


def body(message: SipMessage) -> bytes:
    return message.text.encode().split(b"\r\n\r\n", 1)[1]


ALL_CALLS = [make_call(o, codec=codec) for o in OUTCOMES for codec in ("PCMA", "opus")] + [
    make_call("answered", ring_seconds=0, talk_seconds=0, seed=3),
    make_call("cancelled", ring_seconds=0, seed=4),
]


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_start_lines_follow_sip(outcome: str) -> None:
    messages = sip_dialog(make_call(outcome))
    assert [kind(m) for m in messages] == EXPECTED_START_LINES[outcome]
    for m in messages:
        assert re.fullmatch(r"[A-Z]+ sip:\S+ SIP/2\.0|SIP/2\.0 \d{3} [A-Za-z ]+", m.start_line), m.start_line
    reasons = {m.start_line for m in messages if m.start_line.startswith("SIP/2.0")}
    expected_reason = {
        "busy": "486 Busy Here",
        "no_answer": "480 Temporarily Unavailable",
        "cancelled": "487 Request Terminated",
    }.get(outcome)
    if expected_reason:
        assert f"SIP/2.0 {expected_reason}" in reasons


@pytest.mark.parametrize("call", ALL_CALLS, ids=lambda c: f"{c.outcome}-{c.codec}-{c.ring_seconds}")
def test_headers_are_consistent(call: SipCall) -> None:
    messages = sip_dialog(call)
    invite = messages[0]
    invite_h = headers(invite)
    from_tag = re.search(r";tag=(\w+)$", invite_h["From"])[1]
    assert ";tag=" not in invite_h["To"]
    to_tag = re.search(r";tag=(\w+)$", headers(messages[1])["To"])[1]
    cseq_methods = []
    for m in messages:
        h = headers(m)
        assert h["Call-ID"] == call.call_id
        assert re.fullmatch(r"SIP/2\.0/UDP [\d.]+:5060;branch=z9hG4bK\w+", h["Via"])
        number, method = h["CSeq"].split(" ")
        assert number.isdigit()
        cseq_methods.append(method)
        assert int(h["Content-Length"]) == len(body(m))
        assert ("Content-Type" in h) == bool(body(m))
        is_request = not m.start_line.startswith("SIP/2.0")
        if is_request:
            assert m.start_line.split(" ")[0] == method
            assert h["Max-Forwards"] == "70"
            assert "User-Agent" in h
            # the Via names the sender of a request, and responses travel back to it
            assert h["Via"].startswith(f"SIP/2.0/UDP {m.src_ip}:{m.src_port};")
        else:
            assert "Server" in h
            assert h["Via"].startswith(f"SIP/2.0/UDP {m.dst_ip}:{m.dst_port};")
        tags = {re.search(r";tag=(\w+)$", h[x])[1] for x in ("From", "To") if ";tag=" in h[x]}
        if m is invite or m.start_line.startswith("CANCEL"):
            assert tags == {from_tag}
        else:
            assert tags == {from_tag, to_tag}
        assert m.src_port == m.dst_port == 5060
        assert {m.src_ip, m.dst_ip} == {call.caller_ip, call.callee_ip}
        assert m.text.endswith("\r\n") and "\n" not in m.text.replace("\r\n", "")
    assert cseq_methods == EXPECTED_CSEQ_METHODS[call.outcome]
    # all INVITE-transaction messages share the INVITE's CSeq and branch; CANCEL and non-2xx ACK too
    for m in messages:
        h = headers(m)
        if h["CSeq"].endswith(("INVITE", "CANCEL")) or (
            h["CSeq"].endswith("ACK") and call.outcome not in ("answered", "voicemail")
        ):
            assert h["CSeq"].split(" ")[0] == invite_h["CSeq"].split(" ")[0]
            assert h["Via"] == invite_h["Via"]
    # timestamps strictly increase, and the first is the call start
    stamps = [m.timestamp for m in messages]
    assert stamps[0] == call.started_at
    assert all(a < b for a, b in pairwise(stamps))


@pytest.mark.parametrize("outcome", ["answered", "voicemail"])
def test_answered_call_has_sdp_and_lasts_ring_plus_talk(outcome: str) -> None:
    call = make_call(outcome, codec="G722")
    messages = sip_dialog(call)
    invite, ok, bye = messages[0], messages[3], messages[5]
    offer, answer = body(invite).decode(), body(ok).decode()
    assert "a=rtpmap:9 G722/8000" in offer and "a=ptime:20" in offer and "c=IN IP4 192.0.2.10" in offer
    assert re.search(r"^m=audio \d+ RTP/AVP 9 101\r$", answer, re.M)
    assert "c=IN IP4 198.51.100.20" in answer
    ring = ok.timestamp - invite.timestamp
    assert abs(ring - timedelta(seconds=call.ring_seconds)) < timedelta(seconds=1)
    duration = bye.timestamp - invite.timestamp
    assert abs(duration - timedelta(seconds=call.ring_seconds + call.talk_seconds)) < timedelta(seconds=2)
    # the ACK and BYE go to the Contact of the 200 OK
    contact = headers(ok)["Contact"].strip("<>")
    ack_target = messages[4].start_line.split(" ")[1]
    assert ack_target == contact
    assert bye.start_line.split(" ")[1] in (contact, headers(invite)["Contact"].strip("<>"))


def test_bye_comes_from_either_side_depending_on_seed() -> None:
    senders = {sip_dialog(make_call(seed=seed))[5].src_ip for seed in range(20)}
    assert senders == {"192.0.2.10", "198.51.100.20"}


def test_not_answered_outcomes_take_ring_seconds() -> None:
    for outcome in ("busy", "no_answer", "cancelled"):
        messages = sip_dialog(make_call(outcome, ring_seconds=25))
        final = next(m for m in messages if kind(m) in ("486", "480", "CANCEL"))
        assert timedelta(seconds=25) <= final.timestamp - messages[0].timestamp < timedelta(seconds=26)


def test_invalid_outcome_is_rejected() -> None:
    with pytest.raises(ValueError):
        make_call("hung_up")


@pytest.mark.parametrize("call", ALL_CALLS, ids=lambda c: f"{c.outcome}-{c.codec}-{c.ring_seconds}")
def test_trace_round_trips(call: SipCall) -> None:
    messages = sip_dialog(call)
    text = trace_text(messages)
    assert parse_trace(text) == messages
    assert trace_text(parse_trace(text)) == text
    assert "\r" not in text and text.endswith("\n--\n")
    blocks = text.split("\n--\n")
    assert blocks[-1] == "" and len(blocks) == len(messages) + 1
    for block, m in zip(blocks[:-1], messages, strict=True):
        first = block.split("\n", 1)[0]
        assert first == (f"{m.timestamp:%Y-%m-%d %H:%M:%S.%f} {m.src_ip}:5060 -> {m.dst_ip}:5060")
    assert parse_trace("") == [] and trace_text([]) == ""


def test_parse_trace_rejects_garbage() -> None:
    text = trace_text(sip_dialog(make_call()))
    for bad in ("hello\n", text[:-3], text.rstrip("\n"), "x" + text):
        with pytest.raises(ValueError):
            parse_trace(bad)


def test_determinism() -> None:
    for outcome in OUTCOMES:
        a, b = sip_dialog(make_call(outcome)), sip_dialog(make_call(outcome))
        assert a == b
        assert pcap_bytes(a) == pcap_bytes(b) and trace_text(a) == trace_text(b)
    assert sip_dialog(make_call(seed=1)) != sip_dialog(make_call(seed=2))


def test_content_types() -> None:
    assert TRACE_CONTENT_TYPE == "text/plain; charset=utf-8"
    assert PCAP_CONTENT_TYPE == "application/vnd.tcpdump.pcap"


def internet_checksum_ok(data: bytes) -> bool:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total == 0xFFFF


@pytest.mark.parametrize("call", ALL_CALLS, ids=lambda c: f"{c.outcome}-{c.codec}-{c.ring_seconds}")
def test_pcap_parses_with_dpkt(call: SipCall) -> None:
    messages = sip_dialog(call)
    data = pcap_bytes(messages)
    magic, major, minor, _, _, snaplen, linktype = struct.unpack("<IHHiIII", data[:24])
    assert (magic, major, minor, snaplen, linktype) == (0xA1B2C3D4, 2, 4, 65535, 1)
    reader = dpkt.pcap.Reader(io.BytesIO(data))
    assert reader.datalink() == dpkt.pcap.DLT_EN10MB
    packets = list(reader)
    assert len(packets) == len(messages)
    macs: dict[str, bytes] = {}
    idents = []
    for (ts, frame), (sec, usec), m in zip(packets, record_times(data), messages, strict=True):
        eth = dpkt.ethernet.Ethernet(frame)
        assert eth.type == dpkt.ethernet.ETH_TYPE_IP
        ip = eth.data
        assert isinstance(ip, dpkt.ip.IP) and ip.p == dpkt.ip.IP_PROTO_UDP
        assert (dpkt.utils.inet_to_str(ip.src), dpkt.utils.inet_to_str(ip.dst)) == (m.src_ip, m.dst_ip)
        raw_ip = frame[14:]
        assert ip.len == len(raw_ip)
        assert internet_checksum_ok(raw_ip[:20]), "IPv4 header checksum"
        udp = ip.data
        assert isinstance(udp, dpkt.udp.UDP) and udp.sport == udp.dport == 5060
        assert udp.ulen == 8 + len(udp.data)
        pseudo = raw_ip[12:20] + struct.pack("!BBH", 0, 17, udp.ulen)
        assert udp.sum != 0 and internet_checksum_ok(pseudo + raw_ip[20:]), "UDP checksum"
        assert udp.data == m.text.encode()
        epoch = (m.timestamp - datetime(1970, 1, 1)) / timedelta(microseconds=1)
        assert sec * 1_000_000 + usec == epoch
        assert abs(ts * 1e6 - epoch) < 2
        assert macs.setdefault(m.src_ip, eth.src) == eth.src
        assert macs.setdefault(m.dst_ip, eth.dst) == eth.dst
        idents.append(ip.id)
    assert eth.src != eth.dst
    assert all(a < b for a, b in pairwise(idents))


def record_times(data: bytes) -> list[tuple[int, int]]:
    """(seconds, microseconds) of every packet record of a little-endian classic pcap."""
    times, offset = [], 24
    while offset < len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[offset : offset + 16])
        assert incl == orig
        times.append((sec, usec))
        offset += 16 + incl
    assert offset == len(data)
    return times


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_pcap_opens_in_tshark(outcome: str, tmp_path) -> None:
    if not (os.path.exists(TSHARK) and shutil.which(TSHARK)):
        pytest.fail(f"tshark is required for this test but {TSHARK} is missing (apt-get install tshark)")
    call = make_call(outcome, codec="opus")
    messages = sip_dialog(call)
    path = tmp_path / f"{outcome}.pcap"
    path.write_bytes(pcap_bytes(messages))
    result = subprocess.run(
        [
            TSHARK,
            "-r",
            str(path),
            "-Y",
            "sip",
            "-T",
            "fields",
            "-e",
            "sip.Method",
            "-e",
            "sip.Status-Code",
            "-e",
            "sip.Call-ID",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) == len(messages), result.stdout
    for (method, status, call_id), m in zip(rows, messages, strict=True):
        assert (method or status) == kind(m)
        assert not (method and status)
        assert call_id == call.call_id

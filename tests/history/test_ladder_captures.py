"""The SIP ladder from any capture: libpcap (link layers, IPv4/IPv6, UDP/TCP, cut short) and the
common text layouts (emulator, ngrep, sngrep, plain messages under a time/arrow line)."""

from __future__ import annotations

import io
import socket
import struct
from datetime import UTC, datetime, timedelta

import dpkt
import pytest

from voiphistory.emulator.sip import SipCall, pcap_bytes, sip_dialog, trace_text
from voiphistory.history.ladder import LadderError, ladder_from_pcap, parse_ladder

T0 = datetime(2026, 11, 30, 9, 0, 1, 123456, tzinfo=UTC)
CALLER, PBX = "10.0.0.1", "10.0.0.2"


def _sip(start: str, *, call_id: str = "c1@x", body: str = "") -> bytes:
    headers = [
        start,
        f"Via: SIP/2.0/UDP {CALLER}:5060;branch=z9hG4bK1",
        'From: "Ann Lee" <sip:441234@x>;tag=1',
        "To: <sip:IVR324@x>",
        f"Call-ID: {call_id}",
        "CSeq: 1 INVITE",
    ]
    if body:
        headers.append("Content-Type: application/sdp")
    headers.append(f"Content-Length: {len(body.encode())}")
    return ("\r\n".join(headers) + "\r\n\r\n" + body).encode()


INVITE = _sip(
    "INVITE sip:IVR324@x SIP/2.0", body="v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\n"
)
RINGING = _sip("SIP/2.0 180 Ringing")
OK = _sip("SIP/2.0 200 OK")


def _udp4(payload: bytes, src: str, dst: str, sport: int = 5060, dport: int = 5060) -> dpkt.ip.IP:
    udp = dpkt.udp.UDP(sport=sport, dport=dport, data=payload)
    udp.ulen = len(udp)
    return dpkt.ip.IP(src=socket.inet_aton(src), dst=socket.inet_aton(dst), p=dpkt.ip.IP_PROTO_UDP, data=udp)


def _ethernet(ip) -> bytes:
    kind = dpkt.ethernet.ETH_TYPE_IP6 if isinstance(ip, dpkt.ip6.IP6) else dpkt.ethernet.ETH_TYPE_IP
    return bytes(dpkt.ethernet.Ethernet(src=b"\x02" * 6, dst=b"\x04" * 6, type=kind, data=ip))


def _pcap(
    frames: list[tuple[float, bytes]], linktype: int = dpkt.pcap.DLT_EN10MB, nano: bool = False
) -> bytes:
    out = io.BytesIO()
    writer = dpkt.pcap.Writer(out, linktype=linktype, nano=nano)
    for offset, frame in frames:
        writer.writepkt(frame, ts=T0.timestamp() + offset)
    return out.getvalue()


def _dialog_frames(wrap) -> list[tuple[float, bytes]]:
    return [
        (0.0, wrap(_udp4(INVITE, CALLER, PBX))),
        (0.1, wrap(_udp4(RINGING, PBX, CALLER))),
        (2.5, wrap(_udp4(OK, PBX, CALLER))),
    ]


def test_ethernet_ipv4_udp_capture_draws_every_sip_message_with_time_and_parties():
    ladder = ladder_from_pcap(_pcap(_dialog_frames(_ethernet)))
    assert [a.label for a in ladder.arrows] == ["INVITE", "180 Ringing", "200 OK"]
    assert ladder.arrows[0].at == T0 and ladder.arrows[2].offset == timedelta(seconds=2.5)
    assert [p.address for p in ladder.participants] == ["10.0.0.1:5060", "10.0.0.2:5060"]
    assert ladder.participants[0].name == "Ann Lee" and ladder.participants[1].number == "IVR324"
    assert ladder.arrows[0].has_sdp and "\r" not in ladder.arrows[0].text


def test_the_emulators_capture_and_its_trace_draw_the_same_ladder():
    call = SipCall(
        call_id="a@b",
        started_at=datetime(2024, 5, 6, 9, 15, 2),
        caller_number="442071234567",
        caller_name="Zoe",
        callee_number="IVR324",
        callee_name="Main menu",
        caller_ip="192.0.2.10",
        callee_ip="198.51.100.20",
        caller_ua="Yealink",
        callee_ua="PBX",
        codec="PCMA",
        ring_seconds=4,
        talk_seconds=30,
        outcome="answered",
    )
    from_pcap, from_trace = (
        ladder_from_pcap(pcap_bytes(sip_dialog(call))),
        parse_ladder(trace_text(sip_dialog(call))),
    )
    assert len(from_pcap.arrows) == 7
    assert [(a.label, a.at, a.text) for a in from_pcap.arrows] == [
        (a.label, a.at, a.text) for a in from_trace.arrows
    ]


def test_linux_cooked_capture_and_non_sip_packets_are_skipped():
    def cooked(ip) -> bytes:  # SLL: packet type, ARPHRD, address length, address(8), protocol
        return struct.pack("!HHH8sH", 0, 1, 6, b"\x02" * 8, 0x0800) + bytes(ip)

    rtp = _udp4(b"\x80\x00" + b"\x00" * 170, CALLER, PBX, 4000, 4002)
    frames = [*_dialog_frames(cooked), (1.0, cooked(rtp))]
    ladder = ladder_from_pcap(_pcap(frames, linktype=dpkt.pcap.DLT_LINUX_SLL))
    assert [a.label for a in ladder.arrows] == ["INVITE", "180 Ringing", "200 OK"]  # RTP is not drawn


def test_raw_ipv6_capture_on_another_port_big_endian_nanoseconds():
    def ip6(payload: bytes, src: str, dst: str) -> bytes:
        udp = dpkt.udp.UDP(sport=5080, dport=5080, data=payload)
        udp.ulen = len(udp)
        packet = dpkt.ip6.IP6(
            src=socket.inet_pton(socket.AF_INET6, src),
            dst=socket.inet_pton(socket.AF_INET6, dst),
            nxt=dpkt.ip.IP_PROTO_UDP,
            hlim=64,
            data=udp,
            plen=len(udp),
        )
        return bytes(packet)

    # dpkt writes little-endian; a big-endian nanosecond file is what some capture tools write.
    header = struct.pack(">IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 65535, 101)
    seconds = int(T0.timestamp())
    records = b""
    for offset_ns, frame in (
        (0, ip6(INVITE, "2001:db8::1", "2001:db8::2")),
        (250_000_000, ip6(RINGING, "2001:db8::2", "2001:db8::1")),
    ):
        records += struct.pack(">IIII", seconds, 123_456_789 + offset_ns, len(frame), len(frame)) + frame
    ladder = ladder_from_pcap(header + records)
    assert [p.address for p in ladder.participants] == ["[2001:db8::1]:5080", "[2001:db8::2]:5080"]
    assert ladder.arrows[0].at == T0.replace(microsecond=123456)
    assert ladder.arrows[1].offset == timedelta(milliseconds=250)


def test_tcp_segments_are_joined_and_cut_into_messages_by_content_length():
    def tcp(payload: bytes, seq: int, src: str, dst: str) -> bytes:
        segment = dpkt.tcp.TCP(
            sport=40000 if src == CALLER else 5060,
            dport=5060 if src == CALLER else 40000,
            seq=seq,
            flags=dpkt.tcp.TH_ACK | dpkt.tcp.TH_PUSH,
            data=payload,
        )
        ip = dpkt.ip.IP(
            src=socket.inet_aton(src), dst=socket.inet_aton(dst), p=dpkt.ip.IP_PROTO_TCP, data=segment
        )
        return _ethernet(ip)

    half = len(INVITE) // 2
    frames = [
        (0.0, tcp(INVITE[:half], 1000, CALLER, PBX)),  # the INVITE split over two segments…
        (0.2, tcp(RINGING + OK, 7000, PBX, CALLER)),  # …two answers in one segment
        (0.01, tcp(INVITE[half:], 1000 + half, CALLER, PBX)),
        (0.02, tcp(INVITE[half:], 1000 + half, CALLER, PBX)),  # a retransmission, drawn once
    ]
    ladder = ladder_from_pcap(_pcap(frames))
    assert [a.label for a in ladder.arrows] == ["INVITE", "180 Ringing", "200 OK"]
    assert ladder.arrows[0].has_sdp and ladder.arrows[0].text.endswith("m=audio 4000 RTP/AVP 0\n")
    assert ladder.participants[0].address == "10.0.0.1:40000"


def test_a_capture_cut_short_keeps_the_packets_that_arrived_whole():
    data = _pcap(_dialog_frames(_ethernet))
    ladder = ladder_from_pcap(data[:-20])  # the last packet lost its tail
    assert [a.label for a in ladder.arrows] == ["INVITE", "180 Ringing"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"message": "Resource not found"}', "libpcap header"),
        (b"\x0a\x0d\x0d\x0a" + b"\x00" * 40, "pcapng"),
        (b"\xd4\xc3\xb2\xa1\x02\x00", "libpcap header"),  # the header itself cut short
    ],
)
def test_bytes_that_are_not_libpcap_are_a_ladder_error(data, reason):
    with pytest.raises(LadderError, match=reason):
        ladder_from_pcap(data)


NGREP = """interface: any
filter: ( port 5060 ) and ((ip || ip6) || (vlan && (ip || ip6)))
#
U 2026/11/30 09:00:01.123456 10.0.0.1:5060 -> 10.0.0.2:5060 #1
INVITE sip:IVR324@x SIP/2.0
Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1
From: "Ann Lee" <sip:441234@x>;tag=1
To: <sip:IVR324@x>
Content-Type: application/sdp
Content-Length: 10

v=0
s=-

#
U 2026/11/30 09:00:01.223456 10.0.0.2:5060 -> 10.0.0.1:5060 #2
SIP/2.0 180 Ringing
Content-Length: 0


##
T 2026/11/30 09:00:03.623456 10.0.0.2:5060 -> 10.0.0.1:40000 [AP] #5
SIP/2.0 200 OK
Content-Length: 0


"""

SNGREP = """2026/11/30 09:00:01.123456 10.0.0.1:5060 -> 10.0.0.2:5060
INVITE sip:IVR324@x SIP/2.0\r
From: "Ann Lee" <sip:441234@x>;tag=1\r
To: <sip:IVR324@x>\r
Content-Length: 0\r
\r


2026/11/30 09:00:01.223456 10.0.0.2:5060 -> 10.0.0.1:5060
SIP/2.0 180 Ringing\r
Content-Length: 0\r
\r


2026/11/30 09:00:03.623456 10.0.0.2:5060 -> 10.0.0.1:5060
SIP/2.0 200 OK\r
Content-Length: 0\r
\r


"""

PLAIN = """10.0.0.1:5060 -> 10.0.0.2:5060 2026-11-30T09:00:01.123456789Z
INVITE sip:IVR324@x SIP/2.0
From: "Ann Lee" <sip:441234@x>;tag=1
Content-Length: 0

==========
[2026-11-30 10:00:01.223456+01:00] 10.0.0.2:5060 → 10.0.0.1:5060
this line is not a header: the block is skipped
==========
10.0.0.2:5060 -> 10.0.0.1:5060 2026-11-30T09:00:03.623456Z
SIP/2.0 200 OK
Content-Length: 0
"""


@pytest.mark.parametrize("layout", [NGREP, SNGREP])
def test_ngrep_and_sngrep_text_layouts(layout):
    ladder = parse_ladder(layout)
    assert [a.label for a in ladder.arrows] == ["INVITE", "180 Ringing", "200 OK"]
    assert ladder.arrows[0].at == T0 and ladder.arrows[2].offset == timedelta(seconds=2.5)
    assert ladder.participants[0].name == "Ann Lee"
    assert ladder.arrows[1].text == "SIP/2.0 180 Ringing\nContent-Length: 0\n\n"


def test_ngrep_keeps_the_blank_line_between_headers_and_body():
    invite = parse_ladder(NGREP).arrows[0]
    assert invite.has_sdp and invite.text.endswith("Content-Length: 10\n\nv=0\ns=-\n")


def test_plain_messages_under_a_time_and_arrow_line_in_any_order_and_zone():
    ladder = parse_ladder(PLAIN)
    assert [a.label for a in ladder.arrows] == ["INVITE", "200 OK"]  # the unreadable block is skipped
    assert ladder.arrows[0].at == T0  # nanoseconds cut to microseconds, Z read as UTC
    assert ladder.arrows[1].offset == timedelta(seconds=2.5)


def test_headers_without_any_sip_message_are_a_ladder_error():
    with pytest.raises(LadderError, match="no SIP message"):
        parse_ladder("U 2026/11/30 09:00:01.123456 10.0.0.1:5060 -> 10.0.0.2:5060\nnot sip\n\n")

"""The SIP messages in a libpcap capture (``/cdrs/{id}.pcap``, ``/msdrs/{id}.pcap``), in pure Python.

VoIPstudio does not say what writes its captures (docs/voipstudio-api.md, "SIP captures"), so this
reads what the common capture tools write: classic libpcap in either byte order, micro- or
nanosecond timestamps; link layers Ethernet II (with 802.1Q/802.1ad VLAN tags), Linux cooked
(SLL and SLL2), BSD loopback and raw IP; IPv4 and IPv6 (extension headers skipped, fragments other
than the first ignored); UDP datagrams, and TCP segments joined per direction in sequence order.
A payload is SIP when it starts with a SIP request or status line, whatever the port. A capture
cut short keeps the packets that arrived whole; one that is not libpcap at all is ``PcapError``.
"""

from __future__ import annotations

import ipaddress
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = ["PcapError", "SipPacket", "sip_packets"]

_MAGIC = {
    b"\xd4\xc3\xb2\xa1": ("<", 1_000_000),  # little-endian, microseconds
    b"\xa1\xb2\xc3\xd4": (">", 1_000_000),
    b"\x4d\x3c\xb2\xa1": ("<", 1_000_000_000),  # nanoseconds
    b"\xa1\xb2\x3c\x4d": (">", 1_000_000_000),
}
_PCAPNG = b"\x0a\x0d\x0d\x0a"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LINK_NULL, _LINK_ETHERNET, _LINK_RAW, _LINK_LOOP, _LINK_SLL, _LINK_SLL2 = 0, 1, 101, 108, 113, 276
_LINK_RAW_ALIASES = {12, 14, _LINK_RAW, 228, 229}  # DLT_RAW on various BSDs, LINKTYPE_IPV4/IPV6
_ETHERTYPE_IPV4, _ETHERTYPE_IPV6 = 0x0800, 0x86DD
_VLAN_TAGS = {0x8100, 0x88A8, 0x9100}
_IPV6_EXTENSIONS = {
    0,
    43,
    60,
    135,
    139,
    140,
}  # hop-by-hop, routing, destination options, mobility, HIP, shim6
_IPV6_FRAGMENT = 44
_UDP, _TCP = 17, 6
SIP_START_RE = re.compile(rb"(?:[A-Z]+ +\S+ +SIP/2\.0|SIP/2\.0 +\d{3}(?: [^\r\n]*)?)\r?\n")
_CONTENT_LENGTH_RE = re.compile(rb"\r?\n(?:content-length|l) *: *(\d+)", re.IGNORECASE)
#: A capture is a few dozen SIP messages; anything bigger is cut here rather than held whole.
MAX_PACKETS = 20_000


class PcapError(ValueError):
    """The bytes are not a libpcap capture this module can read."""


@dataclass(frozen=True, slots=True)
class SipPacket:
    at: datetime  # aware, UTC
    source: str  # "192.0.2.10:5060" or "[2001:db8::1]:5060"
    target: str
    text: str  # the SIP message, its CRLF line endings as LF


def sip_packets(data: bytes) -> list[SipPacket]:
    """Every SIP message in the capture, in capture order; ``PcapError`` when it is not libpcap."""
    if data[:4] == _PCAPNG:
        raise PcapError("the capture is pcapng, not classic libpcap")
    if len(data) < 24 or data[:4] not in _MAGIC:
        raise PcapError("the capture does not start with a libpcap header")
    order, ticks = _MAGIC[data[:4]]
    link = struct.unpack_from(f"{order}I", data, 20)[0] & 0x0FFFFFFF  # the top bits carry FCS flags
    found: list[SipPacket] = []
    streams: dict[tuple[str, str], _TcpStream] = {}
    offset, count = 24, 0
    while offset + 16 <= len(data) and count < MAX_PACKETS:
        seconds, fraction, captured, _ = struct.unpack_from(f"{order}IIII", data, offset)
        frame = data[offset + 16 : offset + 16 + captured]
        if len(frame) < captured:
            break  # the last packet was cut off: keep the ones before it
        offset += 16 + captured
        count += 1
        at = _EPOCH + timedelta(seconds=seconds, microseconds=fraction * 1_000_000 // ticks)
        try:
            transport = _transport(link, frame, order)
        except (struct.error, IndexError, ValueError):
            continue  # one unreadable frame is not the capture's end
        if transport is None:
            continue
        protocol, source, target, payload, sequence = transport
        if protocol == _UDP:
            if SIP_START_RE.match(payload):
                found.append(SipPacket(at, source, target, _text(payload)))
        elif payload:
            streams.setdefault((source, target), _TcpStream()).add(at, sequence, payload)
    for (source, target), stream in streams.items():
        found += [SipPacket(at, source, target, _text(message)) for at, message in stream.messages()]
    return sorted(found, key=lambda packet: packet.at)  # stable: equal times keep capture order


def _transport(link: int, frame: bytes, order: str) -> tuple[int, str, str, bytes, int] | None:
    """(protocol, source, target, payload, TCP sequence) of a UDP or TCP frame, else None."""
    if link == _LINK_ETHERNET:
        ethertype, offset = struct.unpack_from("!H", frame, 12)[0], 14
        while ethertype in _VLAN_TAGS:
            ethertype, offset = struct.unpack_from("!H", frame, offset + 2)[0], offset + 4
        return _ip(ethertype, frame[offset:])
    if link == _LINK_SLL:
        return _ip(struct.unpack_from("!H", frame, 14)[0], frame[16:])
    if link == _LINK_SLL2:
        return _ip(struct.unpack_from("!H", frame, 0)[0], frame[20:])
    if link in (_LINK_NULL, _LINK_LOOP):
        family = struct.unpack_from("!I" if link == _LINK_LOOP else f"{order}I", frame, 0)[0]
        return _ip(_ETHERTYPE_IPV4 if family == 2 else _ETHERTYPE_IPV6, frame[4:])
    if link in _LINK_RAW_ALIASES:
        return _ip(_ETHERTYPE_IPV6 if frame[:1] and frame[0] >> 4 == 6 else _ETHERTYPE_IPV4, frame)
    return None


def _ip(ethertype: int, packet: bytes) -> tuple[int, str, str, bytes, int] | None:
    if ethertype == _ETHERTYPE_IPV4 and packet[0] >> 4 == 4:
        header = (packet[0] & 0x0F) * 4
        total, _, flags_fragment, _, protocol = struct.unpack_from("!HHHBB", packet, 2)
        if flags_fragment & 0x1FFF:
            return None  # a later fragment: no transport header of its own
        source, target = str(ipaddress.IPv4Address(packet[12:16])), str(ipaddress.IPv4Address(packet[16:20]))
        body = packet[header : total or len(packet)]  # total 0: TCP segmentation offload
    elif ethertype == _ETHERTYPE_IPV6 and packet[0] >> 4 == 6:
        length, protocol = struct.unpack_from("!H", packet, 4)[0], packet[6]
        source, target = (
            f"[{ipaddress.IPv6Address(packet[8:24])}]",
            f"[{ipaddress.IPv6Address(packet[24:40])}]",
        )
        body = packet[40 : 40 + length] if length else packet[40:]
        while protocol in _IPV6_EXTENSIONS or protocol == _IPV6_FRAGMENT:
            if protocol == _IPV6_FRAGMENT:
                if struct.unpack_from("!H", body, 2)[0] & 0xFFF8:
                    return None
                protocol, body = body[0], body[8:]
            else:
                protocol, body = body[0], body[(body[1] + 1) * 8 :]
    else:
        return None
    if protocol == _UDP:
        source_port, target_port = struct.unpack_from("!HH", body, 0)
        return _UDP, f"{source}:{source_port}", f"{target}:{target_port}", body[8:], 0
    if protocol == _TCP:
        source_port, target_port, sequence = struct.unpack_from("!HHI", body, 0)
        return (
            _TCP,
            f"{source}:{source_port}",
            f"{target}:{target_port}",
            body[(body[12] >> 4) * 4 :],
            sequence,
        )
    return None


class _TcpStream:
    """One direction of a TCP connection: segments in sequence order (retransmissions once), then
    cut into SIP messages by their Content-Length (RFC 3261 18.3: mandatory over TCP)."""

    def __init__(self) -> None:
        self._segments: dict[int, tuple[datetime, bytes]] = {}

    def add(self, at: datetime, sequence: int, payload: bytes) -> None:
        self._segments.setdefault(sequence, (at, payload))

    def messages(self) -> list[tuple[datetime, bytes]]:
        stream, times = b"", []  # times: (offset in the stream, arrival of the segment starting there)
        for sequence in sorted(self._segments, key=lambda s: (s - min(self._segments)) % 2**32):
            at, payload = self._segments[sequence]
            times.append((len(stream), at))
            stream += payload
        found, offset = [], 0
        while offset < len(stream):
            while stream[offset : offset + 2] == b"\r\n":  # keep-alive CRLFs between messages
                offset += 2
            start = SIP_START_RE.match(stream, offset)
            end_of_headers = stream.find(b"\r\n\r\n", offset)
            if start is None or end_of_headers < 0:
                break  # not SIP, or a message cut off: what came before it stands
            length = _CONTENT_LENGTH_RE.search(stream, offset, end_of_headers)
            end = end_of_headers + 4 + (int(length[1]) if length else 0)
            at = [when for position, when in times if position <= offset][-1]  # the segment it starts in
            found.append((at, stream[offset:end]))
            offset = end
        return found


def _text(payload: bytes) -> str:
    return payload.decode("utf-8", errors="replace").replace("\r\n", "\n")

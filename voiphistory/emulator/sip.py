"""Deterministic SIP signalling for emulated calls: ``/cdrs/{id}.trace`` and ``/cdrs/{id}.pcap``.

Nothing is stored: :func:`sip_dialog` derives the whole dialog of one call leg from a
:class:`SipCall` (random values come from ``random.Random`` seeded with ``call_id`` and
``seed``), and :func:`trace_text` / :func:`pcap_bytes` render it.  Two endpoints talk
directly, UDP port 5060 on both sides.  Timestamps are naive UTC datetimes.

Trace format (``TRACE_CONTENT_TYPE``), one block per SIP message, in time order::

    2024-05-06 09:15:02.000000 192.0.2.10:5060 -> 198.51.100.20:5060
    INVITE sip:442071234567@198.51.100.20 SIP/2.0
    Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK...
    ...
    Content-Length: 0
    <empty line: end of the SIP headers>
    --

* The first line of a block is ``YYYY-MM-DD HH:MM:SS.ffffff SRC_IP:SRC_PORT -> DST_IP:DST_PORT``
  (the time is UTC, always six fractional digits; the sender is on the left).
* The following lines are the SIP message exactly as sent, with the wire's CRLF line
  endings written as LF: start line, headers, an empty line, then the body (SDP), if any.
* Every block, the last one included, ends with a line that is exactly ``--``.  Neither SIP
  headers (``Name: value``) nor SDP lines (``x=value``) can be ``--``, so it is unambiguous.
  An empty dialog is the empty string; a non-empty file ends with ``--`` and a newline.

:func:`parse_trace` reads that format back; ``parse_trace(trace_text(m)) == m`` exactly.

The reference profile (dialects.py) writes the same messages in ngrep's ``-W byline`` layout
instead (:func:`ngrep_text`, read back by :func:`parse_ngrep`), one block per message::

    U 2024/05/06 09:15:02.000000 192.0.2.10:5060 -> 198.51.100.20:5060
    INVITE sip:442071234567@198.51.100.20 SIP/2.0
    ...
    Content-Length: 0
    <empty line: end of the SIP headers>
    <empty line: end of the block>

* ``U`` (UDP), then ``YYYY/MM/DD HH:MM:SS.ffffff`` (UTC, six fractional digits), then
  ``SRC_IP:SRC_PORT -> DST_IP:DST_PORT``; then the message with LF line endings; then one empty line.
* A block ends where the next ``U …`` header line starts (a SIP or SDP line never looks like one).

The pcap (``PCAP_CONTENT_TYPE``) is classic libpcap (magic 0xa1b2c3d4, written little-endian,
version 2.4, snaplen 65535, linktype 1): per message one Ethernet II / IPv4 / UDP frame whose
payload is the UTF-8 message text, with stable made-up MACs (02:00 + the IPv4 address),
incrementing IP identification and correct IPv4 and UDP checksums.
"""

from __future__ import annotations

import hashlib
import ipaddress
import random
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

TRACE_CONTENT_TYPE = "text/plain; charset=utf-8"
PCAP_CONTENT_TYPE = "application/vnd.tcpdump.pcap"
SIP_PORT = 5060
OUTCOMES = ("answered", "busy", "no_answer", "cancelled", "voicemail")
TRACE_SEPARATOR = "--"
TRACE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
NGREP_TIME_FORMAT = "%Y/%m/%d %H:%M:%S.%f"

_HEADER_RE = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}) (\S+):(\d+) -> (\S+):(\d+)")
_NGREP_HEADER_RE = re.compile(r"U (\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6}) (\S+):(\d+) -> (\S+):(\d+)")
_ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS"
_EPOCH = datetime(1970, 1, 1)
# codec name -> (RTP payload type, rtpmap encoding, fmtp parameters)
_CODECS: dict[str, tuple[int, str, str]] = {
    "PCMU": (0, "PCMU/8000", ""),
    "PCMA": (8, "PCMA/8000", ""),
    "G722": (9, "G722/8000", ""),  # 8000: RFC 3551's historical clock-rate quirk
    "G729": (18, "G729/8000", "annexb=no"),
    "opus": (111, "opus/48000/2", "useinbandfec=1"),
}


@dataclass(frozen=True)
class SipCall:
    """What one call leg needs for its SIP dialog (all addresses IPv4, times naive UTC)."""

    call_id: str
    started_at: datetime
    caller_number: str
    caller_name: str
    callee_number: str
    callee_name: str
    caller_ip: str
    callee_ip: str
    caller_ua: str
    callee_ua: str
    codec: str
    ring_seconds: int
    talk_seconds: int
    outcome: str  # one of OUTCOMES; "voicemail" = answered by the voicemail system
    seed: int = 0

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {self.outcome!r}")
        if self.ring_seconds < 0 or self.talk_seconds < 0:
            raise ValueError("ring_seconds and talk_seconds must not be negative")


@dataclass(frozen=True)
class SipMessage:
    """One SIP message as captured: ``text`` is the full message with CRLF line endings."""

    timestamp: datetime
    src_ip: str
    src_port: int
    dst_ip: str
    dst_port: int
    text: str

    @property
    def start_line(self) -> str:
        return self.text.split("\r\n", 1)[0]


def _display(name: str) -> str:
    """``"Name" `` as a SIP quoted-string display name (empty if there is no name)."""
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '" ' if name else ""


def _sdp(ip: str, port: int, session: int, codecs: list[str], name: str) -> str:
    known = [(c, _CODECS.get(c, (96, f"{c}/8000", ""))) for c in codecs]
    lines = [
        "v=0",
        f"o=- {session} {session} IN IP4 {ip}",
        f"s={name}",
        f"c=IN IP4 {ip}",
        "t=0 0",
        f"m=audio {port} RTP/AVP {' '.join(str(pt) for _, (pt, _, _) in known)} 101",
    ]
    for _, (pt, rtpmap, fmtp) in known:
        lines.append(f"a=rtpmap:{pt} {rtpmap}")
        if fmtp:
            lines.append(f"a=fmtp:{pt} {fmtp}")
    lines += ["a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=ptime:20", "a=sendrecv"]
    return "".join(line + "\r\n" for line in lines)


def _message(start: str, headers: list[tuple[str, str]], body: str = "") -> str:
    if body:
        headers = [*headers, ("Content-Type", "application/sdp")]
    headers = [*headers, ("Content-Length", str(len(body.encode())))]
    return "".join(f"{line}\r\n" for line in [start, *(f"{k}: {v}" for k, v in headers)]) + "\r\n" + body


def _headers(text: str) -> dict[str, str]:
    head = text.split("\r\n\r\n", 1)[0].split("\r\n")[1:]
    return dict(line.split(": ", 1) for line in head)


def sip_dialog(call: SipCall) -> list[SipMessage]:
    """The SIP messages of ``call`` in time order (strictly increasing timestamps)."""
    c = call
    digest = hashlib.sha256(f"{c.call_id}\0{c.seed}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))

    def token(bits: int = 32) -> str:
        return f"{rng.getrandbits(bits):0{bits // 4}x}"

    def via(by_caller: bool) -> str:
        return f"SIP/2.0/UDP {c.caller_ip if by_caller else c.callee_ip}:{SIP_PORT};branch=z9hG4bK{token(64)}"

    def ms(low: int, high: int) -> timedelta:
        return timedelta(microseconds=rng.randint(low * 1000, high * 1000))

    from_tag, to_tag = token(), token()
    voicemail = c.outcome == "voicemail"
    caller_uri, callee_uri = f"sip:{c.caller_number}@{c.caller_ip}", f"sip:{c.callee_number}@{c.callee_ip}"
    caller_contact = f"sip:{c.caller_number}@{c.caller_ip}:{SIP_PORT}"
    callee_contact = f"sip:{'voicemail' if voicemail else c.callee_number}@{c.callee_ip}:{SIP_PORT}"
    from_hdr = f"{_display(c.caller_name)}<{caller_uri}>;tag={from_tag}"
    to_untagged = f"{_display(c.callee_name)}<{callee_uri}>"
    to_hdr = f"{to_untagged};tag={to_tag}"
    invite_via = via(True)
    out: list[SipMessage] = []

    def send(at: datetime, by_caller: bool, text: str) -> datetime:
        if out and at <= out[-1].timestamp:
            at = out[-1].timestamp + timedelta(milliseconds=1)
        src, dst = (c.caller_ip, c.callee_ip) if by_caller else (c.callee_ip, c.caller_ip)
        out.append(SipMessage(at, src, SIP_PORT, dst, SIP_PORT, text))
        return at

    def request(
        method: str,
        uri: str,
        by_caller: bool,
        cseq: int,
        *,
        via_: str = "",
        to: str = "",
        contact: str = "",
        body: str = "",
    ) -> str:
        headers = [
            ("Via", via_ or via(by_caller)),
            ("Max-Forwards", "70"),
            ("From", from_hdr if by_caller else to_hdr),
            ("To", to or (to_hdr if by_caller else from_hdr)),
            ("Call-ID", c.call_id),
            ("CSeq", f"{cseq} {method}"),
        ]
        if contact:
            headers += [("Contact", f"<{contact}>"), ("Allow", _ALLOW)]
        headers.append(("User-Agent", c.caller_ua if by_caller else c.callee_ua))
        return _message(f"{method} {uri} SIP/2.0", headers, body)

    def response(req: str, code: int, reason: str, *, contact: str = "", body: str = "") -> str:
        h = _headers(req)
        by_caller = h["From"] != from_hdr  # a response travels against its request
        to = h["To"] if ";tag=" in h["To"] else f"{h['To']};tag={to_tag}"
        headers = [
            ("Via", h["Via"]),
            ("From", h["From"]),
            ("To", to),
            ("Call-ID", h["Call-ID"]),
            ("CSeq", h["CSeq"]),
        ]
        if contact:
            headers += [("Contact", f"<{contact}>"), ("Allow", _ALLOW)]
        headers.append(("Server", c.caller_ua if by_caller else c.callee_ua))
        return _message(f"SIP/2.0 {code} {reason}", headers, body)

    offer_codecs = [c.codec, *(x for x in ("PCMA", "PCMU") if x != c.codec)]
    offer = _sdp(c.caller_ip, 2 * rng.randint(5000, 9999), rng.randint(10**8, 10**9), offer_codecs, "-")
    answer = _sdp(
        c.callee_ip,
        2 * rng.randint(5000, 9999),
        rng.randint(10**8, 10**9),
        [c.codec],
        "Voicemail" if voicemail else "-",
    )

    invite = request(
        "INVITE", callee_uri, True, 1, via_=invite_via, to=to_untagged, contact=caller_contact, body=offer
    )
    t0 = send(c.started_at, True, invite)
    send(t0 + ms(10, 60), False, response(invite, 100, "Trying"))
    send(t0 + ms(150, 600), False, response(invite, 180, "Ringing", contact=callee_contact))
    t_final = t0 + timedelta(seconds=c.ring_seconds) + ms(0, 250)
    non2xx_ack = request("ACK", callee_uri, True, 1, via_=invite_via)  # same transaction as the INVITE

    if c.outcome in ("answered", "voicemail"):
        t_ok = send(t_final, False, response(invite, 200, "OK", contact=callee_contact, body=answer))
        send(t_ok + ms(10, 60), True, request("ACK", callee_contact, True, 1))
        caller_hangs_up = rng.random() < 0.5
        if caller_hangs_up:
            bye = request("BYE", callee_contact, True, 2)
        else:
            bye = request("BYE", caller_contact, False, rng.randint(1, 30000))
        t_bye = send(t_ok + timedelta(seconds=c.talk_seconds) + ms(0, 900), caller_hangs_up, bye)
        send(t_bye + ms(10, 60), not caller_hangs_up, response(bye, 200, "OK"))
    elif c.outcome in ("busy", "no_answer"):
        code, reason = (486, "Busy Here") if c.outcome == "busy" else (480, "Temporarily Unavailable")
        t_end = send(t_final, False, response(invite, code, reason))
        send(t_end + ms(10, 60), True, non2xx_ack)
    else:  # cancelled: the caller gives up while it rings
        cancel = request("CANCEL", callee_uri, True, 1, via_=invite_via, to=to_untagged)
        t_cancel = send(t_final, True, cancel)
        t_ok = send(t_cancel + ms(10, 60), False, response(cancel, 200, "OK"))
        t_487 = send(t_ok + ms(1, 20), False, response(invite, 487, "Request Terminated"))
        send(t_487 + ms(10, 60), True, non2xx_ack)
    return out


def trace_text(messages: list[SipMessage]) -> str:
    """Render messages in the trace format described in the module docstring."""
    blocks = []
    for m in messages:
        lines = m.text.split("\r\n")
        if lines[-1] != "" or any("\r" in line or "\n" in line or line == TRACE_SEPARATOR for line in lines):
            raise ValueError(f"cannot write {m.start_line!r}: CRLF-terminated lines other than '--' needed")
        head = f"{m.timestamp.strftime(TRACE_TIME_FORMAT)} {m.src_ip}:{m.src_port} -> {m.dst_ip}:{m.dst_port}"
        blocks.append("\n".join([head, *lines[:-1], TRACE_SEPARATOR]) + "\n")
    return "".join(blocks)


def parse_trace(text: str) -> list[SipMessage]:
    """Read back the output of :func:`trace_text` (raises ValueError on malformed input)."""
    lines = text.split("\n")
    if lines.pop() != "":
        raise ValueError("a trace ends with a newline")
    messages, i = [], 0
    while i < len(lines):
        head = _HEADER_RE.fullmatch(lines[i])
        if not head:
            raise ValueError(f"line {i + 1}: expected 'TIME SRC:PORT -> DST:PORT', got {lines[i]!r}")
        try:
            end = lines.index(TRACE_SEPARATOR, i + 1)
        except ValueError:
            raise ValueError(f"line {i + 1}: block is not closed by a '--' line") from None
        messages.append(
            SipMessage(
                datetime.strptime(head[1], TRACE_TIME_FORMAT),
                head[2],
                int(head[3]),
                head[4],
                int(head[5]),
                "".join(f"{x}\r\n" for x in lines[i + 1 : end]),
            )
        )
        i = end + 1
    return messages


def _lines(m: SipMessage) -> list[str]:
    """The message's lines without line endings (its last line, before the final CRLF, included)."""
    lines = m.text.split("\r\n")
    if lines[-1] != "" or any("\r" in line or "\n" in line for line in lines):
        raise ValueError(f"cannot write {m.start_line!r}: CRLF-terminated lines needed")
    return lines[:-1]


def ngrep_text(messages: list[SipMessage]) -> str:
    """Render messages in ngrep's byline layout (module docstring)."""
    blocks = []
    for m in messages:
        lines = _lines(m)
        if any(_NGREP_HEADER_RE.fullmatch(line) for line in lines):
            raise ValueError(f"cannot write {m.start_line!r}: a line looks like an ngrep header")
        head = (
            f"U {m.timestamp.strftime(NGREP_TIME_FORMAT)} {m.src_ip}:{m.src_port} -> {m.dst_ip}:{m.dst_port}"
        )
        blocks.append("\n".join([head, *lines, ""]) + "\n")
    return "".join(blocks)


def parse_ngrep(text: str) -> list[SipMessage]:
    """Read back the output of :func:`ngrep_text` (raises ValueError on malformed input)."""
    lines = text.split("\n")
    if lines.pop() != "":
        raise ValueError("a trace ends with a newline")
    headers = {i: header for i, line in enumerate(lines) if (header := _NGREP_HEADER_RE.fullmatch(line))}
    starts = list(headers)
    if lines and (not starts or starts[0] != 0):
        raise ValueError(f"line 1: expected 'U TIME SRC:PORT -> DST:PORT', got {lines[0]!r}")
    messages = []
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        head, body = headers[start], lines[start + 1 : end]
        if not body or body.pop() != "":
            raise ValueError(f"line {start + 1}: block does not end with an empty line")
        messages.append(
            SipMessage(
                datetime.strptime(head[1], NGREP_TIME_FORMAT),
                head[2],
                int(head[3]),
                head[4],
                int(head[5]),
                "".join(f"{x}\r\n" for x in body),
            )
        )
    return messages


def _checksum(data: bytes) -> int:
    """RFC 1071 Internet checksum."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def pcap_bytes(messages: list[SipMessage]) -> bytes:
    """The messages as a classic libpcap file of Ethernet/IPv4/UDP frames."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for ident, m in enumerate(messages, start=1):
        src, dst = ipaddress.IPv4Address(m.src_ip).packed, ipaddress.IPv4Address(m.dst_ip).packed
        payload = m.text.encode()
        udp_len = 8 + len(payload)
        pseudo = src + dst + struct.pack("!BBH", 0, 17, udp_len)
        udp_sum = _checksum(pseudo + struct.pack("!HHHH", m.src_port, m.dst_port, udp_len, 0) + payload)
        udp = struct.pack("!HHHH", m.src_port, m.dst_port, udp_len, udp_sum or 0xFFFF) + payload
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, ident & 0xFFFF, 0x4000, 64, 17, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", _checksum(ip)) + ip[12:]
        frame = b"\x02\x00" + dst + b"\x02\x00" + src + b"\x08\x00" + ip + udp
        ts = m.timestamp.astimezone(UTC).replace(tzinfo=None) if m.timestamp.tzinfo else m.timestamp
        delta = ts - _EPOCH
        out.append(
            struct.pack(
                "<IIII", delta.days * 86400 + delta.seconds, delta.microseconds, len(frame), len(frame)
            )
            + frame
        )
    return b"".join(out)

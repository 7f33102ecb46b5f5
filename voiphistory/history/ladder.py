"""A call's or media session's SIP signalling as a ladder diagram: who sent what to whom, when.

Two sources, both read liberally because VoIPstudio does not publish their layout
(docs/voipstudio-api.md, "SIP captures"):

* the packet capture (``.pcap``, a standard format, read by ``voiphistory.history.pcap``):
  ``ladder_from_pcap``;
* the text trace (``.trace``): ``parse_ladder``. A trace is SIP messages in time order, each after
  a header line giving the time and ``SOURCE -> TARGET``. The layouts seen in the wild all fit::

    2024-05-06 09:15:02.000000 192.0.2.10:5060 -> 198.51.100.20:5060     (the emulator; "--" after each)
    U 2024/05/06 09:15:02.000000 192.0.2.10:5060 -> 198.51.100.20:5060   (ngrep -t -W byline; "T … [AP]" for TCP)
    2024/05/06 09:15:02.000000 192.0.2.10:5060 -> 198.51.100.20:5060     (sngrep's text export)

  and any other header line holding a date-time (``-`` or ``/``, ``T``, a fraction, ``Z`` or an
  offset, or Unix seconds) and two addresses around ``->``, before or after the time. Separator lines
  (``--``, ``####``, ``====``) and blank lines between messages are dropped; a block that does not
  start with a SIP request or status line is skipped; a trace with no readable message at all is a
  ``LadderError``.

The result is participants (one column per ``IP:port``, labelled with the party's name and number
from the SIP ``From``/``To`` headers) and arrows in time order. The geometry of the SVG the
template draws is computed here too, so the template only places what it is given. Nothing here
touches HTTP; numbers read as the tables show them (``phone``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from voiphistory.history.pcap import PcapError, sip_packets
from voiphistory.web.formatting import phone

__all__ = ["Arrow", "Ladder", "LadderError", "Participant", "ladder_from_pcap", "parse_ladder"]

_WHEN = r"\d{4}[-/]\d\d[-/]\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?: ?Z|[+-]\d\d:?\d\d)?|\d{9,10}\.\d{1,9}"
_ROUTE = r"(?P<source>\S+)\s+(?:->|→|=>)\s+(?P<target>\S+)"
_PROTOCOL = r"(?:(?:U|T|UDP|TCP|TLS|WSS?|SCTP)\s+)?"  # ngrep's U/T
_TAIL = r"(?:\s+(?:#\d+|\[[A-Z.]*\]|\(\d+ bytes\)|UDP|TCP|TLS|WSS?))*\s*:?"  # ngrep's #12 and TCP flags
_HEAD_RES = (  # the time before the route or after it, maybe in brackets
    re.compile(rf"{_PROTOCOL}\[?(?P<when>{_WHEN})\]?\s+{_ROUTE}{_TAIL}"),
    re.compile(rf"{_PROTOCOL}{_ROUTE}\s+\[?(?P<when>{_WHEN})\]?{_TAIL}"),
)
_SEPARATOR_RE = re.compile(r"--|#+|-{3,}|={3,}")
_SIP_START_RE = re.compile(r"(?:[A-Z]+ +\S+ +SIP/2\.0|SIP/2\.0 +\d{3}(?: .*)?)")
_STATUS_RE = re.compile(r"SIP/2\.0 +(\d{3})(?: +(.*))?")
_REQUEST_RE = re.compile(r"([A-Z]+) +(\S+) +SIP/2\.0")
_NAME_ADDR_RE = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([^<"]*?))\s*<([^>]*)>')
_COMPACT = {"f": "from", "t": "to"}  # RFC 3261 compact header names

# Drawing: columns of LANE_GAP px after a GUTTER for the time labels; one ROW per message.
GUTTER = 96
LANE_GAP = 280
HEAD = 64
ROW = 40
FOOT = 16


class LadderError(ValueError):
    """The trace is not in the expected format."""


@dataclass(frozen=True, slots=True)
class Participant:
    """One end of the signalling: an ``IP:port`` column, with the party's name/number if known."""

    index: int
    address: str
    name: str = ""
    number: str = ""

    @property
    def label(self) -> str:
        return self.name or phone(self.number) or self.address

    @property
    def number_label(self) -> str:
        """The number as people read it ("+44 20 3846 719"), or the extension or IVR id as is."""
        return phone(self.number)

    @property
    def x(self) -> int:
        return GUTTER + LANE_GAP // 2 + self.index * LANE_GAP


@dataclass(frozen=True, slots=True)
class Arrow:
    """One SIP message: from ``source`` to ``target`` at ``at`` (``offset`` after the first)."""

    index: int  # 1-based, in time order
    at: datetime  # aware, UTC
    offset: timedelta
    source: Participant
    target: Participant
    label: str  # the method ("INVITE") or the status ("180 Ringing")
    start_line: str
    text: str  # the whole message, as captured
    status: int | None = None  # None for a request

    @property
    def is_request(self) -> bool:
        return self.status is None

    @property
    def has_sdp(self) -> bool:
        """The message carries a session description (the media offer or answer)."""
        head, _, body = self.text.partition("\n\n")
        return bool(body.strip()) and "application/sdp" in head.lower()

    @property
    def kind(self) -> str:
        """For styling: request, provisional (1xx), success (2xx) or failure (3xx-6xx)."""
        if self.status is None:
            return "request"
        return {1: "provisional", 2: "success"}.get(self.status // 100, "failure")

    @property
    def offset_label(self) -> str:
        """``+0.123 s`` under a minute, ``+1:02.345`` beyond (``+1:02:03.456`` past an hour)."""
        millis = round(self.offset / timedelta(milliseconds=1))
        seconds, ms = divmod(millis, 1000)
        if seconds < 60:
            return f"+{seconds}.{ms:03d} s"
        minutes, seconds = divmod(seconds, 60)
        if minutes < 60:
            return f"+{minutes}:{seconds:02d}.{ms:03d}"
        hours, minutes = divmod(minutes, 60)
        return f"+{hours}:{minutes:02d}:{seconds:02d}.{ms:03d}"

    @property
    def rightward(self) -> bool:
        return self.target.index > self.source.index

    # Geometry of the arrow in the SVG.
    @property
    def y(self) -> int:
        return HEAD + ROW * self.index - ROW // 4

    @property
    def x1(self) -> int:
        return self.source.x

    @property
    def x2(self) -> int:
        """The line stops short of the target's lifeline so the arrowhead ends on it."""
        return self.target.x + (-2 if self.rightward else 2)

    @property
    def label_x(self) -> int:
        return (self.source.x + self.target.x) // 2

    @property
    def label_y(self) -> int:
        return self.y - 7

    @property
    def time_y(self) -> int:
        return self.y + 4


@dataclass(frozen=True, slots=True)
class Ladder:
    participants: tuple[Participant, ...]
    arrows: tuple[Arrow, ...]

    @property
    def started_at(self) -> datetime | None:
        return self.arrows[0].at if self.arrows else None

    @property
    def arrow_kinds(self) -> list[str]:
        """The kinds of arrow drawn (each gets an arrowhead of its colour)."""
        return list(dict.fromkeys(arrow.kind for arrow in self.arrows))

    @property
    def width(self) -> int:
        return GUTTER + LANE_GAP * max(len(self.participants), 2)

    @property
    def height(self) -> int:
        return HEAD + ROW * len(self.arrows) + FOOT

    @property
    def lane_top(self) -> int:
        return HEAD - 14

    @property
    def summary(self) -> str:
        """One sentence for screen readers and the SVG's <title>."""
        labels = [p.label for p in self.participants]
        names = " and ".join([", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels)
        count = len(self.arrows)
        return f"SIP ladder: {count} message{'s' if count != 1 else ''} between {names}"


def parse_ladder(text: str) -> Ladder:
    """Parse trace text (any layout described above) into a ``Ladder``; blank text is an empty one."""
    blocks: list[tuple[datetime, str, str, list[str]]] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        head = _head(line.strip())
        if head is not None:
            blocks.append((*head, []))
        elif blocks:
            blocks[-1][3].append(line)
        # Lines before the first header are a preamble (ngrep's "interface: eth0"): not messages.
    messages = [(at, source, target, sip) for at, source, target, lines in blocks if (sip := _message(lines))]
    if not messages and text.strip():
        if blocks:
            raise LadderError(f"{len(blocks)} header line(s) but no SIP message after any of them")
        raise LadderError("no line says when a message went from whom to whom ('TIME SOURCE -> TARGET')")
    return _build(messages)


def ladder_from_pcap(data: bytes) -> Ladder:
    """The SIP messages of a libpcap capture as a ``Ladder`` (empty when it holds no SIP)."""
    try:
        packets = sip_packets(data)
    except PcapError as error:
        raise LadderError(str(error)) from None
    return _build([(packet.at, packet.source, packet.target, packet.text) for packet in packets])


def _head(line: str) -> tuple[datetime, str, str] | None:
    for head_re in _HEAD_RES:
        head = head_re.fullmatch(line)
        if head is not None:
            at = _when(head["when"])
            return None if at is None else (at, head["source"].rstrip(","), head["target"].rstrip(",:"))
    return None


def _when(text: str) -> datetime | None:
    """An aware UTC time from any of the header layouts' date-times; None when it is no date."""
    if re.fullmatch(r"\d{9,10}\.\d+", text):
        return datetime.fromtimestamp(float(text), UTC)
    text = text.replace("/", "-", 2).replace(",", ".").replace(" Z", "Z").replace("Z", "+00:00")
    # fromisoformat takes at most six fractional digits: nanoseconds (some tools) are cut to micro.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _message(lines: list[str]) -> str:
    """A block's SIP message with LF line endings, ending as on the wire: the empty line after the
    headers when there is no body, the body's last line otherwise; "" when it is not SIP."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and (not lines[-1].strip() or _SEPARATOR_RE.fullmatch(lines[-1].strip())):
        lines = lines[:-1]
    if not lines or not _SIP_START_RE.fullmatch(lines[0].strip()):
        return ""
    has_body = any(not line.strip() for line in lines)
    return "\n".join(lines) + ("\n" if has_body else "\n\n")


def _build(messages: list[tuple[datetime, str, str, str]]) -> Ladder:
    messages = sorted(messages, key=lambda message: message[0])  # stable: equal times keep trace order
    order: list[str] = []
    for _, source, target, _ in messages:
        for address in (source, target):
            if address not in order:
                order.append(address)
    names = _party_names(messages)
    participants = {
        address: Participant(index, address, *names.get(address, ("", "")))
        for index, address in enumerate(order)
    }
    arrows = []
    for index, (at, source, target, text) in enumerate(messages, start=1):
        start_line = text.split("\n", 1)[0].strip()
        label, status = _label(start_line)
        arrows.append(
            Arrow(
                index,
                at,
                at - messages[0][0],  # after the first message
                participants[source],
                participants[target],
                label,
                start_line,
                text,
                status,
            )
        )
    return Ladder(tuple(participants.values()), tuple(arrows))


def _label(start_line: str) -> tuple[str, int | None]:
    status = _STATUS_RE.fullmatch(start_line)
    if status:
        return f"{status[1]} {status[2] or ''}".strip(), int(status[1])
    request = _REQUEST_RE.fullmatch(start_line)
    if request:
        return request[1], None
    return start_line[:40], None


def _party_names(messages: list[tuple[datetime, str, str, str]]) -> dict[str, tuple[str, str]]:
    """Name and number of each address: a request's sender is its From party and its receiver
    its To party (in-dialog requests from the callee carry the callee in From, RFC 3261 12.2.1.1);
    the first request that names an address wins."""
    names: dict[str, tuple[str, str]] = {}
    for _, source, target, text in messages:
        if _STATUS_RE.match(text):
            continue
        headers = _headers(text)
        if "from" in headers:
            names.setdefault(source, _name_addr(headers["from"]))
        if "to" in headers:
            names.setdefault(target, _name_addr(headers["to"]))
    return names


def _headers(text: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in text.split("\n")[1:]:
        if not line.strip():
            break  # end of headers: the body (SDP) follows
        name, sep, value = line.partition(":")
        if sep:
            key = name.strip().lower()
            headers.setdefault(_COMPACT.get(key, key), value.strip())
    return headers


def _name_addr(value: str) -> tuple[str, str]:
    """(display name, user part of the URI) of a From/To header value."""
    match = _NAME_ADDR_RE.match(value)
    if match:
        quoted, plain, uri = match[1], match[2], match[3]
        name = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else (plain or "").strip()
    else:
        name, uri = "", value.split(";", 1)[0].strip()
    user = uri.split(":", 1)[-1].split("@", 1)[0] if "@" in uri else ""
    return name, user.split(";", 1)[0]

"""The names a recording or a voicemail message is saved under: the date, the time and the other
party, in the user's active time zone. ``ops.downloads.attachment_header`` makes them safe to send."""

from __future__ import annotations

import re

from django.utils import timezone

from voiphistory.voipstudio import Monitor, VoiceMessage
from voiphistory.web.formatting import phone

__all__ = ["download_name"]

_CALLERID_RE = re.compile(r'^\s*"?([^"<]*?)"?\s*<[^>]*>\s*$')  # '"Nicole Lopez" <13122089302>'


def download_name(record: Monitor | VoiceMessage) -> str:
    """``recording 2026-11-27 1032 Jane Doe +44 7700 900123.mp3`` /
    ``voicemail 2026-11-27 1032 from +44 7700 900123.mp3``, in the user's active time zone."""
    if isinstance(record, Monitor):
        when = timezone.localtime(record.timestamp)
        words = ["recording", f"{when:%Y-%m-%d %H%M}", _recording_party(record)]
    else:
        when = timezone.localtime(record.origtime)
        caller = _party(_callerid_name(record.callerid), record.caller)
        words = ["voicemail", f"{when:%Y-%m-%d %H%M}", f"from {caller}" if caller else ""]
    return " ".join(word for word in words if word) + ".mp3"


def _recording_party(monitor: Monitor) -> str:
    """The other party: the side that is not one of the customer's extensions (ids like "10008");
    the caller when both are (an internal call)."""
    src_is_extension = (monitor.src_id or "").isdigit()
    dst_is_extension = (monitor.dst_id or "").isdigit()
    if src_is_extension and not dst_is_extension:
        return _party(monitor.dst_name, monitor.dst)
    return _party(monitor.src_name, monitor.src)


def _party(name: str | None, number: str | None) -> str:
    shown = phone(number)
    name = (name or "").strip()
    return " ".join(part for part in (name if name != number else "", shown) if part)


def _callerid_name(callerid: str | None) -> str:
    match = _CALLERID_RE.match(callerid or "")
    return match.group(1).strip() if match else ""

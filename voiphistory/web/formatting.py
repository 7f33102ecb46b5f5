"""How values from VoIPstudio read on screen and in exports: durations, phone numbers, caller IDs,
counts, badge colours. Pure functions of their argument (no request, no app): the template tags
(``history.templatetags``) register them as filters, exports and charts call them directly."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from voiphistory.voipstudio import Raw, Sentiment

__all__ = ["BADGE_CLASSES", "badge_class", "caller_name", "format_phone", "hms", "phone", "thousands"]

#: The CSS class of a badge for a coded value (call direction, channel state).
BADGE_CLASSES = {
    "O": "out",
    "I": "in",
    "M": "missed",
    "CONNECTED": "out",
    "VM": "in",
    "RINGING": "missed",
    "INITIAL": "missed",
}


def hms(seconds: int | None) -> str:
    """Durations as h:mm:ss."""
    if seconds is None:
        return ""
    if isinstance(seconds, Raw):  # a duration VoIPstudio sent that is not a number: as it came
        return str(seconds)
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def format_phone(number: str | None) -> str:
    """E.164 digits without "+" (as the API writes them) in international format; others as they
    are. Uncached: ``phone`` is this with the process-wide cache; wrap it for a cache of your own."""
    if not number:
        return ""
    digits = str(number)  # a Raw value is shown as its text
    if not digits.isdigit() or len(digits) < 8:
        return digits  # extensions, queue ids, "anonymous"
    try:
        parsed = phonenumbers.parse(f"+{digits}")
    except phonenumbers.NumberParseException:
        return digits
    if not phonenumbers.is_possible_number(parsed):
        return digits
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


#: ``format_phone`` remembering the last 4,096 numbers (a page shows a few hundred, mostly repeated).
phone = lru_cache(maxsize=4096)(format_phone)


_CALLER_ID = re.compile(r'^\s*"?(?P<name>[^"<]*?)"?\s*<(?P<number>[^>]*)>\s*$')


def caller_name(value: str | None) -> str:
    """The name in a caller ID such as ``"Jane Doe" <447700900123>`` (the number shows beside it)."""
    if not value:
        return ""
    if not isinstance(value, str):  # Raw: as VoIPstudio sent it
        return str(value)
    match = _CALLER_ID.match(value)
    if not match:
        return value
    return match["name"].strip() or phone(match["number"])


def thousands(value: int | None) -> str:
    return f"{value:,}" if isinstance(value, int) else ""


def badge_class(value: object) -> str:
    """The CSS class of the badge for ``value`` ("" for none)."""
    if isinstance(value, Sentiment):
        return value.name.lower()
    return BADGE_CLASSES.get(str(value), "")

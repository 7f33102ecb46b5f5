"""Phone numbers as people write them, in the one form the API uses: E.164 digits without "+".

``0121 179 4264``, ``+44 121 179 4264``, ``0044 121 1794264`` and ``(0121) 179-4264`` are all
``441211794264``. The follow-up (overview.followup) matches calls by ``normalise_number``; the
tables' number filters and the Calls quick search send ``number_digits`` of what was typed, so a
table finds the calls the follow-up counted, whichever way the number was written.

A national number takes the account's country: VoIPstudio's ``/me`` carries none (neither the
reference nor the live answer documented in docs/voipstudio-api.md), so it is the
``VOIPHISTORY_DEFAULT_COUNTRY`` setting (ISO 3166 code, "GB" by default).
"""

from __future__ import annotations

import re
from functools import cache

import phonenumbers

#: Shorter digit strings are extensions or short codes, never a customer's number.
MIN_NUMBER_DIGITS = 7
_SEPARATORS = re.compile(r"[\s().\-/]")
_NUMBER = re.compile(r"\+?\d+")


def home_region() -> str:
    """The account's country for national numbers (ISO 3166 alpha-2)."""
    from django.conf import settings

    return settings.VOIPHISTORY_DEFAULT_COUNTRY


@cache
def _dialling(region: str) -> tuple[re.Pattern[str] | None, str, str]:
    """The region's international prefix (a pattern: "00", "011"…), national prefix and country code."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region.upper())
    if metadata is None:
        raise ValueError(f"unknown country {region!r}")
    international = re.compile(metadata.international_prefix) if metadata.international_prefix else None
    return international, metadata.national_prefix or "", str(metadata.country_code)


def _valid(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_valid_number(parsed) else None


def number_digits(raw: str | None, *, region: str | None = None) -> str:
    """A phone number, or the start of one, in the API's form; "" when it is not a number at all.

    ``+…`` and the country's international prefix (``00…``) are international already; a leading
    national prefix (``0…``) is replaced by the country code; ``(0)`` after a country code is
    dropped. Bare digits are the API's own form unless they only make a valid number as a
    national one ("2125550101" in the US)."""
    if not raw:
        return ""
    region = region or home_region()
    international, national_prefix, country_code = _dialling(region)
    text = _SEPARATORS.sub("", str(raw).replace("(0)", "\0"))
    spoken = text.replace("\0", "")
    if not _NUMBER.fullmatch(spoken):
        return ""
    if text.startswith("+"):
        return text[1:].replace("\0", "")
    if international and (match := international.match(text)) and match.end():
        return text[match.end() :].replace("\0", "")
    text = text.replace("\0", "0")  # "(0)7700 900123" without a country code is a national 0
    if national_prefix and text.startswith(national_prefix):
        return country_code + text[len(national_prefix) :]
    if len(text) >= MIN_NUMBER_DIGITS and not _valid(f"+{text}", None) and (national := _valid(text, region)):
        return f"{national.country_code}{national.national_number}"
    return text


def normalise_number(raw: str | None, *, region: str | None = None) -> str:
    """A whole phone number in the API's form; "" for extensions, queue ids, names and short codes."""
    digits = number_digits(raw, region=region)
    return digits if len(digits) >= MIN_NUMBER_DIGITS else ""


def looks_like_number(raw: str) -> bool:
    """Typed as (part of) a phone number: digits and the usual separators, three digits at least
    (a lone "0" is no number to normalise), not a name or a word."""
    text = _SEPARATORS.sub("", raw or "")
    return _NUMBER.fullmatch(text) is not None and sum(c.isdigit() for c in text) >= 3

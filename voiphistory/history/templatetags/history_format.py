"""How values from VoIPstudio read on screen: durations, phone numbers, coded values."""

from __future__ import annotations

import functools
import re
from functools import lru_cache

import phonenumbers
from django import template
from django.utils.dateformat import format as format_date
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from voiphistory.history.labels import code_label, party_id_label
from voiphistory.history.user_names import user_label
from voiphistory.voipstudio import Raw, Sentiment

register = template.Library()

BADGE_CLASSES = {"O": "out", "I": "in", "M": "missed", "CONNECTED": "out", "VM": "in", "RINGING": "missed", "INITIAL": "missed"}


@register.filter
def hms(seconds: int | None) -> str:
    """Durations as h:mm:ss."""
    if seconds is None:
        return ""
    if isinstance(seconds, Raw):  # a duration VoIPstudio sent that is not a number: as it came
        return str(seconds)
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


@register.filter
@lru_cache(maxsize=4096)
def phone(number: str | None) -> str:
    """E.164 digits without "+" (as the API writes them) in international format; others as they are."""
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


@functools.cache
def _number_url_prefix() -> str:
    """"/numbers/": resolved once, not once per cell (a table page has a few hundred numbers)."""
    return reverse("history:number", args=["000"]).removesuffix("000/")


@register.filter
@lru_cache(maxsize=4096)
def phone_link(number: str | None) -> SafeString:
    """A phone number as shown by ``phone``, linked to its timeline; extensions and names stay text."""
    shown = phone(number)
    digits = str(number or "")
    if not digits.isdigit() or len(digits) < 7:
        return conditional_escape(shown)
    return format_html('<a href="{}{}/" class="number">{}</a>', _number_url_prefix(), digits, shown)


@register.filter
def coded(value: object, kind: str) -> str:
    """A coded API value's label: ``{{ cdr.type|coded:"type" }}`` (``labels.code_label``)."""
    return code_label(kind, value)


@register.filter
def badge_class(value: object) -> str:
    if isinstance(value, Sentiment):
        return value.name.lower()
    return BADGE_CLASSES.get(str(value), "")


@register.filter
def attr(record: object, name: str) -> object:
    return getattr(record, name, None)


@register.filter
def user_name(names: dict | None, user_id: object) -> str:
    """``{{ users|user_name:cdr.user_id }}``: the name, or "User 1234" when VoIPstudio gave none."""
    return user_label(names, user_id)


@register.filter
def lookup(mapping: dict | None, key: object) -> object:
    return mapping.get(key) if mapping else None


_CALLER_ID = re.compile(r'^\s*"?(?P<name>[^"<]*?)"?\s*<(?P<number>[^>]*)>\s*$')


@register.filter
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


@register.filter
def thousands(value: int | None) -> str:
    return f"{value:,}" if isinstance(value, int) else ""


# --- table cells ---------------------------------------------------------------------------------
# One tag per cell instead of a chain of {% if %} blocks: a 100-row table has ~1,000 cells, and
# rendering them in Python keeps the fragment within a few milliseconds of the upstream request.


def party_parts(item: object, column, users: dict[int, str] | None) -> tuple[str, str]:
    """A party column's name and number: the name from a caller ID, else from the user it names
    (``user_attr``), ids such as ``contact:13913`` in words; "" for a name that is only the number."""
    value = getattr(item, column.value_attr, None)
    number = getattr(item, column.sub, None) if column.sub else value
    name = caller_name(value) if value and value != number else ""
    if not name and column.user_attr:
        name = lookup(users, getattr(item, column.user_attr, None)) or ""
    return party_id_label(str(name)), str(number or ("" if name else value or ""))


@register.simple_tag
def table_cell(item: object, column, users: dict[int, str] | None) -> SafeString:
    """The ``<td>`` of ``column`` (a catalog.Column) for one API record."""
    value = getattr(item, column.value_attr, None)
    kind = column.kind
    if isinstance(value, Raw):  # any value the client could not read: shown as VoIPstudio sent it
        return format_html('<td class="raw" title="As VoIPstudio sent it">{}</td>', value)
    if kind == "when":
        if value is None:
            return mark_safe('<td class="when"></td>')
        local = localtime(value)
        return format_html('<td class="when"><time datetime="{}">{}</time></td>',
                           local.isoformat(), format_date(local, "D j M Y, H:i"))  # fmt: skip
    if kind == "duration":
        return format_html('<td class="num">{}</td>', hms(value))
    if kind == "party":
        name, number = party_parts(item, column, users)
        if name:
            sub = format_html('<span class="sub">{}</span>', phone_link(number)) if number else ""
            return format_html("<td>{}{}</td>", name, sub)
        return format_html("<td>{}</td>", phone_link(number))
    if kind == "user":
        return format_html("<td>{}</td>", user_label(users, value))
    if kind in ("badge", "sentiment"):
        if value is None or (kind == "badge" and not value):
            empty = '<span class="sub">Not analysed</span>' if kind == "sentiment" else ""
            return mark_safe(f"<td>{empty}</td>")
        label = coded(value, "sentiment" if kind == "sentiment" else column.code_kind)
        return format_html('<td><span class="badge {}">{}</span></td>', badge_class(value), label)
    if kind == "score":
        return format_html('<td class="num">{}</td>', "–" if value is None else value)
    if kind in ("folder", "chat_state"):
        return format_html("<td>{}</td>", coded(value, kind))
    if kind == "bool":
        return mark_safe('<td><span class="badge new">New</span></td>' if value else '<td><span class="badge">Heard</span></td>')
    return format_html('<td class="text"><span class="clamp">{}</span></td>', value or "")

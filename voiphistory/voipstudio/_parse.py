"""Small, strict converters from VoIPstudio JSON values to Python values, and ``Raw``.

Records call these at the boundary. A value of the wrong kind (a date the client cannot read, a
word where a number was expected, a code nobody configured) does not fail the record: the field
keeps the value as sent, wrapped in ``Raw``, pages show it as is, and it is logged once per
(record, field, value). Only a missing or unreadable ``id`` or own date makes a record unreadable:
a page leaves it out (logged once), a single read turns the ValueError into ``Unavailable``.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from voiphistory.voipstudio.codes import code_key

logger = logging.getLogger("voiphistory.voipstudio")

# MySQL's "no date" placeholder; VoIPstudio is PHP on MySQL, so an optional date may carry it.
_ZERO_DATES = frozenset({"", "0000-00-00", "0000-00-00 00:00:00"})


@dataclass(frozen=True, slots=True)
class Raw:
    """A value the client could not read as its field's type or code, kept exactly as VoIPstudio
    sent it. ``str()`` is what a page shows; it is never equal to a value of the field's type."""

    value: Any

    def __str__(self) -> str:
        return "" if self.value is None else str(self.value)

    def __hash__(self) -> int:  # the value may be a list or an object: records stay hashable
        return hash((Raw, repr(self.value)))


_REPORTED_MAX = 10_000
_reported: set[tuple[str, str, str]] = set()
_reported_lock = threading.Lock()


def report_unknown(record: str, field: str, value: Any, why: str = "") -> None:
    """Log a value the client does not know, once per (record, field, value) and process: a
    table of 500 rows with the same odd code logs one line, not 500."""
    key = (record, field, repr(value)[:200])
    with _reported_lock:
        if key in _reported:
            return
        if len(_reported) >= _REPORTED_MAX:  # bounded: an API sending endless new values cannot grow it
            _reported.clear()
        _reported.add(key)
    logger.warning(
        "VoIPstudio sent %s.%s = %s, which the client does not know%s; it is shown as sent",
        record,
        field,
        key[2],
        f" ({why})" if why else "",
    )


def tolerant(record: str, field: str, value: Any, convert: Callable[[Any], Any]) -> Any:
    """``convert(value)``, or ``Raw(value)`` (logged once) when the value cannot be converted."""
    try:
        return convert(value)
    except (ValueError, TypeError, KeyError) as exc:
        report_unknown(record, field, value, str(exc))
        return Raw(value)


def req(data: Mapping[str, Any], key: str) -> Any:
    """The value at ``key``; missing or null is an error (used for ids and primary dates)."""
    value = data.get(key)
    if value is None:
        raise ValueError(f"missing required field {key!r}")
    return value


def to_str(value: Any) -> str:
    text = opt_str(value)
    if text is None:
        raise ValueError("expected a string, got null")
    return text


def to_int(value: Any) -> int:
    """An int from an int or a decimal string (ids can exceed 2**31; bool is not an int here)."""
    if isinstance(value, bool):
        raise ValueError(f"expected an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError(f"expected an integer, got {value!r}")


def opt_int(value: Any) -> int | None:
    return None if value is None or value == "" else to_int(value)


def opt_str(value: Any) -> str | None:
    """A string; numbers become their text (the seed shows some string fields as numbers)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"expected a string, got {type(value).__name__}")


def opt_code(value: Any) -> int | str | None:
    """A code as sent: an int (or decimal string, as the int) or a word; never a list or object."""
    if value is None or value == "":
        return None
    key = code_key(value)
    if key is None:
        raise ValueError(f"expected a code (a number or a word), got {value!r}")
    return key


def opt_bool(value: Any) -> bool | None:
    """A bool from true/false, 1/0 or their string forms (PHP APIs send all of these)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("1", "0", "true", "false"):
        return value.lower() in ("1", "true")
    raise ValueError(f"expected a boolean, got {value!r}")


def to_datetime(value: Any) -> datetime:
    """An aware UTC datetime from ``YYYY-MM-DD HH:MM:SS`` (UTC, no zone marker, as the API
    sends), ``YYYY-MM-DD`` or ISO 8601 with an offset (converted to UTC)."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        parsed = datetime.fromisoformat(value.strip())
    else:
        raise ValueError(f"expected a date-time string, got {value!r}")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def opt_datetime(value: Any) -> datetime | None:
    if value is None or (isinstance(value, str) and value.strip() in _ZERO_DATES):
        return None
    return to_datetime(value)


def opt_dict(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return dict(value)
    raise ValueError(f"expected a JSON object, got {type(value).__name__}")


def str_tuple(value: Any) -> tuple[str, ...]:
    """A tuple of strings from a JSON list or a comma-separated string (the seed shows
    ``roles`` as a string; a list is the natural live shape)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(item) for item in value)
    raise ValueError(f"expected a list of strings, got {type(value).__name__}")


def api_datetime(value: date | datetime) -> str:
    """The API's date format: an aware datetime is converted to UTC first; a naive one is
    taken as UTC already; a date is sent as ``YYYY-MM-DD``."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value.strftime("%Y-%m-%d")


# Field annotations (strings, under ``from __future__ import annotations``) to converters.
_BY_ANNOTATION: dict[str, Callable[[Any], Any]] = {
    "int": to_int,
    "str": to_str,
    "datetime": to_datetime,
    "int | None": opt_int,
    "str | None": opt_str,
    "int | str | None": opt_code,
    "bool | None": opt_bool,
    "datetime | None": opt_datetime,
    "dict[str, Any] | None": opt_dict,
    "tuple[str, ...]": str_tuple,
}


# Values a converter returns unchanged: a str for a str field, an int (never a bool) for an int one;
# and the converters that read null as None.
_AS_IS: dict[Callable[[Any], Any], type] = {to_int: int, opt_int: int, to_str: str, opt_str: str}
_NONE_AS_NONE = frozenset({opt_int, opt_str, opt_code, opt_bool, opt_datetime, opt_dict})


@functools.cache
def _plan(cls: type) -> tuple[tuple[str, Callable[[Any], Any] | None, bool, type | None, bool], ...]:
    """Per field: its name, converter, whether it is required, the type of a value the converter
    returns unchanged, and whether null reads as None."""
    plan = []
    for f in dataclasses.fields(cls):
        convert = _BY_ANNOTATION.get(f.type if isinstance(f.type, str) else getattr(f.type, "__name__", ""))
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        as_is = _AS_IS.get(convert) if convert is not None else None
        plan.append((f.name, convert, required, as_is, not required and convert in _NONE_AS_NONE))
    return tuple(plan)


def record_kwargs(cls: type, data: Mapping[str, Any], **given: Any) -> dict[str, Any]:
    """Constructor arguments for the dataclass ``cls`` from the API's ``data``.

    Each field is read from the JSON key of the same name and converted by its annotation,
    so a field declared on a record can never be silently forgotten by its parser. Fields
    without a default (``id`` and the record's own date) are required: missing or unreadable, the
    record is unreadable. Any other value that cannot be converted becomes ``Raw`` (logged once).
    ``given`` supplies fields that need more (enums, renamed keys).
    """
    kwargs = dict(given)
    kwargs.update(zip([field[0] for field in _plan(cls)], _field_values(cls, data, given), strict=True))
    return kwargs


def build_record[R](cls: type[R], data: Mapping[str, Any], **given: Any) -> R:
    """``cls(**record_kwargs(cls, data, **given))`` for a slotted dataclass, each field set through
    its slot: a frozen dataclass's ``__init__`` sets its fields one ``object.__setattr__`` at a
    time after parsing keyword arguments, half the cost of reading a CDR (and an export reads
    millions). Every field is set, as ``__init__`` sets them; a class with a ``__post_init__`` or
    without slots, or a ``given`` that is not a field, goes through ``__init__``."""
    setters = _slot_setters(cls)  # type: ignore[arg-type]  # every class is hashable; mypy misses it for type[R]
    if setters is None or not given.keys() <= setters.keys():
        return cls(**record_kwargs(cls, data, **given))
    record = object.__new__(cls)
    for set_slot, value in zip(setters.values(), _field_values(cls, data, given), strict=True):
        set_slot(record, value)
    return record


@functools.cache
def _slot_setters(cls: type) -> dict[str, Callable[[Any, Any], None]] | None:
    """Each field's slot setter in the order of ``_plan``; None for a class that needs its ``__init__``."""
    if hasattr(cls, "__post_init__") or "__slots__" not in cls.__dict__:
        return None
    return {field[0]: cls.__dict__[field[0]].__set__ for field in _plan(cls)}


def _field_values(cls: type, data: Mapping[str, Any], given: Mapping[str, Any]) -> Iterator[Any]:
    """Each field's value, in the order of ``_plan``."""
    for name, convert, required, as_is, none_as_none in _plan(cls):
        if name in given:
            yield given[name]
            continue
        value = data.get(name)
        if type(value) is as_is or value is None and none_as_none:
            yield value  # what the converter would return, without calling it (exports read millions)
            continue
        if convert is None:
            raise TypeError(f"{cls.__name__}.{name} has no converter for its type; pass it explicitly")
        # Strict for the id and the record's own date: pages sort, group and bucket by that date,
        # so a record without a readable one is left out of its page (logged once), not half-shown.
        yield convert(req(data, name)) if required else tolerant(cls.__name__, name, value, convert)

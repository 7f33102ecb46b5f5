"""Query parameters and identifiers: everything a caller's value passes through before a request.

User input reaches VoIPstudio in exactly two ways, both checked here: as a JSON value inside
the ``filter`` parameter (never spliced into a path), or as an id that must be a positive int
(or, for API tokens, a plain token string) before any URL is built.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Literal

from voiphistory.voipstudio._parse import api_datetime
from voiphistory.voipstudio.errors import InvalidIdentifier

__all__ = [
    "MAX_LIMIT",
    "OPERATORS",
    "Filter",
    "chunk_ids",
    "date_range",
    "list_params",
    "validate_id",
    "validate_ids",
    "validate_token",
]

#: Operators verified against the live API. ``between`` answers 400 there: use ``date_range``.
OPERATORS = frozenset({"eq", "like", "gt", "gte", "lt", "lte"})

#: The largest page the API serves (the emulator clamps above it; a larger limit would make
#: ``Page.pages`` wrong, so it is refused here instead).
MAX_LIMIT = 10_000

Direction = Literal["ASC", "DESC"]
FilterValue = str | int | float | bool | None | date | datetime

_FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
# Unreserved URL characters only: the token is a path segment of DELETE /apitokens/{token}.
_TOKEN_RE = re.compile(r"^[A-Za-z0-9._~-]{1,512}$")


@dataclass(frozen=True, slots=True)
class Filter:
    """One ``{"property","operator","value"}`` condition; conditions in a list are ANDed.

    Dates and datetimes are sent in the API's format (aware datetimes converted to UTC).
    """

    property: str
    operator: str
    value: FilterValue

    def __post_init__(self) -> None:
        if not isinstance(self.property, str) or not _FIELD_RE.match(self.property):
            raise ValueError(f"invalid filter property {self.property!r}")
        if self.operator not in OPERATORS:
            raise ValueError(
                f"unsupported filter operator {self.operator!r}; use one of {sorted(OPERATORS)}"
                + (" (for a range use date_range: gte plus lte)" if self.operator == "between" else "")
            )
        if not isinstance(self.value, (str, int, float, bool, date, type(None))):
            raise ValueError(f"unsupported filter value of type {type(self.value).__name__}")

    def to_api(self) -> dict[str, Any]:
        value = api_datetime(self.value) if isinstance(self.value, date) else self.value
        return {"property": self.property, "operator": self.operator, "value": value}


def date_range(
    property: str,
    start: date | datetime | str | None,
    end: date | datetime | str | None,
) -> list[Filter]:
    """A closed range as ``gte`` + ``lte`` (the API refuses ``between``); either side may be None.

    A plain ``date`` as ``end`` means the whole of that day: the API reads ``YYYY-MM-DD`` as
    midnight, so ``lte 2024-01-31`` alone would drop almost all of the 31st.
    """
    if isinstance(end, date) and not isinstance(end, datetime):
        end = datetime.combine(end, time(23, 59, 59))
    if isinstance(start, date) and isinstance(end, date) and _as_utc(start) > _as_utc(end):
        raise ValueError("date_range start is after its end")
    filters: list[Filter] = []
    if start is not None:
        filters.append(Filter(property, "gte", start))
    if end is not None:
        filters.append(Filter(property, "lte", end))
    return filters


def _as_utc(value: date) -> datetime:
    """Naive UTC, the way ``api_datetime`` sends the value (so the comparison matches the API's)."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time())
    return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


def _positive_int(value: Any, name: str, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    return value


def list_params(
    *,
    filters: Iterable[Filter] = (),
    sort: str = "id",
    direction: str = "DESC",
    page: int | None = None,
    limit: int | None = None,
) -> dict[str, str]:
    """The query of a collection request: ``filter`` (JSON array, always sent, as the CLI
    does), ``sort``, ``dir``, then ``page`` and ``limit`` when given."""
    filter_list = list(filters)
    for item in filter_list:
        if not isinstance(item, Filter):
            raise TypeError(f"filters must be Filter instances, got {type(item).__name__}")
    if not isinstance(sort, str) or not _FIELD_RE.match(sort):
        raise ValueError(f"invalid sort field {sort!r}")
    dir_upper = direction.upper() if isinstance(direction, str) else direction
    if dir_upper not in ("ASC", "DESC"):
        raise ValueError(f"direction must be ASC or DESC, got {direction!r}")
    params = {
        "filter": json.dumps([item.to_api() for item in filter_list], separators=(",", ":")),
        "sort": sort,
        "dir": dir_upper,
    }
    if page is not None:
        params["page"] = str(_positive_int(page, "page"))
    if limit is not None:
        params["limit"] = str(_positive_int(limit, "limit", MAX_LIMIT))
    return params


MAX_ID = 2**63 - 1  # VoIPstudio's ids are 64-bit; anything larger is no id of theirs


def validate_id(value: object) -> int:
    """A positive int id, or InvalidIdentifier (bool, str, float, 0, negatives and ids past 64 bits
    are refused)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise InvalidIdentifier(f"expected a positive integer id, got {type(value).__name__} {value!r}")
    return value


def validate_ids(values: Iterable[object]) -> list[int]:
    """Every id validated first (so a bad one stops the whole batch before any request),
    duplicates dropped, first-seen order kept (a repeated id would 404 on its second delete)."""
    if isinstance(values, (str, bytes)):
        raise InvalidIdentifier("expected a collection of integer ids, got a string")
    seen: dict[int, None] = {}
    for value in values:
        seen.setdefault(validate_id(value), None)
    return list(seen)


def validate_token(value: object) -> str:
    """An API token that is safe as one path segment: unreserved characters, not all dots."""
    if not isinstance(value, str) or not _TOKEN_RE.match(value) or set(value) == {"."}:
        raise InvalidIdentifier("expected a plain API token string")
    return value


def chunk_ids(ids: Sequence[int], *, prefix_length: int, max_path_length: int) -> list[list[int]]:
    """Split ids into the fewest consecutive comma-joined chunks whose path (``prefix_length``
    characters, then the ids) stays within ``max_path_length``."""
    budget = max_path_length - prefix_length
    chunks: list[list[int]] = []
    current: list[int] = []
    used = 0
    for item in ids:
        width = len(str(item))
        if width > budget:
            raise ValueError(f"max_path_length {max_path_length} leaves no room for id {item}")
        extra = width if not current else width + 1
        if current and used + extra > budget:
            chunks.append(current)
            current, used, extra = [], 0, width
        current.append(item)
        used += extra
    if current:
        chunks.append(current)
    return chunks

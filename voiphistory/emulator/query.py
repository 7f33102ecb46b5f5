"""The collection query dialect: ``filter``, ``sort``/``dir``, ``page``/``limit`` (docs/voipstudio-api.md).

``filter`` is a JSON array of ``{"property","operator","value"}`` objects, ANDed. Operators verified
live: eq, like, gt, gte, lt, lte. Anything else (``between`` included), a property the resource does
not have, or a value of the wrong type answers 400 "Filtration error", as the live API does. Coded
fields (voicemail folder, sentiment, chat state) compare in the active dialect's coding (dialects.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.db.models import BooleanField, F, Func, Q
from django.db.models.expressions import OrderBy
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual

from voiphistory.emulator import dialects
from voiphistory.emulator.errors import ApiError
from voiphistory.emulator.resources import Resource

_LOOKUPS = {"eq": "exact", "like": "icontains", "gt": "gt", "gte": "gte", "lt": "lt", "lte": "lte"}
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$")
_INTEGER_TYPES = {"IntegerField", "BigIntegerField", "AutoField", "BigAutoField"}
_FILTRATION_ERROR = "Filtration error"
_RANGES = {"gt": GreaterThan, "gte": GreaterThanOrEqual, "lt": LessThan, "lte": LessThanOrEqual}


@dataclass(frozen=True)
class Term:
    """One condition of ``filter``: ``attr__lookup=value`` (lookup: exact, in, isnull, icontains, gt …)."""

    attr: str
    lookup: str
    value: object


@dataclass(frozen=True)
class CollectionQuery:
    filters: Q
    order_by: tuple[str | OrderBy, ...]
    page: int
    limit: int
    terms: tuple[Term, ...] = ()  # ``filters`` one condition at a time (paging.py counts from them)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


def parse_collection_query(params, resource: Resource) -> CollectionQuery:
    order_by = parse_sort(params.get("sort"), params.get("dir"), resource)
    terms = parse_terms(params.get("filter"), resource)
    by_id = order_by[0] in ("id", "-id")
    return CollectionQuery(
        filters=_combined(terms, resource, by_id=by_id),
        terms=terms,
        order_by=order_by,
        page=_positive_int(params.get("page"), default=1, name="page"),
        limit=min(
            _positive_int(params.get("limit"), default=settings.EMULATOR_DEFAULT_LIMIT, name="limit"),
            settings.EMULATOR_MAX_LIMIT,
        ),
    )


def parse_filters(raw: str | None, resource: Resource, *, by_id: bool = False) -> Q:
    """The ANDed conditions of ``filter``. ``by_id``: the page is sorted by id, so a date range is
    marked as matching most rows, and SQLite walks the (customer, id, date) index in id order instead
    of sorting every row of the range (``likelihood``, https://sqlite.org/lang_corefunc.html)."""
    return _combined(parse_terms(raw, resource), resource, by_id=by_id)


def parse_terms(raw: str | None, resource: Resource) -> tuple[Term, ...]:
    if raw is None or raw.strip() == "":
        return ()
    try:
        items = json.loads(raw)
    except ValueError:
        raise ApiError(400, _FILTRATION_ERROR) from None
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise ApiError(400, _FILTRATION_ERROR)
    return tuple(_filter_term(item, resource) for item in items)


def _combined(terms: tuple[Term, ...], resource: Resource, *, by_id: bool) -> Q:
    combined = Q()
    for term in terms:
        if by_id and term.attr == resource.fields.get(resource.date_field) and term.lookup in _RANGES:
            likely = _RANGES[term.lookup](F(term.attr), term.value)
            combined &= Q(
                Func(likely, template="likelihood(%(expressions)s, 0.9)", output_field=BooleanField())
            )
        else:
            combined &= Q(**{f"{term.attr}__{term.lookup}": term.value})
    return combined


def _filter_term(item: object, resource: Resource) -> Term:
    if not isinstance(item, dict):
        raise ApiError(400, _FILTRATION_ERROR)
    prop, operator, value = item.get("property"), item.get("operator", "eq"), item.get("value")
    if prop not in resource.fields or operator not in _LOOKUPS:
        raise ApiError(400, _FILTRATION_ERROR, field=str(prop))
    attr = resource.fields[prop]
    if value is None:
        if operator != "eq":
            raise ApiError(400, _FILTRATION_ERROR, field=prop)
        return Term(attr, "isnull", True)
    if isinstance(value, (dict, list)):
        raise ApiError(400, _FILTRATION_ERROR, field=prop)
    codes = dialects.active().coded(resource.name, prop)
    if codes is not None:  # given in the dialect's coding; stored canonically
        return Term(attr, "in", codes.stored(operator, value, prop))
    if operator == "like":
        # Clients send either a bare fragment or an SQL pattern; both mean "contains".
        return Term(attr, "icontains", str(value).strip("%"))
    return Term(attr, _LOOKUPS[operator], _typed_value(resource, prop, value))


def _typed_value(resource: Resource, prop: str, value: object) -> object:
    kind = resource.field_type(prop)
    if kind in _INTEGER_TYPES:
        if isinstance(value, bool):
            raise ApiError(400, _FILTRATION_ERROR, field=prop)
        try:
            return int(cast("str | int | float", value))  # anything else: TypeError
        except (TypeError, ValueError):
            raise ApiError(400, _FILTRATION_ERROR, field=prop) from None
    if kind == "BooleanField":
        if isinstance(value, bool):
            return value
        text = str(value).lower()
        if text in {"1", "true"}:
            return True
        if text in {"0", "false"}:
            return False
        raise ApiError(400, _FILTRATION_ERROR, field=prop)
    if prop == resource.date_field or prop in {"created_at", "updated_at"}:
        return _date_value(str(value), prop)
    return str(value)


def _date_value(text: str, prop: str) -> str:
    if _DATE_ONLY.match(text):
        return f"{text} 00:00:00"
    if _DATE_TIME.match(text):
        return text.replace("T", " ")
    raise ApiError(400, _FILTRATION_ERROR, field=prop)


def parse_sort(raw: str | None, direction: str | None, resource: Resource) -> tuple[str | OrderBy, ...]:
    """``sort=calldate&dir=ASC``, ``sort=-calldate``, or ExtJS's ``[{"property","direction"}]``."""
    prop, descending = "id", True
    if raw:
        raw = raw.strip()
        if raw.startswith("["):
            try:
                first = json.loads(raw)[0]
                prop, direction = first["property"], first.get("direction", "ASC")
            except (ValueError, LookupError, TypeError):
                raise ApiError(400, "Sorting error") from None
        elif raw.startswith("-"):
            prop, direction = raw[1:], "DESC"
        else:
            prop = raw
        descending = (direction or "ASC").upper() == "DESC"
    elif direction:
        descending = direction.upper() == "DESC"
    if prop not in resource.fields:
        raise ApiError(400, "Sorting error", field=prop)
    attr = resource.fields[prop]
    sign = "-" if descending else ""
    codes = dialects.active().coded(resource.name, prop)
    if codes is not None:  # in the order of the values the dialect shows, not the stored ones
        key = codes.sort_key(attr)
        return (key.desc(nulls_last=True) if descending else key.asc(nulls_first=True), f"{sign}id")
    return (f"{sign}{attr}",) if attr == "id" else (f"{sign}{attr}", f"{sign}id")


def _positive_int(raw: str | None, *, default: int, name: str) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "Validation error", field=name, detail="must be a positive integer") from None
    if value < 1:
        raise ApiError(400, "Validation error", field=name, detail="must be a positive integer")
    return value

"""The emulator's two dialects of the one History reference: ``EMULATOR_PROFILE=default|reference``.

The database holds one canonical form (models.py); a dialect only changes how rows are written
to and read from the API, and which routes exist (urls.py). Both answer every point the reference
(docs/voipstudio-api.md, "The History reference") leaves open, each with a different plausible choice, so a client
that works against both relies on nothing the reference does not say (docs/voipstudio-api.md,
"Emulator profiles"):

===================  ===============================  ======================================
open point           default                          reference
===================  ===============================  ======================================
endpoints            the reference's + /users, GET    the reference's only (+ login, 2FA,
                     /chatmsgs, /sms, DELETE          me, apitokens, ping, logout)
                     /cdrs/{ids} …
voicemail folder     1 INBOX … 5 Friends (Urgent      0 INBOX … 4 Friends, 5 Urgent
                     messages listed as INBOX)
monitor sentiment    0 negative, 1 neutral, 2 pos.    -1 negative, 0 neutral, 1 positive
chat state           0 queued … 3 missed (abandoned   "queued", "active", "closed",
                     chats listed as missed)          "missed", "abandoned"
*/dictionaries       {field: [{value, label}, …]}     {field: {code: label, …}}
.trace text          sip.trace_text ("--" blocks)     sip.ngrep_text (ngrep layout)
/cdrs/{id}/notes     id, created_at, cdr_id,          id, text, author, date
                     user_id, user_name, note
===================  ===============================  ======================================

Filters on a coded field are given in the dialect's own coding: ``folder eq 0`` in the reference
profile finds what ``folder eq 1`` finds in the default one (:meth:`Codes.stored`), and sorting by
one follows the values shown (:meth:`Codes.sort_key`).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, Value, When
from django.http import HttpRequest, HttpResponse

from voiphistory.emulator import sip
from voiphistory.emulator.errors import ApiError
from voiphistory.emulator.models import Chat, Monitor, VoiceMessage

_FILTRATION_ERROR = "Filtration error"
_COMPARE = {"eq": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


@dataclass(frozen=True)
class Codes:
    """A coded field: canonical (stored) value → the value the API shows for it."""

    shown: Mapping[int, int | str]

    def show(self, value: object) -> object:
        return self.shown.get(value, value) if isinstance(value, int) else value

    def stored(self, op: str, value: object, prop: str) -> list[object]:
        """The canonical values whose shown value satisfies ``shown <op> value``.

        The domain is small and finite, so any mapping (shifts, strings, two stored values shown
        as one) filters correctly with every operator.
        """
        numeric = all(isinstance(shown, int) for shown in self.shown.values())
        if numeric:
            if isinstance(value, bool):
                raise ApiError(400, _FILTRATION_ERROR, field=prop)
            try:
                wanted: int | str = int(value)  # type: ignore[call-overload]  # any JSON value: TypeError is the check
            except (TypeError, ValueError):
                raise ApiError(400, _FILTRATION_ERROR, field=prop) from None
        else:
            wanted = str(value)
        if op == "like":
            fragment = str(value).strip("%").lower()
            return [stored for stored, shown in self.shown.items() if fragment in str(shown).lower()]
        compare = _COMPARE[op]
        return [stored for stored, shown in self.shown.items() if compare(shown, wanted)]

    def sort_key(self, attr: str) -> Case:
        """An expression ordering rows by the value shown (two stored values shown alike tie)."""
        ranks = {shown: rank for rank, shown in enumerate(sorted(set(self.shown.values())))}
        return Case(
            *(When(**{attr: stored}, then=Value(ranks[shown])) for stored, shown in self.shown.items())
        )


@dataclass(frozen=True)
class Dialect:
    name: str
    # (resource name, API field) → its coding
    codes: dict[tuple[str, str], Codes]
    # Voicemail folder names a bulk PATCH accepts (matched case-insensitively) → canonical folder
    folder_names: dict[str, int]
    # Coded values with labels → the body of a */dictionaries answer's "data" for one field
    dictionary: Callable[[dict[str, str]], object]
    trace: Callable[[list[sip.SipMessage]], str]
    # A stored Note as a dict (id, cdr_id, user_id, user_name, note, created_at) → the API's item
    note: Callable[[Mapping[str, object]], dict]
    # False serves every route; True: urls.py keeps only the reference's (and login, me …).
    reference_routes_only: bool = False
    _by_lower: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "_by_lower", {name.lower(): number for name, number in self.folder_names.items()}
        )

    def coded(self, resource: str, api_field: str) -> Codes | None:
        return self.codes.get((resource, api_field))

    def serialise(self, resource: str, rows: list[dict]) -> list[dict]:
        coded = [(name, codes) for (owner, name), codes in self.codes.items() if owner == resource]
        for row in rows:
            for name, codes in coded:
                if name in row:
                    row[name] = codes.show(row[name])
        return rows

    def folder_named(self, name: object) -> int | None:
        return self._by_lower.get(name.lower()) if isinstance(name, str) else None


def _value_label_list(pairs: dict[str, str]) -> list[dict[str, str]]:
    return [{"value": value, "label": label} for value, label in pairs.items()]


def _default_note(note: Mapping[str, object]) -> dict:
    return {key: note[key] for key in ("id", "created_at", "cdr_id", "user_id", "user_name", "note")}


def _reference_note(note: Mapping[str, object]) -> dict:
    return {"id": note["id"], "text": note["note"], "author": note["user_name"], "date": note["created_at"]}


_F = VoiceMessage
_DEFAULT_FOLDERS = {_F.INBOX: 1, _F.OLD: 2, _F.WORK: 3, _F.FAMILY: 4, _F.FRIENDS: 5, _F.URGENT: 1}
_REFERENCE_FOLDERS = {_F.INBOX: 0, _F.OLD: 1, _F.WORK: 2, _F.FAMILY: 3, _F.FRIENDS: 4, _F.URGENT: 5}
_C = Chat
_DEFAULT_STATES = {_C.QUEUED: 0, _C.ACTIVE: 1, _C.CLOSED: 2, _C.MISSED: 3, _C.ABANDONED: 3}
_REFERENCE_STATES = {
    _C.QUEUED: "queued",
    _C.ACTIVE: "active",
    _C.CLOSED: "closed",
    _C.MISSED: "missed",
    _C.ABANDONED: "abandoned",
}
_M = Monitor
_DEFAULT_SENTIMENTS = {_M.NEGATIVE: 0, _M.NEUTRAL: 1, _M.POSITIVE: 2}
_REFERENCE_SENTIMENTS = {_M.NEGATIVE: -1, _M.NEUTRAL: 0, _M.POSITIVE: 1}


def _folder_names(names: Iterable[int]) -> dict[str, int]:
    return {VoiceMessage.FOLDERS[number]: number for number in names}


DEFAULT = Dialect(
    name="default",
    codes={
        ("voicemessages", "folder"): Codes(_DEFAULT_FOLDERS),
        ("chats", "state"): Codes(_DEFAULT_STATES),
        ("monitors", "sentiment"): Codes(_DEFAULT_SENTIMENTS),
    },
    folder_names=_folder_names((_F.INBOX, _F.OLD, _F.WORK, _F.FAMILY, _F.FRIENDS)),
    dictionary=_value_label_list,
    trace=sip.trace_text,
    note=_default_note,
)
REFERENCE = Dialect(
    name="reference",
    codes={
        ("voicemessages", "folder"): Codes(_REFERENCE_FOLDERS),
        ("chats", "state"): Codes(_REFERENCE_STATES),
        ("monitors", "sentiment"): Codes(_REFERENCE_SENTIMENTS),
    },
    folder_names=_folder_names(_REFERENCE_FOLDERS),
    dictionary=dict,
    trace=sip.ngrep_text,
    note=_reference_note,
    reference_routes_only=True,
)
DIALECTS = {dialect.name: dialect for dialect in (DEFAULT, REFERENCE)}


def active() -> Dialect:
    """The dialect this process speaks (settings.EMULATOR_PROFILE, validated at start-up)."""
    return DIALECTS[settings.EMULATOR_PROFILE]


def reference_methods(
    view: Callable[..., HttpResponse], methods: frozenset[str]
) -> Callable[..., HttpResponse]:
    """``view`` answering only the methods the reference documents for its route.

    Another method answers 405 where the reference has a GET on the path (DELETE /cdrs/{ids}),
    and 404 where it has no GET (GET /chatmsgs: the reference can only delete chat messages).
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in methods:
            return ApiError(405 if "GET" in methods else 404).response()
        return view(request, *args, **kwargs)

    return wrapper

"""User names for User columns, filters, detail pages, exports and the overview, and where they
come from when ``GET /users`` (not in the History reference) does not answer: the names the
records carry.

``user_names(client=..., customer_id=...)`` is the one way to get them (the directory of one
VoIPstudio customer, kept ``USER_NAMES_SECONDS`` in the cache); ``UserNames`` is what it returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from voiphistory.history import optional
from voiphistory.history.capabilities import customer_scope
from voiphistory.voipstudio import User, VoipstudioClient

__all__ = ["USER_NAMES_SECONDS", "UserNames", "names_in_records", "user_label", "user_names"]

#: How long a customer's user directory is kept: a new colleague is named within five minutes.
USER_NAMES_SECONDS = 300


def user_label(names: Mapping[int, str] | None, user_id: object) -> str:
    """The user's name, or "User 1234" when it is not known; "" without a user."""
    if user_id is None or user_id == "":
        return ""
    known = names.get(user_id) if names and isinstance(user_id, int) else None
    return known or f"User {user_id}"


@dataclass(frozen=True, eq=False)
class UserNames(Mapping[int, str]):
    """Names by user id (a ``Mapping``, so forms and exports read it like a dict). ``unavailable``
    is why VoIPstudio gave no user list (the sentence the page shows), "" when it did."""

    names: dict[int, str] = field(default_factory=dict)
    unavailable: str = ""

    def __getitem__(self, key: int) -> str:
        return self.names[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def label(self, user_id: object) -> str:
        return user_label(self.names, user_id)

    def learn(self, records: Iterable[object]) -> UserNames:
        """These names plus those ``records`` carry for users not named yet (the directory wins)."""
        learned = names_in_records(records)
        if not learned:
            return self
        return replace(self, names={**learned, **self.names})


def names_in_records(records: Iterable[object]) -> dict[int, str]:
    """The user's name as a record carries it: the party whose id is the user's, else the caller
    of an outbound call."""
    found: dict[int, str] = {}
    for record in records:
        user_id, name = getattr(record, "user_id", None), _party_name(record)
        if isinstance(user_id, int) and isinstance(name, str) and name.strip() and user_id not in found:
            found[user_id] = name.strip()
    return found


def _party_name(record: object) -> str | None:
    user = str(getattr(record, "user_id", ""))
    for side in ("src", "dst"):
        if str(getattr(record, f"{side}_id", None)) == user:
            return getattr(record, f"{side}_name", None)
    # An outbound call is made by its user; an inbound one's callee may be a line or a queue, not a person.
    return getattr(record, "src_name", None) if getattr(record, "type", None) == "O" else None


def user_names(*, client: VoipstudioClient, customer_id: int) -> UserNames:
    """Every user's display name by id, for User columns, filters and detail pages: one ``GET
    /users`` per customer every ``USER_NAMES_SECONDS`` (the Django cache), whichever page asks.
    ``GET /users`` is not in the History reference: when it does not answer, no names and the
    reason why (``UserNames.unavailable``); pages then name users from their records or by id."""
    try:
        names = optional.cached_read(
            key=f"history:users:{customer_scope(customer_id)}",
            seconds=USER_NAMES_SECONDS,
            customer_id=customer_id,
            capability=optional.USERS,
            call=lambda: {user.id: _display_name(user) for user in _directory(client)},
        )
    except optional.Missing as missing:
        return UserNames(unavailable=missing.reason)
    return UserNames(names)


def _directory(client: VoipstudioClient) -> Iterator[User]:
    return client.users.iterate(sort="id", direction="ASC", page_size=500)


def _display_name(user: User) -> str:
    return " ".join(filter(None, (user.first_name, user.last_name))) or user.email or str(user.id)

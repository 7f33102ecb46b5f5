"""Who is signed in, and with what: typed records of users, the signed-in user, API tokens and
login results (named ``identity`` so as not to be taken for the ``accounts`` app).

Kept apart from the history records because they guard secrets: every record that holds a
token masks it in its repr, and ``Me`` drops the SIP credentials the live ``/me`` carries.
Import them from ``voiphistory.voipstudio.records`` like every other record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from voiphistory.voipstudio._parse import record_kwargs, req, to_int, to_str

__all__ = ["ApiToken", "LoginResult", "Me", "TwoFactorRequired", "User"]

_MASK = "********"


@dataclass(frozen=True, slots=True)
class User:
    """A user of the customer account (the ``/users/{id}/cdrs.csv`` record plus ``extension``)."""

    id: int
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    extension: str | None = None
    customer: int | None = None
    active: bool | None = None
    is_initial: bool | None = None
    is_root: bool | None = None
    roles: tuple[str, ...] = ()
    two_factor_auth: int | None = None
    visited_apps: tuple[str, ...] = ()
    created_at: datetime | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        return cls(**record_kwargs(cls, data))

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass(frozen=True, slots=True)
class Me:
    """The signed-in user. Deliberately keeps only these fields: the live ``/me`` also carries
    SIP credentials, which must never end up in a session, a cache or a log."""

    id: int
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    customer_id: int | None = None
    roles: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        return cls(**record_kwargs(cls, data))


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A named API token. The repr masks the token so it cannot leak through a log line."""

    token: str
    name: str | None = None
    created_at: datetime | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        return cls(**record_kwargs(cls, data))

    def __repr__(self) -> str:
        return f"ApiToken(token={_MASK!r}, name={self.name!r}, created_at={self.created_at!r})"


@dataclass(frozen=True, slots=True)
class LoginResult:
    """A successful login: a session token (30 minutes idle) and the user's id; masked repr."""

    token: str
    user_id: int

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        return cls(token=to_str(req(data, "user_token")), user_id=to_int(req(data, "user_id")))

    def __repr__(self) -> str:
        return f"LoginResult(token={_MASK!r}, user_id={self.user_id!r})"


@dataclass(frozen=True, slots=True)
class TwoFactorRequired:
    """Login answered 202: send the user's code with this nonce to ``login_2fa``."""

    nonce: str

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        return cls(**record_kwargs(cls, data))

    def __repr__(self) -> str:
        return f"TwoFactorRequired(nonce={_MASK!r})"

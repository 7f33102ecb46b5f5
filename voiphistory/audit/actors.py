"""Who did something, as the audit trail records it: the person (Django user), their VoIPstudio
account (email, customer) and where from (client IP, browser). A view builds one from its request
(``Actor.of(request)``); a Celery task, which has no request, names the job's owner
(``Actor.owner``). Services take the value, never the request."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest

from voiphistory.accounts.throttle import client_ip

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = ["Actor"]

USER_AGENT_LENGTH = 300


@dataclass(frozen=True, slots=True)
class Actor:
    user: User | None
    email: str = ""
    customer_id: int = 0
    client_ip: str | None = None  # a well-formed address, or None (a task; a forged header)
    user_agent: str = ""

    @classmethod
    def of(cls, request: HttpRequest) -> Actor:
        """The person behind this request, with their account (when signed in) and address."""
        account = getattr(request, "account", None)
        user = request.user if request.user.is_authenticated else None
        return cls(
            user=user,
            email=account.email if account else "",
            customer_id=account.customer_id if account else 0,
            client_ip=_address(client_ip(request)),
            user_agent=request.headers.get("User-Agent", "")[:USER_AGENT_LENGTH],
        )

    @classmethod
    def owner(cls, user: User | None, *, email: str = "", customer_id: int = 0) -> Actor:
        """Someone acting without a request (a job's owner, in a task): no address, no browser."""
        return cls(user=user, email=email, customer_id=customer_id)


def _address(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:  # a forged or garbled X-Forwarded-For entry is not an address
        return None

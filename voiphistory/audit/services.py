"""Writing the audit trail: ``record`` is the only way in. Keyword-only, typed, never raises into a
page for a reason of its own (a broken audit write is logged loudly, and the action stands)."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, transaction
from django.http import HttpRequest

from voiphistory.accounts.throttle import client_ip
from voiphistory.audit.models import Action, AuditEvent

logger = logging.getLogger(__name__)
SESSION_KEY = "audit_once"
MAX_REMEMBERED = 500  # "once per session" keys kept; older ones are forgotten (and re-recorded)


def record(
    request: HttpRequest | None,
    *,
    action: Action | str,
    section: str = "",
    ids: Iterable[int] = (),
    detail: Mapping[str, Any] | None = None,
    once_per_session: bool = False,
    user: AbstractBaseUser | None = None,
    email: str = "",
    customer_id: int | None = None,
) -> AuditEvent | None:
    """Append one event to the audit trail: who (``request.user`` and the VoIPstudio account's
    email and customer), from where (client IP, User-Agent), did ``action`` to ``ids`` of
    ``section`` (the table's slug: "recordings", "voicemail", "calls", "chats"), with ``detail``
    (JSON: e.g. which fields an edit changed, the folder of a move). Call it after the action
    succeeded upstream.

    ``once_per_session``: record only the first time this session does this action to these ids
    (a player fetching one recording in dozens of Range requests is one "listen").

    Without a request (a Celery task), say who: ``user``, ``email`` and ``customer_id``, e.g. for
    a bulk job::

        audit.record(None, action=Action.BULK_DELETE, section=job.section, ids=deleted_ids,
                     detail={"job": job.pk, "failed": job.failed}, user=job.owner,
                     customer_id=job.customer_id)

    and from a view that starts a job or an export, pass the request as usual::

        audit.record(request, action=Action.EXPORT, section=section.slug, detail={"job": job.pk,
                     "query": job.query})

    Returns the event, or None when it was skipped (``once_per_session``) or could not be written.
    """
    ids = [int(i) for i in ids]
    account = getattr(request, "account", None) if request is not None else None
    if request is not None and once_per_session and not _first_time(request, f"{action}:{section}:{ids}"):
        return None
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    event = AuditEvent(
        user=user,
        email=email or (account.email if account else ""),
        customer_id=customer_id if customer_id is not None else (account.customer_id if account else 0),
        action=str(action),
        section=section,
        object_ids=ids,
        detail=dict(detail or {}),
        client_ip=_ip(request),
        user_agent=request.headers.get("User-Agent", "")[:300] if request is not None else "",
    )
    try:
        with transaction.atomic():  # a savepoint: a failed write must not spoil a caller's transaction
            event.save()
    except DatabaseError:
        logger.exception("audit: could not record %s %s %s by %s", action, section, ids, event.email)
        return None
    return event


def _first_time(request: HttpRequest, key: str) -> bool:
    seen: list[str] = request.session.get(SESSION_KEY, [])
    if key in seen:
        return False
    request.session[SESSION_KEY] = [*seen, key][-MAX_REMEMBERED:]
    return True


def _ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:  # a forged or garbled X-Forwarded-For entry is not an address
        return None

"""Writing the audit trail: ``record`` is the only way in. Keyword-only, typed, never raises into a
page for a reason of its own, and never drops an event: a write the database refuses (locked,
restarting) is retried a few times, then spooled to a file and written with the next event that
gets through (the action itself stands either way)."""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Iterable, Mapping, MutableMapping
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import DatabaseError, transaction

from voiphistory.audit.actors import Actor
from voiphistory.audit.models import Action, AuditEvent

logger = logging.getLogger(__name__)
SESSION_KEY = "audit_once"
MAX_REMEMBERED = 500  # "once per session" keys kept; older ones are forgotten (and re-recorded)
RETRY_DELAYS = (0.1, 0.4, 1.0)  # seconds between attempts: SQLite's lock, a PostgreSQL failover


def record(
    *,
    actor: Actor,
    action: Action | str,
    section: str = "",
    ids: Iterable[int] = (),
    detail: Mapping[str, Any] | None = None,
    once_in_session: SessionBase | MutableMapping[str, Any] | None = None,
) -> AuditEvent | None:
    """Append one event to the audit trail: ``actor`` (who, with their VoIPstudio account's email
    and customer, from which address and browser: ``Actor.of(request)`` in a view) did ``action``
    to ``ids`` of ``section`` (the table's slug: "recordings", "voicemail", "calls", "chats"), with
    ``detail`` (JSON: e.g. which fields an edit changed, the folder of a move). Call it after the
    action succeeded upstream.

    ``once_in_session``: a session (``request.session``); record only the first time it does this
    action to these ids (a player fetching one recording in dozens of Range requests is one "listen").

    A Celery task has no request: it names the job's owner::

        audit.record(actor=Actor.owner(job.owner, email=job.owner.email, customer_id=job.customer_id),
                     action=Action.BULK_DELETE, section=job.section, ids=deleted_ids,
                     detail={"job": job.pk, "failed": job.failed})

    Returns the event, or None when it was skipped (``once_in_session``) or could not be written.
    """
    ids = [int(i) for i in ids]
    if once_in_session is not None and not _first_time(once_in_session, f"{action}:{section}:{ids}"):
        return None
    event = AuditEvent(
        user=actor.user,
        email=actor.email,
        customer_id=actor.customer_id,
        action=str(action),
        section=section,
        object_ids=ids,
        detail=dict(detail or {}),
        client_ip=actor.client_ip,
        user_agent=actor.user_agent,
    )
    if not _save(event):
        _spool(event)
        return None
    _drain_spool()
    return event


def _save(event: AuditEvent) -> bool:
    for delay in (*RETRY_DELAYS, None):
        try:
            with transaction.atomic():  # a savepoint: a failed write must not spoil a caller's transaction
                event.save()
            return True
        except DatabaseError:
            if delay is None:
                return False
            logger.warning("audit: the database refused an event, retrying in %g s", delay, exc_info=True)
            time.sleep(delay)
    return False


# -- the spool: events the database refused, kept until it takes them -----------------------------

_FIELDS = (
    "user_id",
    "email",
    "customer_id",
    "action",
    "section",
    "object_ids",
    "detail",
    "client_ip",
    "user_agent",
)


def _spool_dir() -> Path:
    return Path(settings.AUDIT_SPOOL_DIR)


def _spool(event: AuditEvent) -> None:
    """One JSON line per event in a file of this process's own (appends from two processes never mix)."""
    line = json.dumps(
        {**{name: getattr(event, name) for name in _FIELDS}, "created_at": event.created_at.isoformat()}
    )
    directory = _spool_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / f"pending-{os.getpid()}.jsonl").open("a", encoding="utf-8") as spool:
        spool.write(line + "\n")
    logger.error(
        "audit: the database refused an event after %d attempts; kept in %s until it is back: %s %s %s by %s",
        len(RETRY_DELAYS) + 1,
        directory,
        event.action,
        event.section,
        event.object_ids,
        event.email,
    )


def _drain_spool() -> None:
    """Write every spooled event (each file is claimed by renaming it, so one process writes it)."""
    directory = _spool_dir()
    if not directory.is_dir():
        return
    for pending in sorted(directory.glob("pending-*.jsonl")):
        claimed = pending.with_name(f"claimed-{uuid.uuid4().hex}.jsonl")
        try:
            pending.rename(claimed)
        except FileNotFoundError:  # another process claimed it first
            continue
        events = [
            _event_from(json.loads(line)) for line in claimed.read_text(encoding="utf-8").splitlines() if line
        ]
        try:
            with transaction.atomic():
                AuditEvent.objects.bulk_create(events)
        except DatabaseError:
            claimed.rename(pending.with_name(f"pending-{uuid.uuid4().hex}.jsonl"))  # next time
            return
        claimed.unlink()
        logger.warning("audit: wrote %d spooled event(s) from %s", len(events), pending.name)


def _event_from(data: dict[str, Any]) -> AuditEvent:
    return AuditEvent(
        **{name: data[name] for name in _FIELDS}, created_at=datetime.fromisoformat(data["created_at"])
    )


def _first_time(session: SessionBase | MutableMapping[str, Any], key: str) -> bool:
    seen: list[str] = session.get(SESSION_KEY, [])
    if key in seen:
        return False
    session[SESSION_KEY] = [*seen, key][-MAX_REMEMBERED:]
    return True

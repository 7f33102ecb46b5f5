"""What a VoIPstudio account lets the dashboard do that the reference does not promise, learnt from
its first refusal and remembered per customer for a while.

Deleting calls by id (``DELETE /cdrs/{ids}``) is one: the History reference has only ``DELETE /cdrs``
(the whole collection), so an implementation may answer 405, 404, 403 or 501 there
(docs/voipstudio-api.md, "Deleting calls by id"). The first such answer is remembered; from then
on the Calls table stops offering single and bulk deletes and says why, and a bulk job that meets
it fails once with that reason instead of once per call. The memory is the cache: when the cache
fails, the dashboard offers the delete again and learns again, and never fails a page over it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from voiphistory.history.catalog import Section
from voiphistory.voipstudio import Forbidden, NotFound, Unauthorized, VoipstudioClient, VoipstudioError

logger = logging.getLogger(__name__)

#: How long a refusal is believed before the endpoint is tried again (an account can change plans).
REFUSAL_SECONDS = 6 * 60 * 60
#: Answers meaning "this endpoint is not there for you" (404 only once the record is known to exist).
_REFUSED_STATUSES = {403, 404, 405, 501}


@dataclass(frozen=True)
class Capability:
    key: str
    reason: str  # shown as is where the action would have been


CALL_DELETE = Capability("cdrs-delete-by-id", "This VoIPstudio account does not allow deleting single calls")
#: Which section's deletes go through which capability.
DELETES = {"cdrs": CALL_DELETE}


class NotOffered(Forbidden):
    """VoIPstudio has no such endpoint for this account. A ``Forbidden``, so whatever stops on a
    refusal for the account (a bulk job) stops on it, once; ``message`` is the reason in words."""

    in_words = True  # web.messages.upstream_message shows the message as it is


def customer_scope(customer_id: int) -> str:
    """A customer of the VoIPstudio the dashboard talks to, for cache keys: what one API refuses
    or answers says nothing about another (a customer id is only unique within its server)."""
    api = hashlib.blake2b(settings.VOIPSTUDIO_BASE_URL.encode(), digest_size=6).hexdigest()
    return f"{api}:{customer_id}"


def _key(customer_id: int, capability: Capability) -> str:
    return f"history:refused:{customer_scope(customer_id)}:{capability.key}"


def refused(*, customer_id: int, capability: Capability) -> bool:
    try:
        return bool(cache.get(_key(customer_id, capability)))
    except Exception:  # noqa: BLE001 - a cache that is down: offer it, and learn again from the next refusal
        logger.warning(
            "cache unavailable reading refusal %s of customer %s", capability.key, customer_id, exc_info=True
        )
        return False


def remember_refusal(*, customer_id: int, capability: Capability) -> None:
    logger.info(
        "VoIPstudio refused %s to customer %s: not offered for %s s",
        capability.key,
        customer_id,
        REFUSAL_SECONDS,
    )
    try:
        cache.set(_key(customer_id, capability), True, REFUSAL_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning(
            "cache unavailable remembering refusal %s of customer %s",
            capability.key,
            customer_id,
            exc_info=True,
        )


def delete_refusal(*, section: Section, customer_id: int) -> str:
    """Why this section's items cannot be deleted one by one here ("" when they can, as far as known)."""
    capability = DELETES.get(section.collection)
    if capability is not None and refused(customer_id=customer_id, capability=capability):
        return capability.reason
    return ""


def guarded_collection(
    client: VoipstudioClient, section: Section, *, customer_id: int, writer: bool = True
) -> Any:
    """The section's client collection; for one whose delete by id may be missing, a wrapper whose
    ``delete`` raises ``NotOffered`` (remembered) instead of the upstream refusal. A 403 counts as
    a refusal only for a ``writer`` (an agent's 403 says nothing about the account's supervisors)."""
    collection = getattr(client, section.collection)
    capability = DELETES.get(section.collection)
    return collection if capability is None else _Guarded(collection, capability, customer_id, writer)


class _Guarded:
    def __init__(self, collection: Any, capability: Capability, customer_id: int, writer: bool) -> None:
        self._collection, self._capability, self._customer_id = collection, capability, customer_id
        self._writer = writer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._collection, name)

    def delete(self, ids: Iterable[int]) -> int:
        ids = list(ids)
        if refused(customer_id=self._customer_id, capability=self._capability):
            raise NotOffered(self._capability.reason)
        try:
            return self._collection.delete(ids)
        except Unauthorized:
            raise
        except VoipstudioError as error:
            if not self._is_refusal(error, ids):
                raise
            remember_refusal(customer_id=self._customer_id, capability=self._capability)
            raise NotOffered(self._capability.reason, status=error.status) from None

    def _is_refusal(self, error: VoipstudioError, ids: list[int]) -> bool:
        if error.status not in _REFUSED_STATUSES or (error.status == 403 and not self._writer):
            return False
        if not isinstance(error, NotFound):
            return True
        # 404 is also "one of these ids is unknown": a refusal only when the one id asked for exists.
        if len(ids) != 1:
            return False
        try:
            self._collection.get(ids[0])
        except VoipstudioError:
            return False
        return True

"""Reads from endpoints the History reference does not have: used when they answer, missed when not.

``GET /users`` (user names), ``GET /chatmsgs`` (a chat's messages), ``GET /sms`` (texts on the
number timeline) and the ``/…/dictionaries`` (labels of codes, whose shape the reference leaves
open) are not there on every server (docs/voipstudio-api.md, "Optional endpoints"). A refusal that
will not change on its own (404, 405, 403, 501) is remembered per customer like a missing write
endpoint (``capabilities``), so every page does not ask again; a passing failure (timeout, 5xx) is
not remembered. Either way the caller gets ``Missing``, whose ``reason`` names what is unavailable,
and shows the rest of the page. When the cache is down nothing is remembered: the page still renders.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.cache import cache

from voiphistory.history.capabilities import Capability, refused, remember_refusal
from voiphistory.voipstudio import Forbidden, NotFound, Unauthorized, VoipstudioError
from voiphistory.web.messages import upstream_message

logger = logging.getLogger(__name__)

#: Answers that mean "this server or account has no such endpoint", not "try again later".
REFUSALS = frozenset({403, 404, 405, 501})

USERS = Capability(
    "users-list",
    "User names are not available from this VoIPstudio account (GET /users): "
    "users are named from their calls where they made them, else by ID",
)
CHAT_MESSAGES = Capability(
    "chatmsgs-list", "Chat messages are not available from this VoIPstudio account (GET /chatmsgs)"
)
SMS = Capability("sms-list", "Text messages are not available from this VoIPstudio account (GET /sms)")
CDR_DICTIONARIES = Capability(
    "cdrs-dictionaries", "Labels of call codes are not available (GET /cdrs/dictionaries)"
)


class Missing(Exception):
    """An optional endpoint gave nothing: ``reason`` is the sentence for the panel that needed it."""

    def __init__(self, reason: str, *, refused: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.refused = refused  # False: the endpoint is there but failed this time (worth a retry)


def read[T](*, customer_id: int, capability: Capability, call: Callable[[], T]) -> T:
    """``call()``, unless this endpoint refused the customer lately. Raises ``Missing`` for every
    failure but an expired sign-in (``Unauthorized`` goes up: the whole page must sign in again)."""
    if refused(customer_id=customer_id, capability=capability):
        raise Missing(capability.reason)  # remembered: not asked again
    try:
        return call()
    except Unauthorized:
        raise
    except VoipstudioError as error:
        if isinstance(error, (NotFound, Forbidden)) or error.status in REFUSALS:
            remember_refusal(customer_id=customer_id, capability=capability)
            raise Missing(capability.reason) from None
        # Not remembered: the endpoint exists, it failed this once. The sentence names what failed.
        what = capability.reason.split(" are not available", 1)[0]
        raise Missing(f"{what} could not be loaded: {upstream_message(error)}", refused=False) from None


def cached_read[T](
    *, key: str, seconds: int, customer_id: int, capability: Capability, call: Callable[[], T]
) -> T:
    """``read``, its answer kept in the cache under ``key`` for ``seconds`` (a cache that is down
    costs a request each time, never the page). ``Missing`` is not cached here: a refusal is
    remembered by ``read``, a passing failure is asked again next time."""
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must not take the page down
        logger.warning("cache unavailable reading %s", key, exc_info=True)
        found = None
    if found is not None:
        return found
    found = read(customer_id=customer_id, capability=capability, call=call)
    try:
        cache.set(key, found, seconds)
    except Exception:  # noqa: BLE001
        logger.warning("cache unavailable keeping %s", key, exc_info=True)
    return found

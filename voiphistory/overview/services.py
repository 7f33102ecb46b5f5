"""What the overview page shows, answered from the cache without waiting for VoIPstudio.

``overview_request`` answers from the cache and, when the figures are missing or old, starts
``tasks.compute_overview`` (once: a lock in the cache keeps a second request from starting another).
The worker acts as the supervisor with their sealed token (accounts.tokens), like the jobs do, and
writes the result under the same key (``refresh``). The cache must be shared by web and worker
processes: Redis when REDIS_URL is set (settings.CACHES).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.utils import timezone
from kombu.exceptions import KombuError

from voiphistory.accounts.upstream import Account
from voiphistory.ops.cache import redis_down
from voiphistory.overview import tasks
from voiphistory.overview.refresh import LOCK_SECONDS, cache_key
from voiphistory.overview.stats import Overview, Period, period_of

logger = logging.getLogger(__name__)

FRESH_SECONDS = {"today": 300, "yesterday": 3600, "7d": 900, "30d": 1800}
BROKER_DOWN = "The background worker cannot be reached (is Redis running?). Try again in a moment."


@dataclass(frozen=True)
class OverviewState:
    period: Period
    overview: Overview | None
    computing: bool
    failure: str = ""

    @property
    def age_seconds(self) -> float | None:
        return (timezone.now() - self.overview.computed_at).total_seconds() if self.overview else None


def overview_request(
    *,
    account: Account,
    sealed_token: str,
    period_key: str,
    zone: str,
    refresh: bool = False,
    with_followups: bool = False,
) -> OverviewState:
    """What the page shows now; starts a computation when the figures are missing, old or ``refresh``.
    ``with_followups`` also loads the list of missed calls and their follow-up."""
    period = period_of(period_key, zone=zone, now=timezone.now())
    key = cache_key(customer_id=account.customer_id, user_id=account.user_id, period=period)
    overview: Overview | None = cache.get(key)
    failure = "" if refresh else cache.get(f"{key}:failure", "")
    if refresh:
        cache.delete(f"{key}:failure")
    old = (
        overview is None
        or (timezone.now() - overview.computed_at).total_seconds() > FRESH_SECONDS[period.key]
    )
    if (refresh or old) and not failure and cache.add(f"{key}:lock", 1, LOCK_SECONDS):
        try:
            tasks.compute_overview.delay(
                sealed_token=sealed_token,
                customer_id=account.customer_id,
                user_id=account.user_id,
                period_key=period.key,
                zone=zone,
            )
        except KombuError as error:  # Redis down: say so rather than poll for ever
            logger.warning("overview: could not queue the computation (%s)", error)
            cache.delete(f"{key}:lock")
            return OverviewState(
                period, overview, computing=False, failure=BROKER_DOWN if overview is None else ""
            )
        overview = cache.get(key, overview)  # eager Celery (tests, demo) has computed it already
        failure = cache.get(f"{key}:failure", "")
    if overview is None and not failure and redis_down():  # nothing cached, and nothing can compute it
        return OverviewState(period, None, computing=False, failure=BROKER_DOWN)
    if overview is not None and with_followups:
        overview = replace(overview, followups=cache.get(f"{key}:followups", []))
    return OverviewState(period, overview, computing=cache.get(f"{key}:lock") is not None, failure=failure)

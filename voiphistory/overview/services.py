"""Computing the overview in the background and keeping it in the cache.

The page never waits for VoIPstudio: ``overview_request`` answers from the cache and, when the
figures are missing or old, starts ``tasks.compute_overview`` (once: a lock in the cache keeps a
second request from starting another). The worker acts as the supervisor with their sealed token
(accounts.tokens), like the jobs do, and writes the result under the same key. The cache must be
shared by web and worker processes: Redis when REDIS_URL is set (settings.CACHES).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone
from kombu.exceptions import KombuError

from voiphistory.accounts import tokens
from voiphistory.accounts.upstream import Account, api_client
from voiphistory.history.messages import upstream_message
from voiphistory.history import call_window
from voiphistory.history.selectors import user_names
from voiphistory.ops.cache import redis_down
from voiphistory.overview.stats import Overview, OverviewBuilder, Period, period_of
from voiphistory.voipstudio import Filter, VoipstudioClient, VoipstudioError

logger = logging.getLogger(__name__)

KEEP_SECONDS = 7 * 24 * 3600  # an old overview still opens at once, marked with its age
FRESH_SECONDS = {"today": 300, "yesterday": 3600, "7d": 900, "30d": 1800}
LOCK_SECONDS = 15 * 60  # a worker that died mid-computation frees the lock after this
FAILURE_SECONDS = 120
PAGE_SIZE = 10_000  # the largest page VoIPstudio serves: fewest requests for a month of CDRs
BROKER_DOWN = "The background worker cannot be reached (is Redis running?). Try again in a moment."


#: Bumped whenever ``stats.Overview`` changes shape: the cache outlives deploys, and an old pickle
#: of another shape would fail on the page.
CACHE_VERSION = 2


def cache_key(*, customer_id: int, user_id: int, period: Period) -> str:
    # Per user: two supervisors of one customer may not see the same calls.
    return f"overview:v{CACHE_VERSION}:{customer_id}:{user_id}:{period.key}:{period.zone}:{period.first.isoformat()}"


@dataclass(frozen=True)
class OverviewState:
    period: Period
    overview: Overview | None
    computing: bool
    failure: str = ""

    @property
    def age_seconds(self) -> float | None:
        return (timezone.now() - self.overview.computed_at).total_seconds() if self.overview else None


def overview_request(*, account: Account, sealed_token: str, period_key: str, zone: str, refresh: bool = False,
                     with_followups: bool = False) -> OverviewState:  # fmt: skip
    """What the page shows now; starts a computation when the figures are missing, old or ``refresh``.
    ``with_followups`` also loads the list of missed calls and their follow-up."""
    period = period_of(period_key, zone=zone, now=timezone.now())
    key = cache_key(customer_id=account.customer_id, user_id=account.user_id, period=period)
    overview: Overview | None = cache.get(key)
    failure = "" if refresh else cache.get(f"{key}:failure", "")
    if refresh:
        cache.delete(f"{key}:failure")
    old = overview is None or (timezone.now() - overview.computed_at).total_seconds() > FRESH_SECONDS[period.key]
    if (refresh or old) and not failure and cache.add(f"{key}:lock", 1, LOCK_SECONDS):
        from voiphistory.overview import tasks  # tasks import services: import here to keep one direction

        try:
            tasks.compute_overview.delay(sealed_token=sealed_token, customer_id=account.customer_id,
                                         user_id=account.user_id, period_key=period.key, zone=zone)  # fmt: skip
        except KombuError as error:  # Redis down: say so rather than poll for ever
            logger.warning("overview: could not queue the computation (%s)", error)
            cache.delete(f"{key}:lock")
            return OverviewState(period, overview, computing=False, failure=BROKER_DOWN if overview is None else "")
        overview = cache.get(key, overview)  # eager Celery (tests, demo) has computed it already
        failure = cache.get(f"{key}:failure", "")
    if overview is None and not failure and redis_down():  # nothing cached, and nothing can compute it
        return OverviewState(period, None, computing=False, failure=BROKER_DOWN)
    if overview is not None and with_followups:
        overview = replace(overview, followups=cache.get(f"{key}:followups", []))
    return OverviewState(period, overview, computing=cache.get(f"{key}:lock") is not None, failure=failure)


def overview_refresh(*, sealed_token: str, customer_id: int, user_id: int, period_key: str, zone: str) -> Overview | None:
    """The worker's side: compute and cache the overview; a failure is cached for the page to show."""
    now = timezone.now()
    period = period_of(period_key, zone=zone, now=now)
    key = cache_key(customer_id=customer_id, user_id=user_id, period=period)
    overview = None
    try:
        client = api_client(tokens.unseal(sealed_token))
        overview = overview_compute(client=client, customer_id=customer_id, period=period, now=now)
    except tokens.InvalidToken:
        cache.set(f"{key}:failure", "Your sign-in has expired: sign in again to see the overview.", FAILURE_SECONDS)
    except VoipstudioError as error:
        logger.warning("overview %s: %s", key, type(error).__name__)
        cache.set(f"{key}:failure", upstream_message(error), FAILURE_SECONDS)
    else:
        # The page needs only the counts: the list of missed calls (thousands in a month) is kept
        # apart so the overview unpickles fast.
        cache.set(f"{key}:followups", overview.followups, KEEP_SECONDS)
        cache.set(key, replace(overview, followups=[]), KEEP_SECONDS)
    finally:
        cache.delete(f"{key}:lock")  # only once the figures are in: a poll in between would start another
    return overview


def overview_compute(*, client: VoipstudioClient, customer_id: int, period: Period, now: datetime) -> Overview:
    """The period's calls (and on to now, for callbacks after the period), read exactly as the Calls
    table reads them (history.call_window), and its recordings."""
    started = time.monotonic()
    builder = OverviewBuilder(period, now=now)
    for call in call_window.calls_between(client.cdrs, start=period.start, end=max(period.end, now)):
        builder.add_call(call)
    window = [Filter("timestamp", "gte", period.start), Filter("timestamp", "lt", period.end)]
    for monitor in client.monitors.iterate(filters=window, sort="timestamp", direction="ASC", page_size=PAGE_SIZE):
        builder.add_monitor(monitor)
    new_voicemail = client.voicemessages.page(limit=1, filters=[
        Filter("origtime", "gte", period.start), Filter("origtime", "lt", period.end), Filter("is_new", "eq", True),
    ]).total  # fmt: skip
    names = user_names(client=client, customer_id=customer_id)  # a nicety: without GET /users, "User 1234"
    return builder.finish(user_names=names, new_voicemail=new_voicemail, seconds=time.monotonic() - started)

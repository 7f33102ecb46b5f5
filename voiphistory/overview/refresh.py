"""The worker's side of the overview: compute the figures as the supervisor and cache them.

``tasks.compute_overview`` calls ``overview_refresh``; the page (``services.overview_request``)
reads what it wrote under ``cache_key``. A failure is cached too, for the page to show.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from voiphistory.accounts import tokens
from voiphistory.accounts.upstream import api_client
from voiphistory.history import call_window
from voiphistory.history.user_names import user_names
from voiphistory.overview.stats import Overview, OverviewBuilder, Period, period_of
from voiphistory.voipstudio import Filter, VoipstudioClient, VoipstudioError, budget
from voiphistory.web.messages import upstream_message

logger = logging.getLogger(__name__)

KEEP_SECONDS = 7 * 24 * 3600  # an old overview still opens at once, marked with its age
LOCK_SECONDS = 15 * 60  # a worker that died mid-computation frees the lock after this
FAILURE_SECONDS = 120
PAGE_SIZE = 10_000  # the largest page VoIPstudio serves: fewest requests for a month of CDRs


#: Bumped whenever ``stats.Overview`` changes shape: the cache outlives deploys, and an old pickle
#: of another shape would fail on the page.
CACHE_VERSION = 2


def cache_key(*, customer_id: int, user_id: int, period: Period) -> str:
    # Per user: two supervisors of one customer may not see the same calls.
    return f"overview:v{CACHE_VERSION}:{customer_id}:{user_id}:{period.key}:{period.zone}:{period.first.isoformat()}"


def overview_refresh(
    *, sealed_token: str, customer_id: int, user_id: int, period_key: str, zone: str
) -> Overview | None:
    """The worker's side: compute and cache the overview; a failure is cached for the page to show."""
    now = timezone.now()
    period = period_of(period_key, zone=zone, now=now)
    key = cache_key(customer_id=customer_id, user_id=user_id, period=period)
    overview = None
    try:
        client = api_client(tokens.unseal(sealed_token))
        overview = overview_compute(client=client, customer_id=customer_id, period=period, now=now)
    except tokens.InvalidToken:
        cache.set(
            f"{key}:failure", "Your sign-in has expired: sign in again to see the overview.", FAILURE_SECONDS
        )
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


def overview_compute(
    *, client: VoipstudioClient, customer_id: int, period: Period, now: datetime
) -> Overview:
    """The period's calls (and on to now, for callbacks after the period), read exactly as the Calls
    table reads them (history.call_window), and its recordings. The count of new voicemail and the
    user names do not depend on them: they are read alongside (``budget.PageReads``)."""
    started = time.monotonic()
    builder = OverviewBuilder(period, now=now)
    with budget.PageReads(max_workers=2) as reads:
        new_voicemail = reads.submit(_new_voicemail_count, client, period)
        names = reads.submit(
            user_names, client=client, customer_id=customer_id
        )  # a nicety: without GET /users, "User 1234"
        for call in call_window.calls_between(client.cdrs, start=period.start, end=max(period.end, now)):
            builder.add_call(call)
        window = [Filter("timestamp", "gte", period.start), Filter("timestamp", "lt", period.end)]
        for monitor in client.monitors.iterate(
            filters=window, sort="timestamp", direction="ASC", page_size=PAGE_SIZE
        ):
            builder.add_monitor(monitor)
        voicemail_count, users = budget.settle((new_voicemail, names))
    return builder.finish(user_names=users, new_voicemail=voicemail_count, seconds=time.monotonic() - started)


def _new_voicemail_count(client: VoipstudioClient, period: Period) -> int:
    window = [Filter("origtime", "gte", period.start), Filter("origtime", "lt", period.end)]
    return client.voicemessages.page(limit=1, filters=[*window, Filter("is_new", "eq", True)]).total

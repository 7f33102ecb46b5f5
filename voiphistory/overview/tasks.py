"""Celery tasks: thin adapters over ``refresh``."""

from __future__ import annotations

from celery import shared_task

from voiphistory.overview import refresh


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=refresh.LOCK_SECONDS)
def compute_overview(
    *, sealed_token: str, customer_id: int, user_id: int, period_key: str, zone: str
) -> None:
    refresh.overview_refresh(
        sealed_token=sealed_token, customer_id=customer_id, user_id=user_id, period_key=period_key, zone=zone
    )

"""Celery tasks: thin adapters over ``services``."""

from __future__ import annotations

from celery import shared_task

from voiphistory.overview import services


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=services.LOCK_SECONDS)
def compute_overview(*, sealed_token: str, customer_id: int, user_id: int, period_key: str, zone: str) -> None:
    services.overview_refresh(sealed_token=sealed_token, customer_id=customer_id, user_id=user_id,
                              period_key=period_key, zone=zone)  # fmt: skip

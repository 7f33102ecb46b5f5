"""Reading the audit trail: one customer's events, filtered, newest first."""

from __future__ import annotations

from collections.abc import Iterator

from django.core.paginator import Page, Paginator

from voiphistory.audit.forms import PAGE_SIZE, AuditQuery
from voiphistory.audit.models import AuditEvent


def events(*, customer_id: int, query: AuditQuery):
    return AuditEvent.objects.filter(customer_id=customer_id, **query.lookups()).order_by(
        "-created_at", "-id"
    )


def event_page(*, customer_id: int, query: AuditQuery) -> Page:
    paginator = Paginator(events(customer_id=customer_id, query=query), PAGE_SIZE)
    return paginator.get_page(query.page_number)


def event_iter(*, customer_id: int, query: AuditQuery) -> Iterator[AuditEvent]:
    """Every matching event, fetched in chunks (an export never holds the whole log in memory)."""
    return events(customer_id=customer_id, query=query).iterator(chunk_size=1000)

"""The audit log for supervisors: browse and filter it (HTMX like the tables), export it as CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from voiphistory.audit import selectors
from voiphistory.audit.forms import AuditQuery
from voiphistory.audit.models import AuditEvent
from voiphistory.web.csv import BOM, TIME_FORMAT, neutralise
from voiphistory.web.htmx import wants_fragment
from voiphistory.web.requests import SignedInRequest

TEMPLATE = "audit/audit.html"
HEADER = ["When", "Person", "Action", "Section", "IDs", "Detail", "IP address", "Browser"]


def _supervisor_only(request: SignedInRequest) -> None:
    # The log names who listened to which customer call: read-only agents do not get to browse it.
    if not request.account.can_write:
        raise PermissionDenied("The audit log is for supervisors.")


@require_safe
@vary_on_headers("HX-Request")
def audit_log(request: SignedInRequest) -> HttpResponse:
    _supervisor_only(request)
    query = AuditQuery(request.GET)
    context: dict = {"query": query, "fragment": wants_fragment(request)}
    if query.is_valid():
        context["page"] = selectors.event_page(customer_id=request.account.customer_id, query=query)
    return render(request, f"{TEMPLATE}#log" if context["fragment"] else TEMPLATE, context)


@require_safe
def audit_export(request: SignedInRequest) -> HttpResponseBase:
    """The filtered log as CSV, streamed row by row; every cell safe to open in a spreadsheet."""
    _supervisor_only(request)
    query = AuditQuery(request.GET)
    if not query.is_valid():
        return render(request, TEMPLATE, {"query": query}, status=400)
    rows = selectors.event_iter(customer_id=request.account.customer_id, query=query)
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response


class _Line:
    """csv.writer writes into this and gets the line back, so each row streams as it is made."""

    def write(self, text: str) -> str:
        return text


def _csv_lines(events: Iterator[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield BOM + writer.writerow(HEADER)
    zone = timezone.get_current_timezone()
    for event in events:
        cells = [
            event.created_at.astimezone(zone).strftime(TIME_FORMAT),
            event.email,
            event.get_action_display(),
            event.section,
            " ".join(str(i) for i in event.object_ids),
            json.dumps(event.detail, ensure_ascii=False, sort_keys=True) if event.detail else "",
            event.client_ip or "",
            event.user_agent,
        ]
        yield writer.writerow([neutralise(cell) for cell in cells])

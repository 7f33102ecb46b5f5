"""The overview (the landing page) and the missed-call follow-up list."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from voiphistory.accounts import tokens
from voiphistory.accounts.middleware import session_time_zone
from voiphistory.overview import services
from voiphistory.overview.charts import overview_charts
from voiphistory.overview.followup import Status
from voiphistory.overview.forms import OverviewQuery
from voiphistory.overview.stats import PERIODS
from voiphistory.web.htmx import STOP_POLLING, fragment_context, wants_fragment
from voiphistory.web.requests import SignedInRequest

FOLLOW_UPS_PER_PAGE = 50


def _state(
    request: SignedInRequest, period: str, *, refresh: bool = False, followups: bool = False
) -> services.OverviewState:
    return services.overview_request(
        account=request.account,
        sealed_token=tokens.sealed_token(request.session),
        period_key=period,
        zone=session_time_zone(request),
        refresh=refresh,
        with_followups=followups,
    )


def _context(request: SignedInRequest, state: services.OverviewState) -> dict:
    context = {
        "state": state,
        "overview": state.overview,
        "periods": PERIODS,
        "period": state.period.key,
        "poll_url": f"{reverse('overview:page')}?{urlencode({'period': state.period.key})}",
        **fragment_context(request),
    }
    if state.overview:
        context["charts"] = overview_charts(state.overview)
        query = state.period.table_query()
        context["calls_url"] = f"{reverse('history:table', args=['calls'])}?{urlencode(query)}"
        context["missed_url"] = (
            f"{reverse('history:table', args=['calls'])}?{urlencode({**query, 'call_type': 'M'})}"
        )
        context["period_query"] = urlencode(query)
        context["voicemail_query"] = urlencode({**query, "is_new": "new"})
    return context


@require_safe
@vary_on_headers("HX-Request")
def overview(request: SignedInRequest) -> HttpResponse:
    state = _state(request, OverviewQuery(request.GET).period_key)
    context = _context(request, state)
    if wants_fragment(request):
        finished = state.overview is not None or state.failure
        return render(
            request, "overview/overview.html#overview", context, status=STOP_POLLING if finished else 200
        )
    return render(request, "overview/overview.html", context)


@require_POST
def refresh(request: SignedInRequest) -> HttpResponse:
    period = OverviewQuery(request.POST).period_key
    state = _state(request, period, refresh=True)
    if wants_fragment(request):
        return render(request, "overview/overview.html#overview", _context(request, state))
    return redirect(f"{reverse('overview:page')}?{urlencode({'period': period})}")


@require_safe
@vary_on_headers("HX-Request")
def missed(request: SignedInRequest) -> HttpResponse:
    query = OverviewQuery(request.GET)
    state = _state(request, query.period_key, followups=True)
    status = query.status_filter
    context = _context(request, state) | {"status": status, "statuses": list(Status)}
    if state.overview:
        items = [f for f in state.overview.followups if not status or f.status == status]
        items.reverse()  # newest miss first
        context["page"] = Paginator(items, FOLLOW_UPS_PER_PAGE).get_page(query.page_number)
    if wants_fragment(request):
        finished = state.overview is not None or state.failure
        return render(
            request, "overview/missed.html#follow-ups", context, status=STOP_POLLING if finished else 200
        )
    return render(request, "overview/missed.html", context)

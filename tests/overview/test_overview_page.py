"""The overview page, as a whole page and as HTMX fragments, against the live emulator."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from django.core.cache import cache
from django.utils import timezone

from voiphistory.overview import refresh
from voiphistory.overview.stats import period_of
from voiphistory.voipstudio import VoipstudioClient

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_sign_in_lands_on_the_overview(supervisor, queued):
    response = supervisor.get("/")
    assert response.status_code == 302 and response["Location"] == "/overview/"
    page = supervisor.get("/overview/").content.decode()
    nav = page.split('<ul class="nav">', 1)[1]
    assert nav.index(">Overview<") < nav.index(">Calls<")  # first in the navigation
    assert 'aria-current="page">Overview' in page


def test_first_visit_shows_a_computing_panel_that_polls_and_starts_one_computation(supervisor, queued):
    page = supervisor.get("/overview/?period=7d")
    body = page.content.decode()
    assert page.status_code == 200 and "Computing the overview" in body
    assert 'hx-get="/overview/?period=7d"' in body and 'hx-trigger="every 2s"' in body
    supervisor.get("/overview/?period=7d", **HTMX)
    assert (
        len(queued) == 1 and queued[0]["period_key"] == "7d"
    )  # the lock keeps a second poll from starting another
    assert queued[0]["sealed_token"] and "token" not in str(queued[0]["customer_id"])
    poll = supervisor.get("/overview/?period=7d", **HTMX)
    assert poll.status_code == 200 and "<html" not in poll.content.decode()  # still computing: keep polling


def test_the_poll_stops_with_286_once_the_worker_has_cached_the_figures(supervisor, queued):
    supervisor.get("/overview/?period=7d")
    refresh.overview_refresh(**queued[0])  # what the worker does with the message
    poll = supervisor.get("/overview/?period=7d", **HTMX)
    body = poll.content.decode()
    assert poll.status_code == 286 and "data as of" in body and "<svg" in body and "<html" not in body


def test_the_overview_draws_linked_svg_charts_without_inline_script_or_style(supervisor, eager, dashboard):
    response = supervisor.get("/overview/?period=7d")
    body = response.content.decode()
    assert response.status_code == 200 and "data as of" in body
    assert "<script>" not in body.split("</head>", 1)[1] and "style=" not in body
    assert (
        "Content-Security-Policy" in response.headers
        and "unsafe-inline" not in response["Content-Security-Policy"]
    )
    missed_bars = re.findall(
        r'<a href="([^"]+)"><title>([^<]+ missed)</title><rect[^>]*class="bar missed"', body
    )
    assert missed_bars, "a missed-calls bar per day with calls"
    href, title = missed_bars[0]
    query = parse_qs(urlsplit(html.unescape(href)).query)
    assert urlsplit(html.unescape(href)).path == "/calls/" and query["call_type"] == ["M"]
    assert query["preset"] == ["custom"] and query["start"] == query["end"]  # that day
    table = supervisor.get(html.unescape(href), HTTP_HX_REQUEST="true").content.decode()
    assert "Missed" in table and re.search(r"of [\d,]+ calls", table)  # the table answers the link
    for figure in ("calls", "average talk time", "missed calls not returned", "new voicemail", "recordings"):
        assert figure in body
    assert re.search(r'<circle cx="[\d.]+" cy="[\d.]+" r="5" class="point cx">', body)  # CX score over time
    assert 'class="bar positive"' in body and 'class="bar user"' in body


def test_the_new_voicemail_count_is_what_voicemail_shows_when_filtered_to_new(supervisor, eager, dashboard):
    body = supervisor.get("/overview/?period=30d").content.decode()
    shown = int(
        re.search(r'<span class="figure">([\d,]+)</span><span class="what">new voicemail', body)
        .group(1)
        .replace(",", "")
    )
    period = period_of("30d", zone="UTC", now=timezone.now())
    upstream = VoipstudioClient(dashboard.api_url, dashboard.token())
    new = [
        vm
        for vm in upstream.voicemessages.iterate(page_size=500)
        if vm.is_new and period.start <= vm.origtime < period.end
    ]
    assert shown == len(new) > 0  # the demo data has new voicemail in any month
    link = html.unescape(re.search(r'<a class="tile" href="(/voicemail/\?[^"]+)"', body).group(1))
    table = supervisor.get(link, **HTMX).content.decode()
    assert f"of {shown:,} voicemail" in table


def test_the_answer_rate_and_talk_time_are_the_computed_figures(supervisor, eager):
    body = supervisor.get("/overview/?period=30d").content.decode()
    account = supervisor.session["voipstudio"]["account"]
    period = period_of("30d", zone="UTC", now=timezone.now())
    overview = cache.get(
        refresh.cache_key(customer_id=account["customer_id"], user_id=account["user_id"], period=period)
    )
    assert overview.inbound_calls > overview.answered_inbound > 0 and overview.talked_calls > 0
    rate, inbound = re.search(
        r'<span class="figure">(\d+)%</span><span class="what">of ([\d,]+) inbound answered', body
    ).groups()
    assert (int(rate), int(inbound.replace(",", ""))) == (
        round(100 * overview.answered_inbound / overview.inbound_calls),
        overview.inbound_calls,
    )
    bars = re.findall(r"<title>[^<]*: ([\d,]+) (inbound|missed)</title>", body)
    assert sum(int(count.replace(",", "")) for count, _ in bars) == overview.inbound_calls  # the chart agrees
    talk = re.search(
        r'<span class="figure">(\d+):(\d\d):(\d\d)</span><span class="what">average talk time', body
    ).groups()
    hours, minutes, seconds = map(int, talk)
    assert hours * 3600 + minutes * 60 + seconds == round(overview.talk_seconds / overview.talked_calls)


def test_an_old_overview_opens_at_once_and_is_refreshed_in_the_background(
    supervisor, eager, queued, dashboard
):
    supervisor.get("/overview/?period=30d")  # queued: nothing computed yet
    refresh.overview_refresh(**queued[0])
    account = supervisor.session["voipstudio"]["account"]
    period = period_of("30d", zone="UTC", now=timezone.now())
    key = refresh.cache_key(customer_id=account["customer_id"], user_id=account["user_id"], period=period)
    overview = cache.get(key)
    overview.computed_at = overview.computed_at.replace(year=overview.computed_at.year - 1)
    cache.set(key, overview)
    body = supervisor.get("/overview/?period=30d").content.decode()
    assert "data as of" in body and "updating in the background" in body and len(queued) == 2


def test_refresh_is_a_post_with_csrf(supervisor, eager):
    assert supervisor.get("/overview/refresh/").status_code == 405
    response = supervisor.post("/overview/refresh/", {"period": "yesterday"})
    assert response.status_code == 302 and response["Location"] == "/overview/?period=yesterday"
    assert "data as of" in supervisor.get("/overview/?period=yesterday").content.decode()


def test_a_failure_upstream_is_shown_with_a_retry_and_stops_the_poll(supervisor, eager, dashboard):
    dashboard.add_fault(path="^/cdrs$", status=503)
    poll = supervisor.get("/overview/?period=today", **HTMX)
    body = poll.content.decode()
    assert poll.status_code == 286 and "could not be computed" in body and "Try again" in body


def test_a_bad_period_falls_back_to_today(supervisor, queued):
    body = supervisor.get("/overview/?period=%3Cscript%3E").content.decode()
    assert 'href="?period=today" aria-current="true"' in body and "<script>" not in body.split("<main", 1)[1]


def test_without_a_reachable_broker_the_page_says_so_instead_of_polling_for_ever(supervisor, monkeypatch):
    from kombu.exceptions import OperationalError

    from voiphistory.overview import tasks

    def broker_down(**kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.compute_overview, "delay", broker_down)
    body = supervisor.get("/overview/").content.decode()
    assert "background worker cannot be reached" in body and "every 2s" not in body
    monkeypatch.setattr(tasks.compute_overview, "delay", lambda **kwargs: None)
    assert "Computing the overview" in supervisor.get("/overview/").content.decode()  # the lock was released

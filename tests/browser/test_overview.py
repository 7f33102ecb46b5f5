"""The supervisor's morning in a real browser: overview, the missed-calls bar, who was never
called back, and one number's timeline, with no inline script or style refused by the CSP."""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def background_worker(monkeypatch):
    """A stand-in for the Celery worker: the computation runs in a thread of the live server, a
    moment later, so the page first shows its computing panel and must poll for the figures."""
    from voiphistory.overview import refresh, tasks

    def delay(**kwargs):
        timer = threading.Timer(1.0, refresh.overview_refresh, kwargs=kwargs)
        timer.start()

    monkeypatch.setattr(tasks.compute_overview, "delay", delay)


def test_overview_then_missed_calls_then_a_numbers_timeline(page: Page, background_worker, tmp_path):
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/overview/$"))
    expect(page.locator("#overview.computing")).to_contain_text("Computing the overview")
    page.evaluate("window.__sameDocument = true")
    page.click(".periods >> text=Last 7 days")
    expect(page.locator("#overview .as-of")).to_contain_text(
        "data as of", timeout=30000
    )  # filled in by polling
    expect(page.locator("svg.chart rect.bar.missed").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)

    page.locator("svg.chart a:has(rect.bar.missed)").first.click()
    expect(page).to_have_url(re.compile(r"/calls/\?.*call_type=M"))
    expect(page.locator("#table tbody .badge.missed").first).to_be_visible()
    page.click("#table th >> text=Duration")  # sorted after loading: the saved view must have it
    expect(page).to_have_url(re.compile(r"sort=-duration"))
    page.fill(".save-view input[name=name]", "Missed that day")
    page.click(".save-view button")
    expect(page.locator(".messages")).to_contain_text("Saved “Missed that day”")
    expect(page).to_have_url(re.compile(r"call_type=M.*sort=-duration"))
    page.click(".saved-views summary")
    expect(page.locator(".saved-views a")).to_have_text("Missed that day")
    page.goto("/overview/?period=7d")

    page.click("[data-not-returned]")
    expect(page).to_have_url(re.compile(r"/overview/missed/\?period=7d&status=not_returned"))
    expect(page.locator("#follow-ups caption")).to_contain_text("missed calls")
    first = page.locator("#follow-ups tbody tr").first
    expect(first).to_contain_text("Not returned")
    number = first.locator("a[href^='/numbers/']")
    shown = number.inner_text()
    number.click()
    expect(page.locator("h1")).to_contain_text(shown)
    expect(page.locator(".timeline .entry").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "timeline.png"), full_page=True)
    assert refused == []

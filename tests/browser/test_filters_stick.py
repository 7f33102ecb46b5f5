"""Filters stick through sorting, paging, a new page size and the Back button (issue 11, point 1).

A supervisor filters the last 30 days' missed calls from UK mobiles (typed nationally, "07"), sorts
by duration, pages, changes the page size and goes back. After every step the rows on screen are
checked against the filters (day within the range, type Missed, caller's number starting 447), the
URL and the filter bar still carry them, and the number matching has not changed.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page

from voiphistory.web.dates import preset_days, range_label

pytestmark = pytest.mark.browser

FILTERS = {"preset": "30d", "call_type": "M", "from_number": "07"}
ROWS_JS = """() => {
  const table = document.querySelector('#table table.data');
  if (!table) return null;
  const heads = [...table.tHead.rows[0].cells].map(cell => cell.textContent.trim());
  const rows = [...table.querySelectorAll(':scope > tbody > tr[id^="row-"]')].map(row => [...row.cells].map(cell => ({
    text: cell.textContent.trim(),
    time: cell.querySelector('time')?.getAttribute('datetime') || '',
    numbers: [...cell.querySelectorAll('a.number')].map(a => a.getAttribute('href')),
  })));
  return {heads, rows, caption: table.caption.textContent.trim()};
}"""


def htmx_swap(page: Page, action) -> None:
    """Do ``action`` and wait until the table htmx fetched is on screen (its own URL is the page's)."""
    with page.expect_response(
        lambda r: urlsplit(r.url).path == "/calls/" and r.request.headers.get("hx-request") == "true"
    ):
        action()
    wait_for_table_of_current_url(page)


def wait_for_table_of_current_url(page: Page) -> None:
    page.wait_for_function("""() => {
      const table = document.getElementById('table');
      return table && !table.classList.contains('htmx-request')
        && table.getAttribute('hx-get') === location.pathname + location.search;
    }""")


def seconds(text: str) -> int:
    hours, minutes, secs = (int(part) for part in text.split(":"))
    return hours * 3600 + minutes * 60 + secs


def check_still_filtered(page: Page, step: str, *, total: int | None = None) -> dict:
    query = parse_qs(urlsplit(page.url).query)
    for name, value in FILTERS.items():
        assert query.get(name) == [value], f"{step}: the URL lost {name} ({page.url})"
    assert page.input_value("#id_preset") == "30d" and page.input_value("#id_call_type") == "M", step
    assert page.input_value("#id_from_number") == "07", step
    table = page.evaluate(ROWS_JS)
    assert table and table["rows"], f"{step}: no rows"
    heads = table["heads"]
    when, kind, caller = heads.index("When"), heads.index("Type"), heads.index("From")
    zone = datetime.fromisoformat(table["rows"][0][when]["time"]).tzinfo  # the supervisor's, as shown
    first, last = preset_days("30d", today=datetime.now(zone).date())
    assert page.inner_text("#date-range").endswith(range_label(first, last)), step
    for cells in table["rows"]:
        day = datetime.fromisoformat(cells[when]["time"]).date()
        assert first <= day <= last, f"{step}: a call on {day}, outside {first}..{last}"
        assert cells[kind]["text"] == "Missed", f"{step}: a {cells[kind]['text']} call"
        numbers = [re.search(r"/numbers/(\d+)/", href).group(1) for href in cells[caller]["numbers"]]
        assert numbers and all("447" in number for number in numbers), f"{step}: a call from {numbers}"
    shown = int(re.search(r"of ([\d,]+)", table["caption"]).group(1).replace(",", ""))
    if total is not None:
        assert shown == total, f"{step}: {shown} match now, {total} before"
    return {**table, "total": shown, "duration": heads.index("Duration")}


def test_filters_stick_through_sort_page_size_and_back(page: Page):
    htmx_swap(page, lambda: page.select_option("#id_preset", "30d"))
    htmx_swap(page, lambda: page.select_option("#id_call_type", "M"))
    htmx_swap(page, lambda: (page.fill("#id_from_number", "07"), page.press("#id_from_number", "Tab")))
    filtered = check_still_filtered(page, "filtered")
    total = filtered["total"]
    assert total > 50, f"only {total} calls: the scenario needs three pages"
    assert filtered["caption"].startswith("1–25 of")

    htmx_swap(page, lambda: page.click("#table thead a:text-is('Duration')"))
    by_duration = check_still_filtered(page, "sorted", total=total)
    durations = [seconds(cells[by_duration["duration"]]["text"]) for cells in by_duration["rows"]]
    assert durations == sorted(durations, reverse=True), "longest first"
    assert parse_qs(urlsplit(page.url).query)["sort"] == ["-duration"]

    htmx_swap(page, lambda: page.click("#table .pager a[rel=next]"))
    second = check_still_filtered(page, "page 2", total=total)
    assert second["caption"].startswith("26–50 of")
    assert parse_qs(urlsplit(page.url).query)["sort"] == ["-duration"]

    htmx_swap(page, lambda: page.select_option("#page-size", "50"))
    resized = check_still_filtered(page, "50 a page", total=total)
    assert resized["caption"].startswith("1–50 of") and len(resized["rows"]) == 50
    query = parse_qs(urlsplit(page.url).query)
    assert query["size"] == ["50"] and query["sort"] == ["-duration"]

    page.go_back()
    page.wait_for_url(re.compile(r"page=2"))
    wait_for_table_of_current_url(page)
    back = check_still_filtered(page, "back", total=total)
    assert back["caption"].startswith("26–50 of")

"""The same numbers everywhere: every overview figure and chart element links to a table that
shows exactly that many rows, and the follow-up list holds as many missed calls as the overview
and the Calls table count. Against the emulator, with the overview computed inline."""

from __future__ import annotations

import html as html_lib
import re

import pytest

TABLE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "table"}
FOLLOW_UPS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "follow-ups"}


def listed(client, href: str) -> int:
    """How many rows the page a link opens says it holds (0 when it says it has none)."""
    body = client.get(
        href, **(FOLLOW_UPS if href.startswith("/overview/missed/") else TABLE)
    ).content.decode()
    found = re.search(r"<caption>[\d,]+–[\d,]+ of ([\d,]+) ", body)
    if found:
        return int(found.group(1).replace(",", ""))
    assert re.search(r'class="empty"|No missed calls', body), (
        f"{href} shows neither rows nor 'none': {body[:300]}"
    )
    return 0


def figures(page: str) -> list[tuple[str, int, str]]:
    """(what, count, link) for every tile, follow-up count and chart element that links somewhere."""
    found = []
    for href, number, what in re.findall(
        r'<a class="tile[^"]*" href="([^"]+)"[^>]*><span class="figure">([\d,]+)</span><span class="what">([^<]+)',
        page,
    ):
        found.append((what, int(number.replace(",", "")), href))
    followup = page.split('id="followup-title"', 1)[1].split("</section>", 1)[0]
    for href, what, number in re.findall(
        r'<a href="([^"]+)"><span class="badge [a-z_]+">([^<]+)</span> ([\d,]+)</a>', followup
    ):
        found.append((what, int(number.replace(",", "")), href))
    for href, title in re.findall(r'<a href="([^"]+)"><title>([^<]+)</title>', page):
        title = html_lib.unescape(title)
        count = re.search(r"of ([\d,]+) recordings$", title) or re.search(
            r": ([\d,]+) (?:calls|inbound|outbound|missed|negative|neutral|positive)", title
        )
        assert count, f"a chart element says no count: {title}"
        found.append((title, int(count.group(1).replace(",", "")), href))
    return [(what, count, html_lib.unescape(href)) for what, count, href in found]


@pytest.mark.parametrize("period", ["yesterday", "7d"])
def test_every_overview_link_opens_a_table_with_exactly_that_many_rows(supervisor, eager, period):
    page = supervisor.get(f"/overview/?period={period}").content.decode()
    assert 'class="tiles"' in page, "the overview was not computed"
    shown = figures(page)
    bars = [f for f in shown if f[2].startswith("/calls/") and "call_type=" in f[2]]
    assert len(bars) > (30 if period == "yesterday" else 15)  # hour bars, or day bars, of three kinds
    if period == "yesterday":
        assert all(
            "from_time=" in href and "to_time=" in href for _, _, href in bars
        )  # each bar its own hour
    assert any(what == "calls" for what, _, _ in shown) and any("CX score" in what for what, _, _ in shown)
    opened = [(what, count, listed(supervisor, href), href) for what, count, href in shown]
    wrong = [row for row in opened if row[1] != row[2]]
    assert not wrong, wrong
    assert sum(count for _, count, _, _ in opened) > 100  # real figures, not a page of zeros


def test_the_follow_up_list_holds_every_missed_call_the_overview_and_calls_count(supervisor, eager):
    page = supervisor.get("/overview/?period=yesterday").content.decode()
    missed_bars = sum(
        int(n.replace(",", "")) for n in re.findall(r"<title>\d\d:00: ([\d,]+) missed</title>", page)
    )
    follow_ups = supervisor.get("/overview/missed/?period=yesterday", **FOLLOW_UPS).content.decode()
    listed_missed = int(re.search(r"of ([\d,]+) missed calls", follow_ups).group(1).replace(",", ""))
    calls_link = html_lib.unescape(re.search(r'<a href="([^"]+)" data-missed-calls>', follow_ups).group(1))
    assert missed_bars > 0 and listed_missed == missed_bars == listed(supervisor, calls_link)
    statuses = sum(
        int(n.replace(",", ""))
        for n in re.findall(r"</span> ([\d,]+)</a></li>", page.split('id="followup-title"', 1)[1])
    )
    assert statuses == missed_bars

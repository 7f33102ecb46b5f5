"""The column menu remembers a choice by posting it (with CSRF), not by the table's GET (issue 13.7):
unticking a column hides it at once, and a later visit without ``cols`` still shows the choice."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser


HEADS_JS = "() => [...document.querySelector('#table table.data').tHead.rows[0].cells].map(c => c.textContent.trim())"


def heads(page: Page) -> list[str]:
    """The table's own column heads (a call's legs, expanded, have a table of their own)."""
    return page.evaluate(HEADS_JS)


def test_unticking_a_column_hides_it_and_is_remembered_for_the_next_visit(page: Page):
    assert "Duration" in heads(page)
    page.click(".column-menu summary")
    with (
        page.expect_response(
            lambda r: urlsplit(r.url).path == "/calls/columns/" and r.request.method == "POST"
        ) as posted,
        page.expect_response(
            lambda r: urlsplit(r.url).path == "/calls/" and r.request.headers.get("hx-request") == "true"
        ),
    ):
        page.uncheck(".column-menu input[name=cols][value=duration]")
    assert posted.value.status == 204
    page.wait_for_function(f"() => !({HEADS_JS})().includes('Duration')")
    assert urlsplit(page.url).path == "/calls/"  # the POST did not become the page's address
    page.goto("/calls/")  # no cols in the URL: the remembered choice
    assert "Duration" not in heads(page) and "When" in heads(page)

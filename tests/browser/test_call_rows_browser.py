"""One row per call in the browser: a call's legs open in place, and the legs toggle lists legs."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def test_a_calls_legs_open_in_place_and_the_toggle_lists_every_leg(page: Page):
    page.evaluate("window.__sameDocument = true")  # gone if the page fully reloads
    expect(page.locator("#table caption")).to_contain_text(re.compile(r" calls$"))
    call = page.locator("#table tbody.call").filter(has=page.locator("details.call-legs")).first
    legs = call.locator("details.call-legs tr[data-leg]")
    expect(legs.first).to_be_hidden()
    call.locator("details.call-legs summary").click()
    expect(legs.first).to_be_visible()
    assert legs.count() > 1
    page.check("input[name=legs]")
    expect(page).to_have_url(re.compile(r"legs=1"))
    expect(page.locator("#table caption")).to_contain_text(re.compile(r" call legs$"))
    expect(page.locator("#table tbody.call")).to_have_count(0)
    page.click("#table .pager >> text=Next ›")
    expect(page).to_have_url(re.compile(r"legs=1.*page=2|page=2.*legs=1"))
    expect(page.locator("#table caption")).to_contain_text("26–50 of")
    expect(page.locator("#table caption")).to_contain_text("call legs")
    assert page.evaluate("window.__sameDocument") is True

"""What a supervisor does, in a real browser: filter, sort, page, listen and seek, edit, file, inspect."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def caption(page: Page) -> str:
    return page.locator("#table caption").inner_text()


def test_filter_sort_and_page_without_reloading_and_the_back_button(page: Page):
    page.evaluate("window.__sameDocument = true")  # gone if the page fully reloads
    page.select_option("select[name=call_type]", "M")
    expect(page).to_have_url(re.compile(r"call_type=M"))
    expect(page.locator("#table tbody .badge.missed").first).to_be_visible()
    # One row per call (tr id="row-…"); a call's legs are a table of their own under it
    type_column = [h.strip() for h in page.locator("#table table.data > thead th").all_inner_texts()].index(
        "Type"
    ) + 1
    types = page.locator(
        f'#table table.data > tbody > tr[id^="row-"] > td:nth-child({type_column})'
    ).all_inner_texts()
    assert types and set(types) == {"Missed"}
    page.click("#table th >> text=Duration")
    expect(page.locator("#table th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    expect(page).to_have_url(re.compile(r"sort=-duration"))
    page.click("#table .pager >> text=Next ›")
    expect(page.locator("#table caption")).to_contain_text("26–50 of")
    expect(page).to_have_url(re.compile(r"page=2"))  # htmx pushes the URL just after the swap
    assert page.evaluate("window.__sameDocument") is True
    page.go_back()
    expect(page.locator("#table caption")).to_contain_text("1–25 of")
    expect(page).to_have_url(re.compile(r"sort=-duration"))


def test_play_a_recording_and_seek_in_it(page: Page):
    page.goto("/recordings/?sort=-duration")
    row = page.locator("#table tbody[data-row]").first
    row.locator("[data-toggle-details]").click()
    player = row.locator("[data-player]")
    player.locator("[data-player-action=toggle]").click()
    audio = player.locator("audio")
    page.wait_for_function("a => a.currentTime > 0.2 && !a.paused", arg=audio.element_handle())
    duration = audio.evaluate("a => a.duration")
    assert duration > 60
    seek = player.locator("[data-player-seek]")
    seek.evaluate(
        "(s, t) => { s.value = t; s.dispatchEvent(new Event('input', {bubbles: true})); s.dispatchEvent(new Event('change', {bubbles: true})); }",
        int(duration / 2),
    )
    page.wait_for_function(
        "([a, t]) => Math.abs(a.currentTime - t) < 3", arg=[audio.element_handle(), int(duration / 2)]
    )
    player.locator("[data-player-action=toggle]").click()
    assert audio.evaluate("a => a.paused") is True


def test_edit_a_summary(page: Page, browser_emulator):
    page.goto("/recordings/")
    row = page.locator("#table tbody[data-row]").first
    recording_id = int(row.get_attribute("id").split("-")[1])
    row.locator("[data-edit]").click()
    form = page.locator(f"#recording-{recording_id} form")
    form.locator("textarea[name=summary]").fill("Customer confirmed the refund by phone.")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#recording-{recording_id}")).to_contain_text(
        "Customer confirmed the refund by phone."
    )
    expect(page.locator(f"#recording-{recording_id} form")).to_have_count(0)
    saved = browser_emulator.get(f"/monitors/{recording_id}").json()["data"]["summary"]
    assert saved == "Customer confirmed the refund by phone."


def test_file_three_voicemails(page: Page, browser_emulator):
    page.goto("/voicemail/?folder=1")
    boxes = page.locator("#table input[name=ids]")
    ids = [int(boxes.nth(i).get_attribute("value")) for i in range(3)]
    for i in range(3):
        boxes.nth(i).check()
    page.select_option("#move-folder", "Work")
    page.click("#voicemail-move button[type=submit]")
    expect(page.locator("#table")).to_contain_text("Moved 3 voicemails to Work.")
    for voicemail_id in ids:
        expect(page.locator(f"#voicemail-{voicemail_id}")).to_have_count(0)  # left the INBOX view
        assert browser_emulator.get(f"/voicemessages/{voicemail_id}").json()["data"][
            "folder"
        ] == browser_emulator.code("folder", "Work")


def test_open_a_calls_sip_ladder(page: Page):
    page.goto("/calls/?disposition=CONNECTED")
    page.locator("#table tbody a >> text=Details").first.click()
    expect(page.locator("h1")).to_be_visible()
    ladder = page.locator("#ladder")
    expect(ladder).to_contain_text("INVITE")
    expect(ladder).to_contain_text("200 OK")
    expect(ladder).to_contain_text("BYE")

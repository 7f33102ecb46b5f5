"""In the browser: a call's additional information, one call and many; a media session's ladder."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def test_set_additional_information_on_selected_calls_and_on_one(page: Page, browser_emulator):
    page.goto("/calls/?legs=on")
    boxes = page.locator("input[name=ids][form=bulk]")
    ids = [int(boxes.nth(i).get_attribute("value")) for i in (0, 1)]
    for i in (0, 1):
        boxes.nth(i).check()
    page.fill("#bulk-info", "Q4 review")
    page.locator("#bulk-info").press("Enter")  # submits nothing: not the first button of the form (Delete)
    page.wait_for_timeout(300)
    expect(page.locator("#job-panel")).to_be_empty()
    page.get_by_role("button", name="Set on selected").click()
    expect(page.locator("#table .messages")).to_contain_text("Additional information saved on 2 calls")
    assert [browser_emulator.get(f"/cdrs/{id}").json()["data"]["info"] for id in ids] == [
        "Q4 review",
        "Q4 review",
    ]

    page.goto(f"/calls/{ids[0]}/")
    expect(page.locator("#field-info")).to_have_text("Q4 review")
    page.fill("#call-info-input", "Called back, resolved")
    page.locator("#call-info").get_by_role("button", name="Save").click()
    expect(page.locator("#call-info [role=status]")).to_have_text("Additional information saved.")
    expect(page.locator("#field-info")).to_have_text("Called back, resolved")  # the record's row follows
    assert browser_emulator.get(f"/cdrs/{ids[0]}").json()["data"]["info"] == "Called back, resolved"


def test_open_a_media_sessions_ladder(page: Page):
    page.goto("/media-sessions/")
    page.locator("#table tbody a >> text=Details").first.click()
    expect(page.locator("h1")).to_contain_text("session")
    expect(page.locator("#ladder")).to_contain_text("INVITE")
    expect(page.get_by_role("link", name="Download packet capture (.pcap)")).to_be_visible()

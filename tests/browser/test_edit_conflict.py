"""Two supervisors edit the same recording in the Recordings table (two browsers): the second save
shows both summaries side by side, nothing is overwritten until they choose, and the score the
first one changed survives."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.conftest import DEMO_PASSWORD, SUPERVISOR


def _signed_in(browser: Browser, site: str) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=site)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto("/sign-in/?next=/recordings/")
    page.fill("input[name=email]", SUPERVISOR)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/recordings/")
    return page


def test_a_conflicting_summary_is_shown_side_by_side_and_chosen(page: Page, browser, site, browser_emulator):
    other = _signed_in(browser, site)
    page.goto("/recordings/")
    recording_id = int(page.locator("#table tbody[data-row]").first.get_attribute("id").split("-")[1])
    row = f"#recording-{recording_id}"
    for who in (page, other):  # both open the editor before either saves
        who.locator(f"{row} [data-edit]").click()
        expect(who.locator(f"{row} form textarea[name=summary]")).to_be_visible()
    page.locator(f"{row} textarea[name=summary]").fill("Ann: refund agreed.")
    page.locator(f"{row} input[name=cx_score]").fill("33")
    page.locator(f"{row} form button[type=submit]").click()
    expect(page.locator(row)).to_contain_text("Saved")

    other.locator(f"{row} textarea[name=summary]").fill("Bob: refund refused.")
    other.locator(f"{row} form button[type=submit]").click()
    conflict = other.locator(f"{row} .field.conflict")
    expect(conflict).to_contain_text("Now in VoIPstudio")
    expect(conflict.locator(".theirs")).to_contain_text("Ann: refund agreed.")
    expect(conflict.locator("textarea[name=summary]")).to_have_value("Bob: refund refused.")
    assert (
        browser_emulator.get(f"/monitors/{recording_id}").json()["data"]["summary"] == "Ann: refund agreed."
    )

    conflict.get_by_label("Use mine").check()
    other.locator(f"{row} form button[type=submit]").click()
    expect(other.locator(row)).to_contain_text("Bob: refund refused.")
    expect(other.locator(f"{row} form")).to_have_count(0)
    now = browser_emulator.get(f"/monitors/{recording_id}").json()["data"]
    assert (now["summary"], now["cx_score"]) == ("Bob: refund refused.", 33)
    other.context.close()

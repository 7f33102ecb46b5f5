"""Listening where you look and voicemail triage, in a real browser: play a call's recording from
the Calls table, play a new voicemail and see it marked heard while it plays, mark it new again."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
#: Folder codes per emulator profile; the reference one is configured as an operator would.
FOLDER_CODES = {
    "default": {"INBOX": 1, "Old": 2, "Work": 3, "Family": 4, "Friends": 5},
    "reference": {"INBOX": 0, "Old": 1, "Work": 2, "Family": 3, "Friends": 4, "Urgent": 5},
}


def playing(page: Page, player) -> None:
    page.wait_for_function(
        "a => a.currentTime > 0.2 && !a.paused", arg=player.locator("audio").element_handle()
    )


def test_play_a_calls_recording_from_the_calls_table(page: Page):
    listen = page.locator("#table [data-play-on-open]").first
    player_row = page.locator(f"#{listen.get_attribute('aria-controls')}")
    expect(player_row).to_be_hidden()
    listen.click()  # opens the player in the row and plays at once
    expect(player_row).to_be_visible()
    player = player_row.locator("[data-player]").first
    playing(page, player)
    expect(player.locator("[data-player-action=toggle]")).to_have_attribute("aria-label", "Pause")
    listen.click()  # closing the row pauses it
    expect(player_row).to_be_hidden()
    assert player.locator("audio").evaluate("a => a.paused") is True


def test_play_a_new_voicemail_see_it_heard_then_mark_it_new(page: Page, browser_emulator, settings):
    codes = settings.VOIPSTUDIO_VOICEMAIL_FOLDERS = FOLDER_CODES[browser_emulator.profile]
    page.goto(f"/voicemail/?folder={codes['INBOX']}&is_new=new")
    row = page.locator("#table tbody[data-row]").first
    voicemail_id = int(row.get_attribute("id").split("-")[1])
    line = page.locator(f"#voicemail-{voicemail_id}-summary")
    expect(line).to_contain_text("New")
    expect(line).to_contain_text("Inbox")
    row.locator("[data-toggle-details]").click()
    player = row.locator("[data-player]")
    player.locator("[data-player-action=toggle]").click()
    playing(page, player)
    # Marked heard once playback started; the line changes while the audio plays on.
    expect(line).to_contain_text("Heard")
    expect(line).to_contain_text("Old")
    expect(line.locator("[data-mark]")).to_have_text("Mark new")
    assert player.locator("audio").evaluate("a => !a.paused && a.currentTime > 0.2") is True
    assert browser_emulator.get(f"/voicemessages/{voicemail_id}").json()["data"]["folder"] == codes["Old"]
    player.locator("[data-player-action=toggle]").click()

    line.locator("[data-mark]").click()
    expect(page.locator("#table")).to_contain_text("Marked one voicemail new (moved back to Inbox).")
    line = page.locator(f"#voicemail-{voicemail_id}-summary")
    expect(line).to_contain_text("New")
    expect(line.locator("[data-mark]")).to_have_text("Mark heard")
    assert browser_emulator.get(f"/voicemessages/{voicemail_id}").json()["data"]["folder"] == codes["INBOX"]

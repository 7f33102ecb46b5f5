"""Table fragments carry no markup per row that the page or the table can carry once (issue 14.4):
the player's controls are in the page once, the rows' htmx targets are the table's, a row's
Delete and Edit are plain links that app.js sends through htmx."""

from __future__ import annotations

import re

import pytest

HTMX = {"HTTP_HX_REQUEST": "true"}


def _rows(html: str) -> list[str]:
    return re.findall(r"<tbody id=\"(?:recording|voicemail)-\d+\".*?</tbody>", html, re.S)


@pytest.mark.parametrize("slug", ["recordings", "voicemail"])
def test_a_fragments_rows_carry_a_bare_player_and_no_htmx_targets(supervisor, slug):
    html = supervisor.get(f"/{slug}/", {"size": 25}, **HTMX).content.decode()
    rows = _rows(html)
    assert len(rows) == 25
    for row in rows:
        assert row.count("data-player ") == 1 and "<audio" in row and "Download the audio" in row
        assert "data-player-controls" not in row and "player-speed" not in row
        assert "hx-target" not in row and "hx-swap" not in row and "hx-get" not in row
        assert "data-confirm-delete>Delete</a>" in row
    assert 'hx-target="#table" hx-swap="outerHTML"' in re.search(r"<table class=\"data\"[^>]*>", html)[0]
    assert '<template id="player-controls">' not in html  # the page has it; a fragment does not repeat it


def test_the_page_holds_the_players_controls_once(supervisor):
    page = supervisor.get("/recordings/", {"size": 25}).content.decode()
    assert page.count('<template id="player-controls">') == 1 and page.count("data-player-controls") == 1
    assert page.count('data-player-action="toggle"') == 1


def test_a_recordings_edit_link_is_the_edit_page_and_the_script_swaps_the_row(supervisor):
    html = supervisor.get("/recordings/", {"size": 25}, **HTMX).content.decode()
    edit = re.search(r'<a href="(/recordings/(\d+)/edit/)" data-edit>Edit</a>', html)
    assert edit is not None
    form = supervisor.get(edit[1], **HTMX).content.decode()
    assert f'<tbody id="recording-{edit[2]}" class="recording editing"' in form

"""Issue 11.6 in a real browser: a delete-all shows its scope and first rows before anything
happens, and the undo window counts down live."""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from voiphistory.jobs.models import Job


def test_delete_all_shows_scope_count_and_first_rows_without_starting_anything(page):
    page.goto("/recordings/?min_cx=99&sort=-when")
    caption = page.inner_text("#table caption")
    total = re.search(r"of ([\d,]+) recordings", caption)[1]
    first_rows = page.locator("#table tbody[data-row]").evaluate_all(
        "rows => rows.slice(0, 5).map(r => r.id.split('-')[1])"
    )

    page.click("button[value=delete_matching]")
    confirm = page.locator("#job-panel .job-confirm")
    confirm.wait_for()
    assert confirm.locator("h2").inner_text() == f"Delete {total} recordings?"
    assert "Recordings, all time, CX score 99 or more. Times are in UTC." in confirm.inner_text()
    assert confirm.locator("tr[data-id]").evaluate_all("rows => rows.map(r => r.dataset.id)") == first_rows
    assert not Job.objects.exists()
    assert re.search(rf"of {total} recordings", page.inner_text("#table caption"))  # the table is unchanged


def test_the_undo_window_counts_down_live(page):
    owner = get_user_model().objects.get(username__startswith="voipstudio-")
    job = Job.objects.create(
        owner=owner,
        customer_id=1,
        kind="delete",
        section="recordings",
        ids=[1],
        total=1,
        not_before=timezone.now() + timedelta(seconds=8),
    )
    page.clock.install()  # the page's timers and Date run on a clock the test moves
    page.goto(f"/jobs/{job.pk}/")
    countdown = page.locator(".job-panel .countdown")
    countdown.wait_for()
    # The panel's own refresh (every second) re-renders the countdown from the server's real clock;
    # held back here, the count is the page's alone, on the clock the test moves.
    page.route(re.compile(rf"/jobs/{job.pk}/$"), lambda route: route.abort())
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 0.5)
    first = int(countdown.inner_text().split()[0])
    page.clock.run_for(2000)
    later = int(countdown.inner_text().split()[0])
    assert 7 <= first <= 8 and later == first - 2
    assert "Undo before then and nothing is deleted." in page.inner_text(".job-panel")

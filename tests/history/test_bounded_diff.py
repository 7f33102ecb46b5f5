"""The edit history's word diff is bounded (issue 13.4): the common start and end are matched in
linear time, and a differing middle longer than MAX_DIFF_WORDS is one replaced block."""

from __future__ import annotations

import random

from voiphistory.history import edits
from voiphistory.history.edits import MAX_DIFF_WORDS, field_diff
from voiphistory.history.models import RecordingEdit


def kinds(change) -> list[tuple[str, str]]:
    return [(line.kind, line.text) for line in change.lines]


def test_a_small_edit_is_a_word_diff_with_the_same_words_around_it():
    change = field_diff(
        "summary", "the customer asked for a refund today", "the customer asked for a credit note today"
    )
    assert kinds(change) == [
        ("same", "the customer asked for a"),
        ("removed", "refund"),
        ("added", "credit note"),
        ("same", "today"),
    ]


def test_words_added_at_the_start_or_the_end_only():
    assert kinds(field_diff("summary", "agreed to call back", "Agent agreed to call back")) == [
        ("added", "Agent"),
        ("same", "agreed to call back"),
    ]
    assert kinds(field_diff("summary", "agreed to call back", "agreed to call back tomorrow.")) == [
        ("same", "agreed to call back"),
        ("added", "tomorrow."),
    ]


def test_two_changes_apart_are_both_found_in_the_middle():
    change = field_diff("summary", "a b c d e f g", "a X c d e Y g")
    assert kinds(change) == [
        ("same", "a"),
        ("removed", "b"),
        ("added", "X"),
        ("same", "c d e"),
        ("removed", "f"),
        ("added", "Y"),
        ("same", "g"),
    ]


def test_a_large_differing_middle_is_one_replaced_block_and_keeps_every_word(monkeypatch):
    random.seed(13)
    words = [f"w{random.randint(0, 5000)}" for _ in range(MAX_DIFF_WORDS + 500)]
    old = "Hello. " + " ".join(words) + " Goodbye."
    new = "Hello. " + " ".join(reversed(words)) + " Goodbye."

    def refused(*args, **kwargs):
        raise AssertionError("SequenceMatcher must not run on a middle this long")

    monkeypatch.setattr(edits.difflib, "SequenceMatcher", refused)
    change = field_diff("transcript", old, new)
    assert [kind for kind, _ in kinds(change)] == ["same", "removed", "added", "same"]
    assert change.lines[1].text == " ".join(words) and change.lines[2].text == " ".join(reversed(words))


def test_a_60000_character_transcript_edit_history_renders(supervisor, emulator):
    recording = emulator.get("/monitors", limit=1, sort="timestamp", dir="DESC").json()["data"][0]
    random.seed(60)
    before = " ".join(f"word{random.randint(0, 9999)}" for _ in range(7000))[:60_000]
    after = " ".join(random.sample(before.split(" "), len(before.split(" "))))
    RecordingEdit.objects.create(
        customer_id=100234,
        recording_id=recording["id"],
        editor_name="Sam Supervisor",
        before={"transcript": before},
        after={"transcript": after},
    )
    response = supervisor.get(f"/recordings/{recording['id']}/history/")
    page = response.content.decode()
    assert response.status_code == 200 and f"<del>{before}</del>" in page and f"<ins>{after}</ins>" in page

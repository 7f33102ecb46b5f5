"""Call notes in any plausible shape: text, author and time from whichever name holds them; nothing
required, so a note is never dropped and "None" is never what it says."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from voiphistory.voipstudio import Note

WHEN = datetime(2026, 11, 30, 9, 0, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "data",
    [
        {
            "id": 1,
            "created_at": "2026-11-30 09:00:01",
            "cdr_id": 7,
            "user_id": 3,
            "user_name": "Ann Lee",
            "note": "Rang back",
        },
        {"id": 1, "text": "Rang back", "author": "Ann Lee", "date": "2026-11-30T09:00:01Z"},
        {
            "id": "1",
            "content": "Rang back",
            "created_by": {"first_name": "Ann", "last_name": "Lee"},
            "created": 1796029201,
        },
        {
            "id": 1,
            "body": "  Rang back ",
            "user": {"name": "Ann Lee"},
            "timestamp": "2026-11-30T10:00:01+01:00",
        },
        {"id": 1, "message": "Rang back", "user": "Ann Lee", "created_at": "2026-11-30 09:00:01"},
    ],
)
def test_every_plausible_shape_reads_as_text_author_and_time(data):
    note = Note.from_api(data)
    assert (note.id, note.text, note.author, note.created_at) == (1, "Rang back", "Ann Lee", WHEN)


def test_an_empty_or_null_name_falls_through_to_the_next():
    note = Note.from_api(
        {"text": None, "note": "", "content": "Kept", "author": None, "user_name": "Bo", "date": "0000-00-00"}
    )
    assert (note.text, note.author, note.created_at, note.id) == ("Kept", "Bo", None, None)


def test_an_unknown_shape_keeps_what_it_has_and_nothing_is_none():
    note = Note.from_api(
        {
            "uuid": "ab-12",
            "remark": "Call the supplier",
            "priority": 2,
            "flag": True,
            "tags": ["x"],
            "created_at": "not a date",
            "id": "n/a",
        }
    )
    assert (note.id, note.text, note.author, note.created_at) == (None, "", "", None)
    assert note.other == (("uuid", "ab-12"), ("remark", "Call the supplier"), ("priority", "2"))

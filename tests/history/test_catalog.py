"""The catalogue is the one place for what supervisors see (issue 15, point 3): capabilities are
flags on the section, a code reads the same in the filter, the table and the export, and one cell
model gives the HTML and the export cells."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from voiphistory.history import cells
from voiphistory.history.catalog import SECTIONS, section
from voiphistory.history.filters import TableQuery
from voiphistory.history.labels import DISPOSITIONS, code_label
from voiphistory.jobs import csvfile
from voiphistory.voipstudio import Cdr, Raw, VoiceMessage

ROOT = Path(__file__).resolve().parents[2]
SLUG_CHECK = re.compile(r"""slug\s*(==|!=|not in|in)\s*(\(|\{|\[|["'])|\.slug\s*(==|!=)\s*["']""")


def test_disposition_words_are_one_map_and_say_which_not_answered():
    assert DISPOSITIONS == {
        "CONNECTED": "Answered",
        "RINGING": "Rang, not answered",
        "INITIAL": "Not connected",
        "VM": "Voicemail",
        "ON_HOLD": "On hold",
    }


@pytest.mark.parametrize(("field", "kind"), [("disposition", "disposition"), ("call_type", "type")])
def test_a_calls_filter_offers_each_code_in_the_words_of_its_cell(field, kind):
    choices = [
        (code, words)
        for code, words in TableQuery(section("calls"), {}, users={}).fields[field].choices
        if code
    ]
    assert choices and len({words for _, words in choices}) == len(choices)  # no two codes read alike
    for code, words in choices:
        assert code_label(kind, code) == words
        leg = Cdr(
            id=1,
            calldate=datetime(2026, 11, 30, 9, tzinfo=UTC),
            type=code if kind == "type" else "I",
            disposition=code if kind == "disposition" else "CONNECTED",
        )
        column = next(c for c in section("calls").columns if c.code_kind == kind)
        assert f">{words}</span></td>" in cells.html(cells.cell(leg, column, {}))
        assert words in csvfile.row(leg, [column], {}, UTC)


def test_the_voicemail_status_filter_and_column_say_new_and_heard_alike():
    choices = dict(TableQuery(section("voicemail"), {}, users={}).fields["is_new"].choices)
    column = next(c for c in section("voicemail").columns if c.kind == "bool")
    for is_new, key in ((True, "new"), (False, "heard")):
        message = VoiceMessage(
            id=1, origtime=datetime(2026, 11, 30, 9, tzinfo=UTC), folder="INBOX", is_new=is_new
        )
        assert cells.cell(message, column, {}).text == choices[key]
        assert choices[key] in csvfile.row(message, [column], {}, UTC)


def test_the_table_and_the_export_show_one_cell_model():
    leg = Cdr(
        id=7,
        calldate=datetime(2026, 11, 30, 9, 5, tzinfo=UTC),
        type="I",
        disposition="RINGING",
        src="441211794264",
        src_name='"Jane Doe" <441211794264>',
        dst="101",
        user_id=3,
        duration=75,
    )
    columns = section("calls").columns
    html = cells.row_html(leg, columns, {3: "Ann Lee"})
    row = dict(zip(csvfile.header(columns), csvfile.row(leg, columns, {3: "Ann Lee"}, UTC), strict=True))
    assert "Jane Doe" in html and row["From"] == "Jane Doe" and row["From number"] == "+441211794264"
    assert "Ann Lee" in html and row["User"] == "Ann Lee"
    assert "Rang, not answered" in html and row["Outcome"] == "Rang, not answered"
    assert '<td class="num">0:01:15</td>' in html and row["Duration"] == "0:01:15"
    assert row["When (UTC)"] == "2026-11-30 09:05:00"


def test_a_raw_party_still_fills_both_of_its_export_cells():
    leg = Cdr(id=1, calldate=datetime(2026, 11, 30, 9, tzinfo=UTC), src_name=Raw("['a']"), src="441211794264")
    columns = section("calls").columns
    assert len(csvfile.row(leg, columns, {}, UTC)) == len(csvfile.header(columns))
    assert 'class="raw"' in cells.row_html(leg, columns, {})


def test_sections_say_what_they_offer_as_flags():
    offered = {s.slug: s for s in SECTIONS}
    assert [s.slug for s in SECTIONS if s.has_folders] == ["voicemail"]
    assert (
        [s.slug for s in SECTIONS if s.editable_ai]
        == [s.slug for s in SECTIONS if s.archivable]
        == ["recordings"]
    )
    assert {s.slug for s in SECTIONS if s.legs} == {"calls", "call-tracking"}
    assert offered["calls"].editable_info and not offered["call-tracking"].editable_info
    assert {s.slug: s.detail_view for s in SECTIONS if s.detail_view} == {
        "calls": "history:call_detail",
        "call-tracking": "history:call_detail",
        "chats": "history:chat_detail",
        "media-sessions": "history:msdr_detail",
    }


def test_no_view_form_or_template_decides_by_a_sections_slug():
    found = []
    for path in [*(ROOT / "voiphistory").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]:
        if "emulator" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if SLUG_CHECK.search(line) and not re.search(r"for slug in|item.slug == section.slug", line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []

"""One bad value never breaks a page; codes mean what the operator configured (issue 12, 2 and 3).

The reference-profile emulator files voicemail 0-based with an extra folder 5 "Urgent" and codes
sentiment -1/0/1. With the settings left at the Asterisk/default coding, the codes nobody configured
show as sent and every page still renders; with VOIPSTUDIO_VOICEMAIL_FOLDERS/VOIPSTUDIO_SENTIMENTS
set to that coding, they read right.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest
import requests
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from voiphistory.envconf import env_codes
from voiphistory.history.catalog import section
from voiphistory.history.labels import code_label, dictionaries_used
from voiphistory.history.templatetags.history_format import table_cell
from voiphistory.history.user_names import UserNames
from voiphistory.jobs import csvfile
from voiphistory.overview.stats import OverviewBuilder, period_of
from voiphistory.voipstudio import Cdr, Monitor, Raw, Sentiment, _parse

HTMX = {"HTTP_HX_REQUEST": "true"}
RAW_CELL = '<td class="raw" title="As VoIPstudio sent it">{}</td>'
REFERENCE_FOLDERS = {"INBOX": 0, "Old": 1, "Work": 2, "Family": 3, "Friends": 4, "Urgent": 5}
REFERENCE_SENTIMENTS = {"negative": -1, "neutral": 0, "positive": 1}


@pytest.fixture(autouse=True)
def _nothing_remembered():
    """Refusals and labels are cached, unknown values logged once per process: start from neither."""
    cache.clear()
    _parse._reported.clear()
    yield
    cache.clear()


def _where(**conditions) -> str:
    return json.dumps([{"property": k, "operator": "eq", "value": v} for k, v in conditions.items()])


def test_unconfigured_folders_show_raw_and_the_voicemail_page_renders(
    reference_supervisor, reference_emulator, caplog
):
    inbox = reference_emulator.get("/voicemessages", limit=5, filter=_where(folder=0)).json()["data"]
    assert inbox, "the reference dialect files new voicemail in folder 0"
    with caplog.at_level(logging.WARNING, logger="voiphistory.voipstudio"):
        for headers in ({}, HTMX):
            response = reference_supervisor.get(
                "/voicemail/", {"preset": "custom", "start": "2000-01-01"}, **headers
            )
            html = response.content.decode()
            assert response.status_code == 200 and "malformed" not in html
            assert RAW_CELL.format(0) in html and html.count("<tr") > 5
        audio = reference_supervisor.get(f"/voicemail/{inbox[0]['id']}/audio.mp3")  # and such a message plays
        assert audio.status_code in (200, 206) and audio["Content-Type"].startswith("audio/")
    logged = [r.getMessage() for r in caplog.records if "VoiceMessage.folder = 0" in r.getMessage()]
    assert len(logged) == 1  # once, not once per row or per page


def test_configured_folders_label_every_message_and_filter_on_the_extra_folder(
    reference_supervisor, reference_emulator, settings
):
    settings.VOIPSTUDIO_VOICEMAIL_FOLDERS = REFERENCE_FOLDERS
    urgent = reference_emulator.get("/voicemessages", limit=100, filter=_where(folder=5)).json()
    assert urgent["total"], "the reference dialect has Urgent messages"
    page = reference_supervisor.get(
        "/voicemail/", {"preset": "custom", "start": "2000-01-01"}
    ).content.decode()
    assert 'class="raw"' not in page and '<option value="5">Urgent</option>' in page
    fragment = reference_supervisor.get(
        "/voicemail/", {"preset": "custom", "start": "2000-01-01", "folder": "5"}, **HTMX
    )
    html = fragment.content.decode()
    assert fragment.status_code == 200 and f"of {urgent['total']} voicemail" in html
    assert html.count("<td>Urgent</td>") == min(urgent["total"], 25)


def test_sentiment_codes_raw_until_configured(reference_supervisor, reference_emulator, settings):
    negative = reference_emulator.get("/monitors", limit=1, filter=_where(sentiment=-1)).json()["data"][0]
    query = {"preset": "custom", "start": "2000-01-01", "q": ""}
    row = reference_supervisor.get(f"/recordings/{negative['id']}/row/", **HTMX)
    assert row.status_code == 200 and RAW_CELL.format(-1) in row.content.decode()
    settings.VOIPSTUDIO_SENTIMENTS = REFERENCE_SENTIMENTS
    row = reference_supervisor.get(f"/recordings/{negative['id']}/row/", **HTMX).content.decode()
    assert '<span class="badge negative">Negative</span>' in row and 'class="raw"' not in row
    filtered = reference_supervisor.get("/recordings/", {**query, "sentiment": "-1"}, **HTMX).content.decode()
    assert "Negative" in filtered and "Positive</span>" not in filtered


def test_chat_states_as_words_are_shown_in_words(reference_supervisor):
    html = reference_supervisor.get("/chats/", {"preset": "custom", "start": "2000-01-01"}).content.decode()
    assert "<td>Closed</td>" in html or "<td>Missed</td>" in html


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("INBOX=0,Old=1,Urgent=5", {"INBOX": 0, "Old": 1, "Urgent": 5}),
        ("Waiting=queued, Active=active", {"Waiting": "queued", "Active": "active"}),
    ],
)
def test_env_codes_reads_name_code_lists(monkeypatch, raw, expected):
    monkeypatch.setenv("CODES", raw)
    assert env_codes("CODES", "x=1") == expected


@pytest.mark.parametrize("raw", ["INBOX", "INBOX=1,Old=1", "INBOX=1,INBOX=2", "", "negative=0,neutral=1"])
def test_env_codes_refuses_what_would_be_ambiguous(monkeypatch, raw):
    monkeypatch.setenv("CODES", raw)
    with pytest.raises(ImproperlyConfigured):
        env_codes(
            "CODES",
            "x=1",
            names=frozenset({"negative", "neutral", "positive"}) if "negative" in raw else None,
        )


def test_the_overview_counts_what_it_can_read_and_skips_raw_scores_and_sentiments():
    now = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
    builder = OverviewBuilder(period_of("today", zone="UTC", now=now), now=now)
    builder.add_monitor(Monitor(id=1, timestamp=now.replace(hour=9), cx_score=Raw("n/a"), sentiment=Raw(-1)))
    builder.add_monitor(
        Monitor(id=2, timestamp=now.replace(hour=9), cx_score=50, sentiment=Sentiment.NEUTRAL)
    )
    overview = builder.finish(user_names=UserNames(unavailable="no /users"), new_voicemail=0, seconds=0.0)
    assert overview.recordings == 2
    assert (
        sum(map(sum, overview.sentiments)) == 1 and sum(overview.cx_sum) == 50 and sum(overview.cx_count) == 1
    )


def test_exports_write_raw_values_as_neutralised_text_and_unnamed_users_by_id():
    calls = section("calls")
    cdr = Cdr(
        id=1, calldate=datetime(2026, 3, 3, 9, 0, tzinfo=UTC), type="O", user_id=77, duration=Raw("=1+1")
    )
    row = csvfile.row(cdr, calls.columns, UserNames(), UTC)
    assert "User 77" in row and "'=1+1" in row and "=1+1" not in row


def test_codes_the_reference_does_not_list_take_the_servers_own_label():
    assert code_label("type", 0) == "0" and code_label("t_cause", "NC") == "NC"
    with dictionaries_used(
        {"type": {0: "Outbound (code 0)", "O": "Outgoing"}, "t_cause": {"NC": "Normal clearing"}}
    ):
        assert (
            code_label("type", 0) == "Outbound (code 0)" and code_label("t_cause", "NC") == "Normal clearing"
        )
        assert code_label("type", "O") == "Outbound"  # the reference lists O/I/M: the dashboard's words stay
    assert code_label("type", 0) == "0"  # only while that page renders


def test_call_code_labels_are_asked_once_per_customer(supervisor, emulator):
    emulator.add_fault(path="^/cdrs/dictionaries$", method="GET", remaining=1000)  # counts; answers as usual
    for _ in range(2):
        assert supervisor.get("/calls/", **HTMX).status_code == 200
    remaining = requests.get(f"{emulator.root_url}/_emulator/faults", timeout=10).json()["data"][0][
        "remaining"
    ]
    assert 1000 - remaining == 1


def test_records_with_raw_values_stay_hashable_and_render_in_tables_and_exports():
    cdr = Cdr.from_api(
        {
            "id": 1,
            "calldate": "2026-11-30 09:00:00",
            "src_name": ["a", "list"],
            "src": {"an": "object"},
            "billsec": "n/a",
        }
    )
    hash(cdr)
    calls = section("calls")
    cells = "".join(table_cell(cdr, column, {}) for column in calls.columns)
    assert RAW_CELL.format("[&#x27;a&#x27;, &#x27;list&#x27;]") in cells and RAW_CELL.format("n/a") in cells
    assert "n/a" in csvfile.row(cdr, calls.columns, {}, UTC)

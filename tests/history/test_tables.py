"""The tables, as full pages and as HTMX fragments, against the live emulator."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.recording_form import opened_form
from voiphistory.history import selectors
from voiphistory.history.catalog import SECTIONS

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "table"}


def rows_of(html: str) -> list[str]:
    return re.findall(r'<tr id="row-(\d+)"|<tbody id="(?:recording|voicemail)-(\d+)"', html)


def api_total(emulator, path: str, *conditions) -> int:
    flt = json.dumps([{"property": p, "operator": o, "value": v} for p, o, v in conditions])
    return emulator.get(path, limit=1, filter=flt).json()["total"]


@pytest.mark.parametrize("slug", [section.slug for section in SECTIONS])
def test_every_table_renders_as_a_page_and_as_a_fragment(supervisor, slug):
    page = supervisor.get(f"/{slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<html" in html and 'id="filters"' in html and 'id="table"' in html
    assert "<caption>1–25 of" in html
    fragment = supervisor.get(f"/{slug}/", **HTMX)
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert "<html" not in body and body.lstrip().startswith('<div id="table"')
    assert "HX-Request" in fragment["Vary"]


def test_yesterdays_missed_calls_from_one_number(supervisor, dashboard):
    missed = dashboard.get(
        "/cdrs", limit=50, filter='[{"property":"type","operator":"eq","value":"M"}]'
    ).json()["data"]
    number = missed[0]["src"]
    # Every leg (the legs toggle), as the API filters them; one row per call: tests/history/test_call_rows.py
    response = supervisor.get(
        "/calls/", {"call_type": "M", "from_number": f"+{number[:2]} {number[2:]}", "legs": "1"}, **HTMX
    )
    html = response.content.decode()
    expected = api_total(dashboard, "/cdrs", ("type", "eq", "M"), ("src", "like", number))
    assert f"of {expected} call legs" in html
    assert "Missed" in html and "Inbound" not in html.split("<tbody>", 1)[1]


def test_date_presets_use_the_supervisors_time_zone(supervisor, dashboard):
    session = supervisor.session
    session["time_zone"] = "America/New_York"
    session.save()
    html = supervisor.get("/calls/", {"preset": "yesterday", "legs": "1"}, **HTMX).content.decode()
    zone = ZoneInfo("America/New_York")
    today = datetime.now(zone).date()
    start = datetime.combine(today - timedelta(days=1), datetime.min.time(), zone).astimezone(UTC)
    end = start + timedelta(days=1)
    fmt = "%Y-%m-%d %H:%M:%S"
    expected = api_total(
        dashboard, "/cdrs", ("calldate", "gte", start.strftime(fmt)), ("calldate", "lt", end.strftime(fmt))
    )
    assert expected > 0 and f"of {expected} call legs" in html
    first_time = re.search(r'<time datetime="([^"]+)"', html).group(1)
    assert first_time.endswith("-05:00") or first_time.endswith("-04:00")  # shown in New York time


@pytest.mark.parametrize(("sort", "descending"), [("duration", False), ("-duration", True)])
def test_sorting_by_a_header(supervisor, sort, descending):
    html = supervisor.get("/calls/", {"sort": sort, "size": 50, "legs": "1"}, **HTMX).content.decode()
    durations = [
        int(h) * 3600 + int(m) * 60 + int(s)
        for h, m, s in re.findall(r'<td class="num">(\d+):(\d\d):(\d\d)</td>\s*<td class="num">', html)
    ]
    assert len(durations) == 50 and durations == sorted(durations, reverse=descending)
    assert 'aria-sort="' + ("descending" if descending else "ascending") + '"' in html


def test_paging_and_page_size(supervisor, dashboard):
    first = supervisor.get("/chats/", {"size": 50}, **HTMX).content.decode()
    second = supervisor.get("/chats/", {"size": 50, "page": 2}, **HTMX).content.decode()
    total = dashboard.get("/chats", limit=1).json()["total"]
    assert f"1–50 of {total}" in first and f"51–100 of {total}" in second
    assert set(re.findall(r"/chats/(\d+)/", first)).isdisjoint(re.findall(r"/chats/(\d+)/", second))
    assert 'rel="next"' in first


@pytest.mark.parametrize(
    "params",
    [
        {"from_number": "call me"},
        {"min_duration": "-5"},
        {"min_cx": "500"},
        {"sort": "password"},
        {"preset": "custom", "start": "2026-02-10", "end": "2026-01-01"},
        {"page": "0"},
        {"size": "1000000"},
    ],
)
def test_bad_filters_get_a_clear_message_and_nothing_is_looked_up(supervisor, monkeypatch, params):
    slug = "recordings" if "min_cx" in params else "calls"
    monkeypatch.setattr(
        selectors, "table_page", lambda **_: pytest.fail("the API was asked despite bad input")
    )
    response = supervisor.get(f"/{slug}/", params, **HTMX)
    assert response.status_code == 200
    assert "Some filters need fixing" in response.content.decode()


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 503, "retry_after": 0},
        {"status": 500},
        {"status": 429, "retry_after": 30},
        {"malformed": True},
        {"latency_ms": 1500},
    ],
)
def test_upstream_trouble_shows_a_message_with_retry_never_a_500(supervisor, dashboard, settings, fault):
    settings.VOIPSTUDIO_READ_TIMEOUT = 0.7
    supervisor.get("/calls/")  # the user directory is cached now; the fault hits the table's request
    dashboard.add_fault(path="^/cdrs$", **fault)
    for response in (supervisor.get("/calls/", **HTMX), supervisor.get("/calls/")):
        assert response.status_code == 200
        html = response.content.decode()
        assert "VoIPstudio could not answer" in html and "Try again" in html
        assert "<caption>" not in html


def test_sign_in_is_required_and_htmx_gets_a_client_redirect(client, db):
    assert client.get("/calls/").status_code == 302
    response = client.get("/calls/", **HTMX)
    assert response.status_code == 200 and response["HX-Redirect"].startswith("/sign-in/")


def test_agent_sees_no_write_controls(agent):
    for slug in ("recordings", "voicemail", "calls"):
        html = agent.get(f"/{slug}/").content.decode()
        assert "Delete" not in html and ">Edit<" not in html and "Move selected" not in html
    assert "read-only" in html


def test_agent_crafted_delete_is_refused_by_the_dashboard(agent, dashboard):
    monitor = dashboard.get("/monitors", limit=1).json()["data"][0]
    response = agent.post(f"/recordings/{monitor['id']}/delete/", {"next": "/recordings/"}, **HTMX)
    assert response.status_code == 403  # before VoIPstudio is asked (tests/security/test_agents_refused.py)
    assert "read-only" in response.content.decode() and "<html" not in response.content.decode()
    assert dashboard.get(f"/monitors/{monitor['id']}").status_code == 200


@pytest.mark.default_profile  # deletes a call by id: DELETE /cdrs/{ids} is not in the History reference
def test_delete_with_confirmation(fresh_supervisor, fresh_emulator):
    monitor = fresh_emulator.get("/monitors", limit=1).json()["data"][0]
    confirm = fresh_supervisor.get(f"/recordings/{monitor['id']}/delete/", **HTMX).content.decode()
    assert "Delete this recording?" in confirm
    assert fresh_emulator.get(f"/monitors/{monitor['id']}").status_code == 200  # asking deletes nothing
    done = fresh_supervisor.post(f"/recordings/{monitor['id']}/delete/", {"next": "/recordings/"}, **HTMX)
    assert "was deleted" in done.content.decode()
    assert fresh_emulator.get(f"/monitors/{monitor['id']}").status_code == 404
    cdr = fresh_emulator.get("/cdrs", limit=1).json()["data"][0]
    page = fresh_supervisor.post(f"/calls/{cdr['id']}/delete/", {"next": "/calls/?type=M"})
    assert page.status_code == 302 and page["Location"] == "/calls/?type=M"
    assert fresh_emulator.get(f"/cdrs/{cdr['id']}").status_code == 404


@pytest.mark.default_profile  # deletes a call by id: DELETE /cdrs/{ids} is not in the History reference
@pytest.mark.parametrize("next_url", ["//evil.example/", "https://evil.example/", "javascript:alert(1)"])
def test_delete_never_redirects_off_site(fresh_supervisor, fresh_emulator, next_url):
    cdr = fresh_emulator.get("/cdrs", limit=1).json()["data"][0]
    page = fresh_supervisor.post(f"/calls/{cdr['id']}/delete/", {"next": next_url})
    assert page.status_code == 302 and page["Location"] == "/calls/"


def test_editing_a_recording_saves_and_rerenders_the_row(fresh_supervisor, fresh_emulator):
    monitor = fresh_emulator.get("/monitors", limit=1).json()["data"][0]
    form = fresh_supervisor.get(f"/recordings/{monitor['id']}/edit/", **HTMX).content.decode()
    assert 'name="summary"' in form and "<html" not in form
    data = opened_form(
        fresh_supervisor,
        monitor["id"],
        summary="Refund of £20 agreed.",
        transcript="Agent: Hello",
        transcript_speakers="",
        sentiment="2",
        cx_score="88",
    )
    saved = fresh_supervisor.post(f"/recordings/{monitor['id']}/edit/", data, **HTMX).content.decode()
    assert "Refund of £20 agreed." in saved and 'name="summary"' not in saved and "Positive" in saved
    upstream = fresh_emulator.get(f"/monitors/{monitor['id']}").json()["data"]
    positive = fresh_emulator.code("sentiment", "positive")
    assert (upstream["summary"], upstream["sentiment"], upstream["cx_score"]) == (
        "Refund of £20 agreed.",
        positive,
        88,
    )


def test_invalid_recording_edit_shows_errors_next_to_fields_and_saves_nothing(
    fresh_supervisor, fresh_emulator
):
    monitor = fresh_emulator.get("/monitors", limit=1).json()["data"][0]
    data = opened_form(fresh_supervisor, monitor["id"], summary="changed", cx_score="150")
    html = fresh_supervisor.post(f"/recordings/{monitor['id']}/edit/", data, **HTMX).content.decode()
    assert 'id="cx_score-errors"' in html and "less than or equal to 100" in html
    assert fresh_emulator.get(f"/monitors/{monitor['id']}").json()["data"]["summary"] == monitor["summary"]


def test_speakers_transcript_is_edited_one_segment_per_line_and_must_stay_json(
    fresh_supervisor, fresh_emulator
):
    analysed = (
        '[{"property": "cx_score", "operator": "gte", "value": 0}]'  # the newest may not be transcribed yet
    )
    monitor = fresh_emulator.get("/monitors", limit=1, sort="timestamp", dir="DESC", filter=analysed).json()[
        "data"
    ][0]
    segments = json.loads(monitor["transcript_speakers"])
    form = fresh_supervisor.get(f"/recordings/{monitor['id']}/edit/", **HTMX).content.decode()
    assert html.escape(json.dumps(segments[0], ensure_ascii=False) + ",\n", quote=True) in form
    data = opened_form(fresh_supervisor, monitor["id"])
    broken = fresh_supervisor.post(
        f"/recordings/{monitor['id']}/edit/",
        {**data, "transcript_speakers": '[{"speaker": "agent", "text": "Hi}]'},
        **HTMX,
    )
    assert (
        'id="transcript_speakers-errors"' in broken.content.decode()
        and "no longer valid JSON" in broken.content.decode()
    )
    assert fresh_emulator.get(f"/monitors/{monitor['id']}").json()["data"] == monitor
    segments[0]["text"] = "Hello, Northwind support."
    edited = "[\n" + ",\n".join(json.dumps(s) for s in segments) + "\n]"
    fresh_supervisor.post(
        f"/recordings/{monitor['id']}/edit/", {**data, "transcript_speakers": edited}, **HTMX
    )
    saved = fresh_emulator.get(f"/monitors/{monitor['id']}").json()["data"]["transcript_speakers"]
    assert saved == json.dumps(segments, ensure_ascii=False)


def test_moving_voicemail_between_folders(fresh_supervisor, fresh_emulator):
    at_inbox = json.dumps(
        [{"property": "folder", "operator": "eq", "value": fresh_emulator.code("folder", "INBOX")}]
    )
    inbox = fresh_emulator.get("/voicemessages", limit=3, filter=at_inbox).json()["data"]
    ids = [m["id"] for m in inbox]
    response = fresh_supervisor.post(
        "/voicemail/move/", {"ids": ids, "folder": "Work", "next": "/voicemail/?folder=1"}, **HTMX
    )
    assert json.loads(response["HX-Location"])["path"] == "/voicemail/?folder=1"
    assert {fresh_emulator.get(f"/voicemessages/{i}").json()["data"]["folder"] for i in ids} == {
        fresh_emulator.code("folder", "Work")
    }
    table = fresh_supervisor.get("/voicemail/", {"folder": 1}, **HTMX).content.decode()
    assert "Moved 3 voicemails to Work." in table
    nothing = fresh_supervisor.post("/voicemail/move/", {"folder": "Work", "next": "/voicemail/"})
    assert nothing.status_code == 302
    assert "Select at least one voicemail." in fresh_supervisor.get("/voicemail/").content.decode()


def test_api_text_is_escaped(fresh_supervisor, fresh_emulator):
    monitor = fresh_emulator.get("/monitors", limit=1, sort="timestamp", dir="DESC").json()["data"][0]
    fresh_emulator_token = {"X-Auth-Token": fresh_emulator.token()}
    import requests

    requests.patch(
        f"{fresh_emulator.api_url}/monitors/{monitor['id']}",
        json={"summary": "<script>alert(1)</script>"},
        headers=fresh_emulator_token,
        timeout=10,
    ).raise_for_status()
    html = fresh_supervisor.get("/recordings/", {"sort": "-when"}).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html

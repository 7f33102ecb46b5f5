"""Hostile input: whatever a query string or a form carries, no view answers 500; ids that are not
plain positive integers never reach VoIPstudio; filter values reach it only as JSON values."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from voiphistory.history.catalog import SECTIONS
from voiphistory.history.filters import TableQuery

HTMX = {"HTTP_HX_REQUEST": "true"}
HOSTILE_IDS = [
    "1,2;x",
    "-1",
    "0",
    "99999999999999999999",
    "9223372036854775808",
    "1e3",
    "0x10",
    "1.0",
    " 1",
    "１",
    "1/../2",
    "1%00",
    "1%2C2",
]
PROFILE = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text that has broken parsers before: markup, quotes, JSON and SQL fragments, traversal, controls,
# huge numbers, odd Unicode; mixed with whatever hypothesis makes up.
NASTY = [
    "",
    " ",
    "'",
    '"',
    "\\",
    "%",
    "_",
    "*",
    "<script>alert(1)</script>",
    '"},{"property":"id","operator":"gt","value":0}',
    "' OR 1=1 --",
    "../../etc/passwd",
    "\x00",
    "\r\nX-Injected: 1",
    "99999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "２０２６-01-01",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "🙂" * 50,
    "a" * 5000,
    "null",
    "[]",
    "{}",
    "-when",
    "--when",
    "__class__",
]
text = st.one_of(st.sampled_from(NASTY), st.text(max_size=60))


def _params(fields: list[str]):
    return st.dictionaries(st.sampled_from(fields), text, max_size=len(fields))


def _no_500(response) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:500])


ALL_TABLE_FIELDS = sorted(set(TableQuery.base_fields) | {"part", "next", "download", "confirm"})


@pytest.mark.parametrize("section", [s.slug for s in SECTIONS])
def test_any_table_query_is_answered_without_a_500(supervisor, section):
    @PROFILE
    @given(params=_params(ALL_TABLE_FIELDS), fragment=st.booleans())
    def check(params, fragment):
        _no_500(supervisor.get(f"/{section}/", params, **(HTMX if fragment else {})))

    check()


def test_any_query_on_detail_pages_audio_and_audit_is_answered_without_a_500(supervisor, dashboard):
    monitor = dashboard.get("/monitors", limit=1).json()["data"][0]
    cdr = dashboard.get("/cdrs", limit=1).json()["data"][0]
    chat = dashboard.get("/chats", limit=1).json()["data"][0]
    paths = [
        f"/calls/{cdr['id']}/",
        f"/chats/{chat['id']}/",
        f"/recordings/{monitor['id']}/row/",
        f"/recordings/{monitor['id']}/audio.mp3",
        f"/recordings/{monitor['id']}/edit/",
        f"/recordings/{monitor['id']}/delete/",
        "/audit/",
        "/audit/export.csv",
        "/jobs/",
        "/settings/",
    ]
    fields = ["part", "download", "next", "user", "action", "start", "end", "page", "q", "size"]

    @PROFILE
    @given(
        path=st.sampled_from(paths),
        params=_params(fields),
        fragment=st.booleans(),
        range_header=st.one_of(
            st.none(),
            text,
            st.sampled_from(
                [
                    "bytes=0-",
                    "bytes=-0",
                    "bytes=99999999999999999999-",
                    "bytes=5-1",
                    "bytes=0-1,2-3",
                    "bytes=--1",
                ]
            ),
        ),
    )
    def check(path, params, fragment, range_header):
        headers = {
            **(HTMX if fragment else {}),
            **({"HTTP_RANGE": range_header} if range_header is not None else {}),
        }
        response = supervisor.get(path, params, **headers)
        _no_500(response)
        if response.streaming:
            b"".join(response.streaming_content)

    check()


def test_any_form_post_is_answered_without_a_500_and_changes_nothing(agent, dashboard):
    """Posted by the read-only agent, so whatever passes validation is refused upstream (403) and
    the shared emulator's data stays as it is."""
    monitor = dashboard.get("/monitors", limit=1).json()["data"][0]
    chat = dashboard.get("/chats", limit=1).json()["data"][0]
    forms = {
        f"/recordings/{monitor['id']}/edit/": [
            "summary",
            "transcript",
            "transcript_speakers",
            "sentiment",
            "cx_score",
            "next",
        ],
        "/voicemail/move/": ["ids", "folder", "next"],
        f"/chats/{chat['id']}/messages/delete/": ["message", "confirm"],
        f"/recordings/{monitor['id']}/delete/": ["next"],
        "/settings/": ["time_zone"],
    }

    @PROFILE
    @given(path=st.sampled_from(sorted(forms)), data=st.data(), fragment=st.booleans())
    def check(path, data, fragment):
        fields = forms[path]
        body = data.draw(
            st.dictionaries(st.sampled_from(fields), st.one_of(text, st.lists(text, max_size=3)))
        )
        _no_500(agent.post(path, body, **(HTMX if fragment else {})))

    check()
    assert dashboard.get(f"/monitors/{monitor['id']}").json()["data"] == monitor


def test_any_sign_in_form_is_answered_without_a_500(client, dashboard, db, settings):
    settings.SIGN_IN_MAX_FAILURES_PER_IP = 10_000

    @settings_for_sign_in
    @given(
        body=_params(["email", "password", "next", "code"]),
        path=st.sampled_from(["/sign-in/", "/sign-in/code/"]),
    )
    def check(body, path):
        _no_500(client.post(path, body))
        _no_500(client.get(path, body))

    check()


settings_for_sign_in = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


# -- hostile ids never reach VoIPstudio ------------------------------------------------------------


@pytest.mark.parametrize("bad", HOSTILE_IDS)
def test_hostile_ids_in_a_path_are_refused_before_any_request(supervisor, upstream_log, bad):
    paths = [
        f"/calls/{bad}/",
        f"/calls/{bad}/capture.pcap",
        f"/chats/{bad}/",
        f"/recordings/{bad}/audio.mp3",
        f"/voicemail/{bad}/audio.mp3",
        f"/recordings/{bad}/edit/",
        f"/recordings/{bad}/row/",
        f"/calls/{bad}/delete/",
        f"/recordings/{bad}/delete/",
        f"/jobs/{bad}/",
    ]
    for path in paths:
        for response in (supervisor.get(path), supervisor.post(path, {"confirm": "yes"})):
            _no_500(response)
    assert [sent for sent in upstream_log if "/me" not in sent.url and "/users" not in sent.url] == []


@pytest.mark.parametrize("bad", HOSTILE_IDS)
def test_hostile_ids_in_a_form_are_refused_before_any_request(supervisor, dashboard, upstream_log, bad):
    chat = dashboard.get("/chats", limit=1).json()["data"][0]
    upstream_log.clear()
    moved = supervisor.post(
        "/voicemail/move/", {"ids": [bad], "folder": "Work", "next": "/voicemail/"}, follow=True
    )
    _no_500(moved)
    writes = [sent for sent in upstream_log if sent.method != "GET"]
    assert writes == [] and "/voicemessages/" not in " ".join(sent.url for sent in upstream_log)
    upstream_log.clear()
    deleted = supervisor.post(
        f"/chats/{chat['id']}/messages/delete/", {"message": [bad], "confirm": "yes"}, **HTMX
    )
    assert "Select at least one message" in deleted.content.decode()
    assert [sent for sent in upstream_log if sent.method != "GET"] == []
    assert all("/chatmsgs/" not in sent.url for sent in upstream_log)


# -- filter values travel only as JSON values --------------------------------------------------------


def _filters_sent(upstream_log, path: str) -> list[dict]:
    [sent] = [s for s in upstream_log if urlsplit(s.url).path.endswith(path)]
    assert urlsplit(sent.url).path.endswith(f"/voipstudio{path}"), sent.url  # nothing spliced into the path
    return json.loads(parse_qs(urlsplit(sent.url).query)["filter"][0])


@pytest.mark.parametrize(
    "q",
    [
        '"},{"property":"id","operator":"gt","value":0}',
        "' OR 1=1 --",
        "../../cdrs/1",
        "%25%00",
        "a&filter=[]&sort=id",
        "?x=1#frag",
        "\\u0022",
        "]",
    ],
)
def test_a_search_reaches_the_api_only_as_one_json_value(supervisor, upstream_log, q):
    supervisor.get("/calls/")  # the user directory is cached from here on
    upstream_log.clear()
    # Every leg: the API filters them (one row per call filters whole calls here, never upstream)
    response = supervisor.get(
        "/calls/", {"q": q, "from_number": "+44 20 7946-0000", "sort": "duration", "legs": "1"}, **HTMX
    )
    assert response.status_code == 200
    filters = _filters_sent(upstream_log, "/cdrs")
    assert sorted(filters, key=str) == [
        {"property": "clid", "operator": "like", "value": q},
        {"property": "src", "operator": "like", "value": "442079460000"},
    ]
    [sent] = [s for s in upstream_log if urlsplit(s.url).path.endswith("/cdrs")]
    query = parse_qs(urlsplit(sent.url).query)
    assert set(query) == {"filter", "sort", "dir", "page", "limit"} and query["sort"] == ["duration"]


def test_typed_filters_reach_the_api_as_typed_json_values(supervisor, dashboard, upstream_log):
    positive = dashboard.code("sentiment", "positive")  # the profile's number, as the filter offers it
    supervisor.get("/recordings/")
    upstream_log.clear()
    supervisor.get(
        "/recordings/",
        {"min_cx": "10", "max_cx": "90", "sentiment": str(positive), "min_duration": "5"},
        **HTMX,
    )
    filters = _filters_sent(upstream_log, "/monitors")
    assert {"property": "cx_score", "operator": "gte", "value": 10} in filters
    assert {"property": "sentiment", "operator": "eq", "value": positive} in filters
    assert {"property": "duration", "operator": "gte", "value": 5} in filters
    assert all(set(f) == {"property", "operator", "value"} for f in filters)


@pytest.mark.parametrize(
    "sort", ["id;DROP", "password", "duration,calldate", "-", "--duration", "duration DESC"]
)
def test_a_crafted_sort_never_reaches_the_api(supervisor, upstream_log, sort):
    supervisor.get("/calls/")
    upstream_log.clear()
    html = supervisor.get("/calls/", {"sort": sort}, **HTMX).content.decode()
    assert "Some filters need fixing" in html
    assert all("/cdrs?" not in sent.url for sent in upstream_log)

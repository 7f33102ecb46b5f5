"""Output safety: script payloads in every text field VoIPstudio returns render inert in every page,
fragment, download name and export; the VoIPstudio token never appears in a response, a log line or
an error report."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.views.debug import ExceptionReporter

from tests.conftest import SUPERVISOR, sign_in_as
from tests.ops.test_csp_and_request_log import assert_strict_csp
from voiphistory.accounts import upstream
from voiphistory.history.catalog import SECTIONS

HTMX = {"HTTP_HX_REQUEST": "true"}
PAYLOADS = [
    "<script>alert('xss-1')</script>",
    '"><img src=x onerror=alert("xss-2")>',
    "javascript:alert('xss-3')",
    "'><svg/onload=alert(`xss-4`)>",
    "</textarea><script>alert('xss-5')</script>",
    "{{ request.session }}{% debug %}",
    '=HYPERLINK("http://evil.example","xss-7")',
]
# Free-text columns of the emulator's tables: names, caller ids, user agents (they reach the SIP
# trace too), notes, transcripts, summaries, chat text.
TEXT_COLUMNS = {
    "emulator_cdr": ["clid", "src_name", "dst_name", "src_ua", "dst_ua", "info"],
    "emulator_note": ["user_name", "note"],
    "emulator_monitor": ["src_name", "dst_name", "summary", "transcript"],
    "emulator_voicemessage": ["callerid", "transcript"],
    "emulator_chat": [
        "visitor_name",
        "visitor_email",
        "visitor_city",
        "visitor_country",
        "visitor_referer",
        "visitor_ua",
        "operator_ua",
    ],
    "emulator_chatmsg": ["sender_name", "message"],
    "emulator_conversation": ["src_name", "dst_name"],
    "emulator_sms": ["from_name", "to_name", "message"],
    "emulator_msdr": ["src_ua", "dst_ua"],
    "emulator_user": ["first_name", "last_name"],
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "hx-get",
    "hx-post",
    "hx-put",
    "hx-patch",
    "hx-delete",
    "data",
    "poster",
    "xlink:href",
}
ACTIVE_TAGS = {"img", "iframe", "object", "embed", "style", "base"}


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the page (text stays text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def assert_inert(html: str, where: str) -> None:
    """No element the page's own templates would not make: no script but our static files, no
    event handler attribute (nor htmx's hx-on), no image/svg/iframe, no javascript: or data: URL."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.elements:
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), (where, tag, attrs)
        assert tag not in ACTIVE_TAGS, (where, tag, attrs)
        assert tag != "svg" or attrs.get("class") == "ladder-svg", (
            where,
            tag,
            attrs,
        )  # only the SIP ladder's
        for name, value in attrs.items():
            assert not name.startswith(("on", "hx-on")) and name != "style", (where, tag, attrs)
            if name in URL_ATTRIBUTES:
                assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), (
                    where,
                    tag,
                    attrs,
                )


def _seed(db_path: Path) -> None:
    with sqlite3.connect(db_path, timeout=30) as db:
        for table, columns in TEXT_COLUMNS.items():
            for index, payload in enumerate(PAYLOADS):
                sets = ", ".join(f"{column} = ?" for column in columns)
                db.execute(
                    f"UPDATE {table} SET {sets} WHERE rowid % {len(PAYLOADS)} = {index}",  # noqa: S608
                    [payload] * len(columns),
                )
        speakers = json.dumps([{"speaker": PAYLOADS[0], "text": PAYLOADS[1], "start": 0.0, "end": 1.0}])
        db.execute("UPDATE emulator_monitor SET transcript_speakers = ?", [speakers])


@pytest.fixture
def hostile(client, settings, fresh_emulator, tmp_path, db):
    settings.VOIPSTUDIO_BASE_URL = fresh_emulator.api_url
    settings.VOIPSTUDIO_BACKOFF = 0.01
    settings.AUDIO_CACHE_DIR = tmp_path / "audio"
    fresh_emulator.token(SUPERVISOR)  # before the users' names change
    _seed(tmp_path / "emulator" / "emulator.sqlite3")
    return sign_in_as(client, fresh_emulator, SUPERVISOR), fresh_emulator


def _get(client, path: str, **extra):
    response = client.get(path, **extra)
    assert response.status_code < 500, (path, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body.decode("utf-8", "replace")


def test_payloads_in_every_text_field_render_inert_everywhere(hostile, caplog):
    client, emulator = hostile
    token = emulator.token(SUPERVISOR)
    pages: dict[str, str] = {}
    with caplog.at_level(logging.DEBUG):
        for section in SECTIONS:
            for extra in ({}, HTMX):
                for page in (1, 2):
                    path = f"/{section.slug}/?size=100&page={page}"
                    response, pages[f"{path} {bool(extra)}"] = _get(client, path, **extra)
                    assert_strict_csp(response)
        monitors = emulator.get("/monitors", limit=7, sort="id").json()["data"]
        chats = emulator.get("/chats", limit=7, sort="id").json()["data"]
        notes = emulator.get("/cdrs", limit=50, sort="id").json()["data"]
        for item in monitors:
            cdr = emulator.get(
                "/cdrs",
                limit=1,
                filter=json.dumps([{"property": "live_id", "operator": "eq", "value": item["live_id"]}]),
            ).json()["data"]
            for path in [
                f"/recordings/{item['id']}/edit/",
                f"/recordings/{item['id']}/row/",
                f"/recordings/{item['id']}/delete/",
            ] + ([f"/calls/{cdr[0]['id']}/"] if cdr else []):
                for extra in ({}, HTMX):
                    pages[f"{path} {bool(extra)}"] = _get(client, path, **extra)[1]
            if cdr:
                pages[f"ladder {item['id']}"] = _get(client, f"/calls/{cdr[0]['id']}/?part=ladder", **HTMX)[1]
            download, _ = _get(client, f"/recordings/{item['id']}/audio.mp3?download=1")
            disposition = download["Content-Disposition"]
            assert not re.search(r"[\r\n<>]", disposition) and disposition.count('"') == 2, disposition
        for item in chats:
            for extra in ({}, HTMX):
                pages[f"chat {item['id']} {bool(extra)}"] = _get(client, f"/chats/{item['id']}/", **extra)[1]
        for cdr in notes[:10]:
            pages[f"call {cdr['id']}"] = _get(client, f"/calls/{cdr['id']}/")[1]
        pages["audit"] = _get(client, "/audit/", HTTP_USER_AGENT=PAYLOADS[1])[1]
        pages["settings"] = _get(client, "/settings/")[1]
    for where, html in pages.items():
        assert_inert(html, where)
        assert token not in html, where
    everything = "\n".join(pages.values())
    for escaped in (
        "&lt;script&gt;alert(&#x27;xss-1&#x27;)&lt;/script&gt;",
        "&quot;&gt;&lt;img src=x onerror=alert(",
        "&lt;/textarea&gt;&lt;script&gt;",
        "javascript:alert(&#x27;xss-3&#x27;)",
    ):
        assert escaped in everything, (
            f"the payload {escaped!r} was never rendered: the test would prove nothing"
        )
    assert all(token not in record.getMessage() for record in caplog.records)


def test_a_javascript_url_from_the_api_never_becomes_a_link(hostile):
    client, emulator = hostile
    chats = emulator.get("/chats", limit=20, sort="id").json()["data"]
    chat = next(c for c in chats if c["visitor_referer"].startswith("javascript:"))
    html = _get(client, f"/chats/{chat['id']}/")[1]
    assert "javascript:alert" in html  # shown as text…
    assert not re.search(r"""(?:href|src)\s*=\s*["']?\s*javascript:""", html, re.I)  # …never as a link


def test_the_token_never_appears_in_responses_headers_or_logs(supervisor, dashboard, caplog):
    token = dashboard.token(SUPERVISOR)
    monitor = dashboard.get("/monitors", limit=1).json()["data"][0]
    dashboard.add_fault(path=r"^/cdrs$", status=503)
    paths = [
        "/calls/",
        "/recordings/",
        f"/recordings/{monitor['id']}/audio.mp3",
        "/settings/",
        "/jobs/",
        "/audit/",
        "/calls/1/",
        "/nonexistent/",
        "/sign-in/",
    ]
    with caplog.at_level(logging.DEBUG):
        for path in paths:
            for extra in ({}, HTMX):
                response, body = _get(supervisor, path, **extra)
                assert token not in body and token not in str(response.headers.values()), path
        supervisor.post("/sign-out/")
    assert caplog.records and all(token not in record.getMessage() for record in caplog.records)
    assert all(token not in str(getattr(record, "args", "")) for record in caplog.records)


def test_an_error_report_hides_the_token(supervisor, dashboard, monkeypatch):
    """A crash after the token was unsealed: Django's error report (the e-mail to ADMINS, the debug
    page) shows the frames' local variables; the token must be masked in each of them."""

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(upstream, "shared_session", broken)  # fails inside api_client, token in hand
    request = RequestFactory().get("/calls/")
    request.session = supervisor.session
    request.user = None
    try:
        upstream.client_for(request)
    except RuntimeError:
        kind, error, traceback = sys.exc_info()
        report = ExceptionReporter(
            request, kind, error, traceback.tb_next
        )  # from client_for down (not this test)
        text, page = report.get_traceback_text(), report.get_traceback_html()
    else:
        pytest.fail("expected the crash")
    assert "client_for" in text and "api_client" in text  # the frames that held the token are in the report
    assert dashboard.token(SUPERVISOR) not in text and dashboard.token(SUPERVISOR) not in page

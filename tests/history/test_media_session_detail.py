"""Media session detail (GET /msdrs/{id}): fields in words, its SIP ladder, .pcap/.trace downloads
streamed through the dashboard; and the call page's ladder drawn from the capture first."""

from __future__ import annotations

import io
import re

import dpkt
import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.conftest import SUPERVISOR, point_dashboard_at, sign_in_as
from tests.security.test_output_safety import assert_inert, hostile  # noqa: F401 - hostile is a fixture
from voiphistory.history.labels import MSDR_FIELDS

HTMX = {"HTTP_HX_REQUEST": "true"}
NO_LADDER = "No SIP ladder could be drawn from this capture."


@pytest.fixture
def msdr(emulator) -> dict:
    return emulator.get("/msdrs", limit=1, sort="id", dir="DESC").json()["data"][0]


@pytest.fixture
def leg(emulator) -> dict:
    return emulator.get("/cdrs", limit=1, sort="id", dir="DESC").json()["data"][0]


def test_media_session_page_shows_every_field_in_words_and_its_ladder(supervisor, emulator, msdr):
    response = supervisor.get(reverse("history:msdr_detail", args=[msdr["id"]]))
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    for field in MSDR_FIELDS:
        assert f">{field.label}</dt>" in html and f'data-field="{field.name}"' in html
    messages = emulator.sip_messages(emulator.get(f"/msdrs/{msdr['id']}.trace").text)
    ladder = html[html.index('id="ladder"') :]
    assert ladder.count('marker-end="url(#ladder-head-') == len(messages) > 0
    assert "drawn from the packet capture" in ladder
    for name in ("msdr_pcap", "msdr_trace"):
        assert f'href="{reverse(f"history:{name}", args=[msdr["id"]])}" download' in html


def test_media_session_fragment_and_ladder_fragment_for_htmx(supervisor, msdr):
    url = reverse("history:msdr_detail", args=[msdr["id"]])
    page = supervisor.get(url, **HTMX).content.decode()
    assert page.lstrip().startswith('<div id="media-session"') and "<html" not in page and "<svg" in page
    ladder = supervisor.get(f"{url}?part=ladder", **HTMX).content.decode()
    assert (
        ladder.lstrip().startswith('<section id="ladder"')
        and "<svg" in ladder
        and "Media session record" not in ladder
    )


def test_media_sessions_table_rows_link_to_their_page(supervisor, msdr):
    html = supervisor.get(reverse("history:table", args=["media-sessions"])).content.decode()
    assert f'href="{reverse("history:msdr_detail", args=[msdr["id"]])}"' in html


@pytest.mark.parametrize("id", [1, 0])
def test_unknown_media_session_is_a_friendly_404(supervisor, id):
    response = supervisor.get(reverse("history:msdr_detail", args=[id]))
    assert response.status_code == 404 and "Media session not found" in response.content.decode()
    fragment = supervisor.get(reverse("history:msdr_detail", args=[id]), **HTMX)
    assert fragment.status_code == 200 and "Media session not found" in fragment.content.decode()
    assert supervisor.get(reverse("history:msdr_pcap", args=[id])).status_code == 404


def test_upstream_failure_is_an_error_panel_with_retry_never_a_500(supervisor, emulator, msdr):
    emulator.add_fault(path=r"^/msdrs/\d+$", status=503)
    url = reverse("history:msdr_detail", args=[msdr["id"]])
    response = supervisor.get(url)
    assert response.status_code == 502 and "VoIPstudio could not answer" in response.content.decode()
    assert f'hx-get="{url}" hx-target="#media-session"' in response.content.decode()


@pytest.mark.parametrize(
    ("name", "file", "content_type"),
    [
        ("msdr_pcap", "pcap", "application/vnd.tcpdump.pcap"),
        ("msdr_trace", "trace", "text/plain; charset=utf-8"),
    ],
)
def test_capture_downloads_stream_through_with_a_safe_name_and_no_token(
    supervisor, emulator, msdr, name, file, content_type
):
    response = supervisor.get(reverse(f"history:{name}", args=[msdr["id"]]))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="media-session-{msdr["id"]}.{file}"'
    assert emulator.token(SUPERVISOR).encode() not in body and "X-Auth-Token" not in str(response.headers)
    if file == "pcap":
        assert len(list(dpkt.pcap.Reader(io.BytesIO(body)))) == len(
            emulator.sip_messages(emulator.get(f"/msdrs/{msdr['id']}.trace").text)
        )
    else:
        assert body.decode() == emulator.get(f"/msdrs/{msdr['id']}.trace").text


def test_capture_download_failure_is_a_page_with_retry(supervisor, emulator, msdr):
    emulator.add_fault(path=r"\.trace$", status=503)
    url = reverse("history:msdr_trace", args=[msdr["id"]])
    response = supervisor.get(url)
    html = response.content.decode()
    assert response.status_code == 502 and "could not send the capture" in html and f'href="{url}"' in html


def test_pages_and_downloads_need_sign_in(client, db, msdr):
    for name in ("msdr_detail", "msdr_pcap", "msdr_trace", "call_trace"):
        response = client.get(reverse(f"history:{name}", args=[msdr["id"]]))
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


# --- The ladder's sources: capture first, text trace as the fallback, never a 500 -------------------


def _ladder_of(supervisor, leg) -> str:
    response = supervisor.get(reverse("history:call_detail", args=[leg["id"]]))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('id="ladder"') :]


def test_call_ladder_falls_back_to_the_trace_when_the_capture_is_missing(supervisor, emulator, leg):
    emulator.add_fault(path=r"\.pcap$", status=404)
    ladder = _ladder_of(supervisor, leg)
    assert "<svg" in ladder and "drawn from the SIP trace" in ladder


def test_unreadable_capture_and_trace_say_so_with_the_download_links(supervisor, emulator, leg):
    emulator.add_fault(path=r"\.(pcap|trace)$", malformed=True)  # 200 with a body that is neither
    ladder = _ladder_of(supervisor, leg)
    assert NO_LADDER in ladder and "<svg" not in ladder
    for name in ("call_pcap", "call_trace"):
        assert f'href="{reverse(f"history:{name}", args=[leg["id"]])}" download' in ladder


def test_a_capture_cut_off_in_transit_falls_back_to_the_trace(supervisor, emulator, leg):
    whole = len(emulator.sip_messages(emulator.get(f"/cdrs/{leg['id']}.trace").text))
    emulator.add_fault(path=r"\.pcap$", truncate_bytes=900)
    ladder = _ladder_of(supervisor, leg)
    assert ladder.count('marker-end="url(#ladder-head-') == whole and "drawn from the SIP trace" in ladder


def test_reference_dialect_ladder_and_notes(client, settings, reference_emulator, db, tmp_path):
    """The other dialect: ngrep-layout traces and notes as {id, text, author, date}."""
    supervisor = sign_in_as(client, point_dashboard_at(settings, reference_emulator, tmp_path), SUPERVISOR)
    for cdr in reference_emulator.get("/cdrs", limit=200, sort="id", dir="ASC").json()["data"]:
        notes = reference_emulator.get(f"/cdrs/{cdr['id']}/notes").json()["data"]
        if notes:
            break
    else:
        pytest.fail("no notes among 200 calls")
    reference_emulator.add_fault(path=r"\.pcap$", status=404)  # the ladder from the ngrep text alone
    html = supervisor.get(reverse("history:call_detail", args=[cdr["id"]])).content.decode()
    notes_html = html[html.index('id="notes-heading"') : html.index('id="legs-heading"')]
    assert escape(notes[0]["author"]) in notes_html
    assert escape(notes[0]["text"].split("\n")[0][:40]) in notes_html
    assert "None" not in notes_html
    assert "<svg" in html and "drawn from the SIP trace" in html


def test_script_in_media_session_data_renders_inert(hostile):
    """src_ua/dst_ua hold XSS payloads (they also reach the SIP messages' User-Agent headers)."""
    client, emulator = hostile
    pages = []
    for msdr in emulator.get("/msdrs", limit=6, sort="id").json()["data"]:
        for extra in ({}, HTMX):
            response = client.get(reverse("history:msdr_detail", args=[msdr["id"]]), **extra)
            assert response.status_code == 200
            pages.append(response.content.decode())
    for html in pages:
        assert_inert(html, "media session")
    # The payloads were there, escaped (which fields a page shows differs between the dialects).
    assert re.search(r"&lt;(script|img|svg)\b", "".join(pages))

"""The call detail page: every field, notes, legs, recordings, voicemail, SIP ladder, pcap, errors."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, timedelta

import dpkt
import pytest
import requests
from django.urls import reverse
from django.utils.html import escape

from tests.conftest import SUPERVISOR, sign_in_as
from voiphistory.history.labels import CDR_FIELDS

HTMX = {"HTTP_HX_REQUEST": "true"}


def _where(**conditions) -> str:
    return json.dumps([{"property": k, "operator": "eq", "value": v} for k, v in conditions.items()])


def _rows(emulator, path: str, **conditions) -> list[dict]:
    return emulator.get(path, limit=100, sort="id", dir="ASC", filter=_where(**conditions)).json()["data"]


@pytest.fixture
def recorded_queue_call(emulator) -> dict:
    """A seeded inbound call that went root → IVR → queue → agent, whose agent leg was recorded."""
    for monitor in _rows(emulator, "/monitors", context="QUEUE"):
        agent_leg = _rows(emulator, "/cdrs", live_id=monitor["live_id"])[0]
        legs = _rows(emulator, "/cdrs", root_live_id=agent_leg["root_live_id"])
        if [leg["context"] for leg in legs][:3] == ["PSTN_CALL", "IVR", "QUEUE"]:
            return {"monitor": monitor, "agent_leg": agent_leg, "legs": legs}
    pytest.fail("the seed has no recorded IVR → queue → agent call")


def _ids_in_order(html: str, pattern: str) -> list[int]:
    return [int(found) for found in re.findall(pattern, html)]


def test_call_page_shows_every_field_with_its_plain_label(supervisor, recorded_queue_call):
    leg = recorded_queue_call["agent_leg"]
    response = supervisor.get(reverse("history:call_detail", args=[leg["id"]]))
    assert response.status_code == 200
    html = response.content.decode()
    for field in CDR_FIELDS:
        assert f">{escape(field.label)}</dt>" in html, field.label
        assert f'data-field="{field.name}"' in html
    assert escape(leg["src_name"]) in html and escape(leg["dst_name"]) in html
    assert "Answered" in html and "<html" in html


def test_header_shows_the_time_in_the_users_time_zone(supervisor, recorded_queue_call):
    leg = recorded_queue_call["agent_leg"]  # calldate is UTC, e.g. "2026-11-02 14:05:09"
    session = supervisor.session
    session["time_zone"] = "Asia/Kolkata"  # UTC+5:30, no daylight saving
    session.save()
    html = supervisor.get(reverse("history:call_detail", args=[leg["id"]])).content.decode()
    local = datetime.strptime(leg["calldate"], "%Y-%m-%d %H:%M:%S") + timedelta(hours=5, minutes=30)
    assert local.strftime("%H:%M:%S") in html and "IST" in html


def test_legs_are_a_tree_linking_every_leg_with_this_one_highlighted(supervisor, recorded_queue_call):
    leg, legs = recorded_queue_call["agent_leg"], recorded_queue_call["legs"]
    html = supervisor.get(reverse("history:call_detail", args=[leg["id"]])).content.decode()
    table = html[html.index('class="data legs"') : html.index("</table>", html.index('class="data legs"'))]

    links = _ids_in_order(table, r'href="/calls/(\d+)/"')
    assert sorted([*links, leg["id"]]) == sorted(other["id"] for other in legs)  # every other leg, linked
    current = r'<tr class="current" aria-current="true">\s*<th scope="row" class="leg depth-3">'
    assert re.search(current, table)
    depths = [int(depth) for depth in re.findall(r'class="leg depth-(\d+)"', table)]
    assert depths[:4] == [0, 1, 2, 3]  # root → IVR → queue → agent


def test_recording_of_the_call_links_to_recordings_and_plays(supervisor, recorded_queue_call):
    monitor, legs = recorded_queue_call["monitor"], recorded_queue_call["legs"]
    root = legs[0]  # the recording belongs to the whole call: it shows from the first leg too
    html = supervisor.get(reverse("history:call_detail", args=[root["id"]])).content.decode()
    assert f'id="recording-{monitor["id"]}"' in html
    assert reverse("history:recording_audio", args=[monitor["id"]]) in html
    link = re.search(r'href="(/recordings/\?[^"]+)">Show in Recordings', html)[1].replace("&amp;", "&")
    assert f"from_number={monitor['src']}" in link and "preset=custom" in link
    assert f"start={monitor['timestamp'][:10]}" in link  # the recording's day (the session's zone is UTC)


def test_voicemail_left_on_the_call_is_linked_by_live_id(supervisor, emulator):
    message = emulator.get("/voicemessages", limit=1, sort="id", dir="ASC").json()["data"][0]
    vm_leg = _rows(emulator, "/cdrs", live_id=message["live_id"])[0]
    root = _rows(emulator, "/cdrs", live_id=vm_leg["root_live_id"])[0]
    html = supervisor.get(reverse("history:call_detail", args=[root["id"]])).content.decode()
    assert f'id="voicemail-{message["id"]}"' in html
    assert reverse("history:voicemail_audio", args=[message["id"]]) in html
    assert "Show in Voicemail" in html
    assert "This call was not recorded." in html  # voicemail calls reach no agent


def test_notes_on_the_call_are_shown(supervisor, emulator):
    for candidate in emulator.get("/cdrs", limit=200, filter=_where(is_root=True)).json()["data"]:
        notes = emulator.get(f"/cdrs/{candidate['id']}/notes").json()["data"]
        if notes:
            cdr = candidate
            break
    else:
        pytest.fail("no notes among 200 calls")
    html = supervisor.get(reverse("history:call_detail", args=[cdr["id"]])).content.decode()
    author, text = (
        (notes[0]["user_name"], notes[0]["note"])
        if "note" in notes[0]
        else (notes[0]["author"], notes[0]["text"])
    )
    assert escape(author) in html
    assert escape(text.split("\n")[0]) in html


def test_sip_ladder_draws_one_arrow_per_message_with_the_raw_message_expandable(
    supervisor, emulator, recorded_queue_call
):
    leg = recorded_queue_call["agent_leg"]
    messages = emulator.sip_messages(emulator.get(f"/cdrs/{leg['id']}.trace").text)
    html = supervisor.get(reverse("history:call_detail", args=[leg["id"]])).content.decode()
    ladder = html[html.index('id="ladder"') :]
    assert 'role="img"' in ladder and '<title id="ladder-title">SIP ladder: 7 messages between' in ladder
    assert ladder.count('marker-end="url(#ladder-head-') == len(messages) == 7
    assert ladder.count("<details>") == len(messages)
    for number in range(1, len(messages) + 1):
        assert f'href="#sip-{number}-text"' in ladder and f'id="sip-{number}-text"' in ladder
    assert "INVITE sip:" in ladder and "Call-ID: " in ladder  # the raw messages, whole
    labels = re.findall(r'<strong class="sip-label">([^<]+)</strong>', ladder)
    assert labels == ["INVITE", "100 Trying", "180 Ringing", "200 OK", "ACK", "BYE", "200 OK"]


def test_ladder_fragment_for_htmx(supervisor, recorded_queue_call):
    leg = recorded_queue_call["agent_leg"]
    url = reverse("history:call_detail", args=[leg["id"]]) + "?part=ladder"
    response = supervisor.get(url, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="ladder"') and "<html" not in html
    assert html.count("<details>") == 7
    # Without HTMX the same URL is the whole page (the retry link's href works without JavaScript).
    assert "<html" in supervisor.get(url).content.decode()


def test_call_fragment_for_htmx(supervisor, recorded_queue_call):
    leg = recorded_queue_call["agent_leg"]
    response = supervisor.get(reverse("history:call_detail", args=[leg["id"]]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="call"') and "<html" not in html and 'id="ladder"' in html


def test_capture_failure_only_takes_down_the_ladder_with_a_retry(supervisor, emulator, recorded_queue_call):
    leg = recorded_queue_call["agent_leg"]
    emulator.add_fault(path=r"\.(trace|pcap)$", status=503)  # the capture, then its fallback
    page_url = reverse("history:call_detail", args=[leg["id"]])

    response = supervisor.get(page_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Call record" in html and 'id="legs-heading"' in html  # the rest of the page is there
    ladder = html[html.index('id="ladder"') :]
    assert "VoIPstudio could not answer" in ladder and "<svg" not in ladder
    retry = f"{page_url}?part=ladder"
    assert f'href="{retry}" hx-get="{retry}" hx-target="#ladder" hx-swap="outerHTML"' in ladder

    fragment = supervisor.get(retry, **HTMX)
    assert fragment.status_code == 200 and "VoIPstudio could not answer" in fragment.content.decode()

    emulator.clear_faults()
    again = supervisor.get(retry, **HTMX).content.decode()
    assert "<svg" in again and "VoIPstudio could not answer" not in again


def test_upstream_down_shows_an_error_with_retry_never_a_500(supervisor, emulator, recorded_queue_call):
    leg = recorded_queue_call["agent_leg"]
    emulator.add_fault(path=r"^/cdrs/\d+$", status=503)
    page_url = reverse("history:call_detail", args=[leg["id"]])

    response = supervisor.get(page_url)
    assert response.status_code == 502
    html = response.content.decode()
    assert "VoIPstudio could not answer" in html and f'hx-get="{page_url}" hx-target="#call"' in html

    fragment = supervisor.get(page_url, **HTMX)
    assert fragment.status_code == 200 and "VoIPstudio could not answer" in fragment.content.decode()


def test_rate_limited_upstream_is_an_error_panel_too(supervisor, emulator, recorded_queue_call):
    leg = recorded_queue_call["agent_leg"]
    emulator.add_fault(path=r"^/cdrs", status=429, retry_after=60)
    response = supervisor.get(reverse("history:call_detail", args=[leg["id"]]))
    assert response.status_code == 502 and "slow down" in response.content.decode()


@pytest.mark.parametrize("id", [1, 0])  # 0 matches the URL but is never an id: no request is made
def test_unknown_call_is_a_friendly_404(supervisor, id):
    response = supervisor.get(reverse("history:call_detail", args=[id]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Call not found" in html and "<html" in html and "Traceback" not in html
    fragment = supervisor.get(reverse("history:call_detail", args=[id]), **HTMX)
    assert fragment.status_code == 200 and "Call not found" in fragment.content.decode()
    assert supervisor.get(reverse("history:call_pcap", args=[id])).status_code == 404
    ladder = supervisor.get(reverse("history:call_detail", args=[id]) + "?part=ladder", **HTMX)
    assert ladder.status_code == 200 and "has no SIP trace" in ladder.content.decode()


def test_pcap_download_streams_the_capture_as_an_attachment(supervisor, emulator, recorded_queue_call):
    leg = recorded_queue_call["agent_leg"]
    messages = emulator.sip_messages(emulator.get(f"/cdrs/{leg['id']}.trace").text)

    response = supervisor.get(reverse("history:call_pcap", args=[leg["id"]]))

    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/vnd.tcpdump.pcap"
    assert response["Content-Disposition"] == f'attachment; filename="call-{leg["id"]}.pcap"'
    body = b"".join(response.streaming_content)
    packets = list(dpkt.pcap.Reader(io.BytesIO(body)))
    assert len(packets) == len(messages)
    payloads = [dpkt.ethernet.Ethernet(raw).data.data.data.decode() for _, raw in packets]
    assert payloads == [message.text for message in messages]


def test_pcap_failure_is_a_page_with_retry(supervisor, emulator, recorded_queue_call):
    leg = recorded_queue_call["agent_leg"]
    emulator.add_fault(path=r"\.pcap$", status=503)
    response = supervisor.get(reverse("history:call_pcap", args=[leg["id"]]))
    assert response.status_code == 502
    html = response.content.decode()
    pcap_url = reverse("history:call_pcap", args=[leg["id"]])
    assert "could not send the capture" in html and f'href="{pcap_url}"' in html


def test_script_in_call_data_is_escaped(client, settings, fresh_emulator, db):
    settings.VOIPSTUDIO_BASE_URL = fresh_emulator.api_url
    settings.VOIPSTUDIO_BACKOFF = 0.01
    cdr = fresh_emulator.get("/cdrs", limit=1).json()["data"][0]
    payload = "<script>alert(1)</script>"
    patched = requests.patch(
        f"{fresh_emulator.api_url}/cdrs",
        json=[{"id": cdr["id"], "info": payload}],
        headers={"X-Auth-Token": fresh_emulator.token()},
        timeout=10,
    )
    patched.raise_for_status()
    sign_in_as(client, fresh_emulator, SUPERVISOR)

    html = client.get(reverse("history:call_detail", args=[cdr["id"]])).content.decode()

    assert payload not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_read_only_agent_reads_the_whole_call(agent, recorded_queue_call):
    leg = recorded_queue_call["agent_leg"]
    response = agent.get(reverse("history:call_detail", args=[leg["id"]]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and reverse("history:call_pcap", args=[leg["id"]]) in html

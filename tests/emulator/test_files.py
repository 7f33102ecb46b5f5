"""Files as the live API serves them: MP3 recordings and voicemail, SIP traces and pcaps."""

from __future__ import annotations

import io
import subprocess

import dpkt
import mutagen.mp3
import requests

from voiphistory.emulator.sip import parse_trace


def fetch(emulator, path: str, **headers) -> requests.Response:
    return requests.get(
        f"{emulator.api_url}{path}", headers={"X-Auth-Token": emulator.token(), **headers}, timeout=30
    )


def test_recording_mp3_is_whole_playable_and_as_long_as_the_call(emulator):
    monitor = emulator.get("/monitors", limit=1, sort="duration", dir="DESC").json()["data"][0]
    response = fetch(emulator, f"/monitors/{monitor['id']}.mp3", Range="bytes=100-199")
    assert response.status_code == 200  # Range is ignored, as live
    assert response.headers["Content-Type"] == "audio/mpeg3"
    assert "Accept-Ranges" not in response.headers and "Content-Disposition" not in response.headers
    assert len(response.content) == monitor["size"] == int(response.headers["Content-Length"])
    info = mutagen.mp3.MP3(io.BytesIO(response.content)).info
    assert abs(info.length - monitor["duration"]) < 0.05


def test_voicemail_mp3_matches_its_duration(emulator):
    message = emulator.get("/voicemessages", limit=1).json()["data"][0]
    response = fetch(emulator, f"/voicemessages/{message['id']}.mp3")
    assert response.headers["Content-Type"] == "audio/mpeg3"
    assert abs(mutagen.mp3.MP3(io.BytesIO(response.content)).info.length - message["duration"]) < 0.05


def test_file_errors_are_json(emulator):
    response = fetch(emulator, "/monitors/1.mp3")
    assert response.status_code == 404 and response.json() == {"message": "Resource not found"}


def test_a_calls_sip_trace_is_its_dialog_in_text(emulator):
    cdr = emulator.get(
        "/cdrs", limit=1, filter='[{"property":"disposition","operator":"eq","value":"CONNECTED"}]'
    ).json()["data"][0]
    response = fetch(emulator, f"/cdrs/{cdr['id']}.trace")
    assert response.headers["Content-Type"].startswith("text/plain")
    starts = [message.start_line for message in parse_trace(response.text)]
    assert starts[0].startswith("INVITE ") and starts[-1] == "SIP/2.0 200 OK"
    assert any(start.startswith("BYE ") for start in starts)


def test_a_calls_pcap_opens_in_dpkt_and_tshark(emulator, tmp_path):
    cdr = emulator.get("/cdrs", limit=1).json()["data"][0]
    response = fetch(emulator, f"/cdrs/{cdr['id']}.pcap")
    packets = list(dpkt.pcap.Reader(io.BytesIO(response.content)))
    assert packets and all(dpkt.ethernet.Ethernet(raw).data.data.dport == 5060 for _, raw in packets)
    capture = tmp_path / "call.pcap"
    capture.write_bytes(response.content)
    methods = subprocess.run(
        ["tshark", "-r", str(capture), "-Y", "sip", "-T", "fields", "-e", "sip.CSeq.method"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert methods[0] == "INVITE" and len(methods) == len(packets)


def test_media_session_trace_and_pcap(emulator):
    msdr = emulator.get("/msdrs", limit=1).json()["data"][0]
    assert parse_trace(fetch(emulator, f"/msdrs/{msdr['id']}.trace").text)
    assert list(dpkt.pcap.Reader(io.BytesIO(fetch(emulator, f"/msdrs/{msdr['id']}.pcap").content)))

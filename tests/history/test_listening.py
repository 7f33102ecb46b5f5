"""Listening: the audio proxy answers Range itself, from a bounded on-disk cache filled on first play.

VoIPstudio (and the emulator) ignores Range and sends the whole MP3; these tests drive the dashboard
against the live emulator and compare what it serves with what VoIPstudio sent.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from voiphistory.accounts.middleware import TIME_ZONE_KEY
from voiphistory.history import audio_cache
from voiphistory.history.download_names import download_name
from voiphistory.ops.downloads import attachment_header
from voiphistory.voipstudio import Monitor, VoiceMessage
from voiphistory.web.ranges import RangeNotSatisfiable, requested_range

MP3 = "audio/mpeg"


@pytest.fixture
def monitor(dashboard) -> dict:
    return dashboard.get("/monitors", limit=1).json()["data"][0]


@pytest.fixture
def monitor_mp3(dashboard, monitor) -> bytes:
    return dashboard.get(f"/monitors/{monitor['id']}.mp3").content


def audio_url(monitor: dict, **query) -> str:
    url = reverse("history:recording_audio", args=[monitor["id"]])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def cached_files() -> list[Path]:
    return [path for path in Path(settings.AUDIO_CACHE_DIR).rglob("*") if path.is_file()]


# -- serving -----------------------------------------------------------------------------------


def test_a_recording_plays_whole_with_the_bytes_voipstudio_sent(supervisor, monitor, monitor_mp3):
    response = supervisor.get(audio_url(monitor))
    assert response.status_code == 200
    assert body(response) == monitor_mp3 and len(monitor_mp3) == monitor["size"]
    assert response["Content-Type"] == MP3
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(monitor["size"])
    assert response["Cache-Control"] == "private, max-age=3600"
    assert "Content-Disposition" not in response and "Content-Range" not in response


def test_a_byte_range_answers_206_with_exactly_those_bytes(supervisor, monitor, monitor_mp3):
    response = supervisor.get(audio_url(monitor), headers={"Range": "bytes=1000-1999"})
    assert response.status_code == 206
    assert body(response) == monitor_mp3[1000:2000]
    assert response["Content-Range"] == f"bytes 1000-1999/{len(monitor_mp3)}"
    assert response["Content-Length"] == "1000"
    assert response["Accept-Ranges"] == "bytes" and response["Content-Type"] == MP3


def test_a_suffix_range_answers_the_last_bytes(supervisor, monitor, monitor_mp3):
    size = len(monitor_mp3)
    response = supervisor.get(audio_url(monitor), headers={"Range": "bytes=-500"})
    assert response.status_code == 206
    assert body(response) == monitor_mp3[-500:]
    assert response["Content-Range"] == f"bytes {size - 500}-{size - 1}/{size}"


def test_an_open_range_answers_the_rest_of_the_file(supervisor, monitor, monitor_mp3):
    size = len(monitor_mp3)
    response = supervisor.get(audio_url(monitor), headers={"Range": "bytes=4096-"})
    assert response.status_code == 206
    assert body(response) == monitor_mp3[4096:]
    assert response["Content-Range"] == f"bytes 4096-{size - 1}/{size}"
    assert response["Content-Length"] == str(size - 4096)


def test_a_range_past_the_end_answers_416_with_the_size(supervisor, monitor, monitor_mp3):
    response = supervisor.get(audio_url(monitor), headers={"Range": f"bytes={len(monitor_mp3)}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(monitor_mp3)}"


def test_several_ranges_answer_the_whole_file(supervisor, monitor, monitor_mp3):
    response = supervisor.get(audio_url(monitor), headers={"Range": "bytes=0-99,200-299"})
    assert response.status_code == 200 and body(response) == monitor_mp3


def test_head_answers_the_headers_without_the_file(supervisor, monitor):
    response = supervisor.head(audio_url(monitor))
    assert response.status_code == 200
    assert response["Content-Length"] == str(monitor["size"]) and response["Accept-Ranges"] == "bytes"
    assert response.content == b""
    ranged = supervisor.head(audio_url(monitor), headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 206 and ranged["Content-Range"] == f"bytes 0-9/{monitor['size']}"


def test_only_get_and_head_are_allowed(supervisor, monitor):
    assert supervisor.post(audio_url(monitor)).status_code == 405


def test_a_revalidation_of_the_same_file_answers_304_and_a_stale_if_range_gets_the_whole_file(
    supervisor, monitor, monitor_mp3
):
    etag = supervisor.get(audio_url(monitor))["ETag"]
    assert supervisor.get(audio_url(monitor), headers={"If-None-Match": etag}).status_code == 304
    stale = supervisor.get(audio_url(monitor), headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert stale.status_code == 200 and body(stale) == monitor_mp3
    fresh = supervisor.get(audio_url(monitor), headers={"Range": "bytes=0-9", "If-Range": etag})
    assert fresh.status_code == 206 and body(fresh) == monitor_mp3[:10]


def test_a_voicemail_plays_and_seeks_too(supervisor, dashboard):
    message = dashboard.get("/voicemessages", limit=1).json()["data"][0]
    upstream = dashboard.get(f"/voicemessages/{message['id']}.mp3").content
    url = reverse("history:voicemail_audio", args=[message["id"]])
    assert body(supervisor.get(url)) == upstream
    response = supervisor.get(url, headers={"Range": "bytes=144-287"})
    assert response.status_code == 206 and body(response) == upstream[144:288]


# -- the cache ---------------------------------------------------------------------------------


def test_the_second_request_is_served_from_the_cache_but_access_is_still_checked_upstream(
    supervisor, dashboard, monitor, monitor_mp3
):
    assert body(supervisor.get(audio_url(monitor))) == monitor_mp3
    dashboard.add_fault(path=r"\.mp3$", status=503)  # VoIPstudio's file endpoint is down now
    response = supervisor.get(audio_url(monitor), headers={"Range": "bytes=100-199"})
    assert response.status_code == 206 and body(response) == monitor_mp3[100:200]
    # The record itself is still asked for on every request: revoke access upstream and the cache
    # no longer helps.
    dashboard.add_fault(path=rf"^/monitors/{monitor['id']}$", status=403)
    assert supervisor.get(audio_url(monitor), headers={"Range": "bytes=100-199"}).status_code == 403


def test_a_file_cut_off_upstream_is_an_error_and_leaves_nothing_cached(
    supervisor, dashboard, monitor, monitor_mp3
):
    dashboard.add_fault(path=r"\.mp3$", truncate_bytes=4096)
    response = supervisor.get(audio_url(monitor))
    assert response.status_code == 502
    assert response["Content-Type"].startswith("text/plain")
    assert cached_files() == []
    dashboard.clear_faults()
    assert body(supervisor.get(audio_url(monitor))) == monitor_mp3


def test_voipstudio_down_is_a_502_with_a_short_message(supervisor, dashboard, monitor):
    dashboard.add_fault(path=r"\.mp3$", status=503)
    response = supervisor.get(audio_url(monitor))
    assert response.status_code == 502
    assert "VoIPstudio is not answering" in response.content.decode()
    assert cached_files() == []


def test_voipstudio_rate_limiting_is_a_502_that_says_when_to_retry(supervisor, dashboard, monitor):
    dashboard.add_fault(path=r"^/monitors/\d+$", status=429, retry_after=60)
    response = supervisor.get(audio_url(monitor))
    assert response.status_code == 502 and response["Retry-After"] == "60"


def test_a_file_cached_for_another_customer_is_never_served(supervisor, monitor, monitor_mp3):
    other = audio_cache.cache_path(
        settings.AUDIO_CACHE_DIR,
        customer_id=supervisor.session["voipstudio"]["account"]["customer_id"] + 1,
        kind="monitors",
        id=monitor["id"],
    )
    other.parent.mkdir(parents=True)
    other.write_bytes(b"another customer's recording")
    assert body(supervisor.get(audio_url(monitor))) == monitor_mp3
    assert other.read_bytes() == b"another customer's recording"


# -- errors and who may listen -------------------------------------------------------------------


def test_an_unknown_recording_is_404(supervisor):
    assert supervisor.get(reverse("history:recording_audio", args=[1])).status_code == 404
    assert supervisor.get(reverse("history:voicemail_audio", args=[1])).status_code == 404
    assert supervisor.get(reverse("history:recording_audio", args=[0])).status_code == 404
    assert cached_files() == []


def test_signing_in_is_required(client, db, dashboard, monitor):
    response = client.get(audio_url(monitor))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_a_read_only_agent_can_listen(agent, monitor, monitor_mp3):
    response = agent.get(audio_url(monitor), headers={"Range": "bytes=0-143"})
    assert response.status_code == 206 and body(response) == monitor_mp3[:144]


# -- download names ----------------------------------------------------------------------------


def test_a_download_is_named_after_the_call_in_the_users_time_zone(supervisor, monitor):
    session = supervisor.session
    session[TIME_ZONE_KEY] = "America/New_York"
    session.save()
    response = supervisor.get(audio_url(monitor, download=1))
    assert response.status_code == 200
    when = datetime.fromisoformat(monitor["timestamp"]).replace(tzinfo=UTC)
    local = when.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="recording {local:%Y-%m-%d %H%M} ')
    assert disposition.endswith(".mp3") and "filename*=UTF-8''recording%20" in disposition


def test_recording_and_voicemail_names_read_well():
    inbound = Monitor.from_api(
        {
            "id": 1,
            "timestamp": "2026-11-27 10:32:00",
            "src": "447700900123",
            "src_id": "contact:5",
            "src_name": "Jane Doe",
            "dst": "10020",
            "dst_id": "10020",
            "dst_name": "Lucas Martin",
        }
    )
    outbound = Monitor.from_api(
        {
            "id": 2,
            "timestamp": "2026-11-27 10:32:00",
            "src": "44203846719",
            "src_id": "10023",
            "src_name": "Niamh Gallagher",
            "dst": "447700900123",
            "dst_id": "",
            "dst_name": "",
        }
    )
    voicemail = VoiceMessage.from_api(
        {
            "id": 3,
            "origtime": "2026-11-27 10:32:00",
            "folder": 1,
            "caller": "447700900123",
            "callerid": '"Zoë Brontë" <447700900123>',
        }
    )
    anonymous = VoiceMessage.from_api({"id": 4, "origtime": "2026-11-27 10:32:00", "folder": 1, "caller": ""})
    with timezone.override(zoneinfo.ZoneInfo("Europe/London")):
        assert download_name(inbound) == "recording 2026-11-27 1032 Jane Doe +44 7700 900123.mp3"
        assert download_name(outbound) == "recording 2026-11-27 1032 +44 7700 900123.mp3"
        assert download_name(voicemail) == "voicemail 2026-11-27 1032 from Zoë Brontë +44 7700 900123.mp3"
        assert download_name(anonymous) == "voicemail 2026-11-27 1032.mp3"


def test_download_names_are_safe_ascii_with_the_exact_name_beside():
    header = attachment_header('voicemail from Zoë "Boss" ../../etc/passwd\r\nX: 1.mp3')
    assert header.startswith('attachment; filename="voicemail from Zoe Boss .. .. etc passwd X 1.mp3"; ')
    exact = "voicemail%20from%20Zo%C3%AB%20Boss%20..%20..%20etc%20passwd%20X%201.mp3"
    assert header.endswith(f"filename*=UTF-8''{exact}")
    assert "\r" not in header and "\n" not in header


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 999)),
        ("bytes=-100", (900, 999)),
        ("bytes=-5000", (0, 999)),
        ("bytes=990-5000", (990, 999)),
        ("bytes=0-0", (0, 0)),
        ("Bytes = 5 - 9", (5, 9)),
        ("bytes=9-5", None),  # backwards: ignored, whole file
        ("bytes=0-1,5-6", None),  # several ranges: whole file
        ("items=0-1", None),
        ("bytes=-", None),
        ("bytes=abc", None),
        ("bytes=0-" + "9" * 5000, (0, 999)),
    ],
)
def test_range_headers(header, expected):
    assert requested_range(header, 1000) == expected


@pytest.mark.parametrize(
    "header", ["bytes=1000-", "bytes=1000-2000", "bytes=-0", "bytes=" + "9" * 5000 + "-"]
)
def test_unsatisfiable_ranges(header):
    with pytest.raises(RangeNotSatisfiable):
        requested_range(header, 1000)

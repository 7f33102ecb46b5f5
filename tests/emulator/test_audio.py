"""The emulator's synthetic MP3s: exact sizes, valid frames, real playback, flat memory.

Pure Python (no Django) so it runs before the settings exist:
``pytest -p no:django tests/emulator/test_audio.py``.
"""

from __future__ import annotations

import io
import math
import threading
import time
import tracemalloc

import miniaudio
import pytest
from mutagen.mp3 import MP3

from voiphistory.emulator import audio

DURATIONS = (1, 7, 59, 61, 3600)
MPEG2_L3_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0)
MPEG2_RATES = (22050, 24000, 16000, 0)


def mp3(duration: int, seed: int = 1, chunk_size: int = 65536) -> bytes:
    return b"".join(audio.mp3_chunks(duration, seed, chunk_size))


def parse_header(data: bytes, at: int) -> dict[str, int]:
    """Decode the fields of the 4-byte MPEG audio frame header at ``at``."""
    h = int.from_bytes(data[at : at + 4], "big")
    fields = {
        "sync": h >> 21,
        "version": (h >> 19) & 3,  # 2 = MPEG-2
        "layer": (h >> 17) & 3,  # 1 = Layer III
        "no_crc": (h >> 16) & 1,
        "kbps": MPEG2_L3_KBPS[(h >> 12) & 15],
        "rate": MPEG2_RATES[(h >> 10) & 3],
        "padding": (h >> 9) & 1,
        "mode": (h >> 6) & 3,  # 3 = single channel
    }
    fields["length"] = 72 * fields["kbps"] * 1000 // fields["rate"] + fields["padding"]
    return fields


def frame_count(duration: int) -> int:
    return audio.mp3_size(duration) // audio.FRAME_BYTES


def test_constants_match_the_encoder_output() -> None:
    assert audio.FRAME_BYTES == 144
    assert pytest.approx(0.036) == audio.FRAME_SECONDS
    assert audio.CONTENT_TYPE == "audio/mpeg3"
    assert parse_header(mp3(1), 0)["length"] == audio.FRAME_BYTES


def test_mp3_size_is_whole_frames_covering_the_duration() -> None:
    assert audio.mp3_size(0) == 144  # never an empty file
    assert audio.mp3_size(1) == 28 * 144  # ceil(16000 / 576)
    assert audio.mp3_size(9) == 250 * 144  # exactly 250 frames, no extra one
    assert audio.mp3_size(3600) == 100_000 * 144


@pytest.mark.parametrize("duration", DURATIONS)
def test_served_bytes_equal_mp3_size(duration: int) -> None:
    chunks = list(audio.mp3_chunks(duration, seed=duration))
    assert sum(map(len, chunks)) == audio.mp3_size(duration)
    assert all(0 < len(c) <= 65536 for c in chunks)


@pytest.mark.parametrize("duration", DURATIONS)
def test_only_valid_frames_back_to_back(duration: int) -> None:
    data = mp3(duration, seed=5)
    at = frames = 0
    while at < len(data):
        header = parse_header(data, at)
        assert header == {
            "sync": 0x7FF,
            "version": 2,
            "layer": 1,
            "no_crc": 1,
            "kbps": 32,
            "rate": 16000,
            "padding": 0,
            "mode": 3,
            "length": 144,
        }, f"frame {frames} at byte {at}"
        at += header["length"]
        frames += 1
    assert at == len(data)
    assert frames == frame_count(duration)
    assert data[4] == 0  # main_data_begin: the file does not start mid-reservoir
    assert not data.startswith(b"ID3") and b"Xing" not in data[:200] and b"Info" not in data[:200]


@pytest.mark.parametrize("duration", (1, 61, 3600))
def test_mutagen_reads_length_and_format(duration: int) -> None:
    info = MP3(io.BytesIO(mp3(duration))).info
    assert abs(info.length - duration) < 0.05
    assert info.sample_rate == 16000
    assert info.bitrate == 32000
    assert info.channels == 1


def test_a_real_decoder_plays_it_all() -> None:
    duration = 61
    decoded = miniaudio.decode(
        mp3(duration, seed=3), output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1, sample_rate=16000
    )
    assert decoded.num_frames == frame_count(duration) * 576
    assert abs(decoded.duration - duration) < 0.05
    samples = decoded.samples
    rms = math.sqrt(sum(s * s for s in samples) / len(samples))
    assert rms > 1000  # clearly audible (about -30 dBFS or louder)...
    assert max(map(abs, samples)) < 20000  # ...at a moderate level, never clipping


def test_deterministic_per_seed() -> None:
    assert mp3(61, seed=42) == mp3(61, seed=42)
    assert mp3(61, seed=42) != mp3(61, seed=43)
    assert mp3(61, seed=10) != mp3(61, seed=16)  # same first unit, different walk
    assert mp3(1, seed=1) != mp3(1, seed=2)  # neighbouring ids differ even when short


def test_chunk_size_does_not_change_the_bytes() -> None:
    chunks = list(audio.mp3_chunks(59, seed=9, chunk_size=1000))
    assert all(len(c) == 1000 for c in chunks[:-1]) and 0 < len(chunks[-1]) <= 1000
    assert b"".join(chunks) == mp3(59, seed=9)
    with pytest.raises(ValueError):
        next(audio.mp3_chunks(59, seed=9, chunk_size=0))


def test_100_mb_streams_in_flat_memory() -> None:
    duration = 100 * 2**20 // 4000 + 1  # 32 kbit/s = 4000 bytes/s, so about 7.3 hours
    assert audio.mp3_size(duration) >= 100 * 2**20
    audio.mp3_size(0), next(audio.mp3_chunks(0, 0))  # build the unit cache outside the measurement
    chunk_size = 65536
    total = biggest = 0
    tracemalloc.start()
    try:
        for chunk in audio.mp3_chunks(duration, seed=7, chunk_size=chunk_size):
            total += len(chunk)
            biggest = max(biggest, len(chunk))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == audio.mp3_size(duration)
    assert biggest <= chunk_size
    assert peak < 1_000_000


def test_unit_cache_builds_fast_and_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audio, "_units", None)
    started = time.perf_counter()
    units = audio._get_units()
    assert time.perf_counter() - started < 1.0
    assert audio._get_units() is units
    for unit in units:
        assert len(unit) % audio.FRAME_BYTES == 0
        assert 1.0 <= len(unit) / audio.FRAME_BYTES * audio.FRAME_SECONDS <= 3.5
        assert unit[4] == 0  # fresh bit reservoir: units concatenate in any order

    monkeypatch.setattr(audio, "_units", None)
    results: list[tuple[bytes, ...]] = []
    threads = [threading.Thread(target=lambda: results.append(audio._get_units())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(r is results[0] for r in results)

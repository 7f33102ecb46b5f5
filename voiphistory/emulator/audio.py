"""Synthetic, browser-playable MP3 recordings for the VoIPstudio emulator.

The emulator must serve call recordings and voicemails whose playing length
matches the record's ``duration`` and whose byte size is known before the first
byte is sent (a monitor's ``size`` field must equal the bytes served), without
storing anything: files can be hundreds of megabytes.

Constant bitrate MPEG-2 Layer III at 16 kHz mono 32 kbit/s makes that easy:
every frame is 576 samples (36 ms) and exactly 144 bytes, so the size is a
multiplication.  A few short "units" of conversation murmur are synthesized
and encoded once (lazily); a file is those units concatenated in a
seed-dependent order and cut at a frame boundary.  Each unit is encoded by a
fresh encoder, so its first frame has ``main_data_begin == 0``: no frame ever
borrows bits from the previous unit, any order decodes cleanly, and cutting
after any frame leaves a valid file.
"""

from __future__ import annotations

import math
import random
import sys
import threading
from array import array
from collections.abc import Iterator

import lameenc

SAMPLE_RATE = 16000
BITRATE = 32000
FRAME_SAMPLES = 576  # one granule per frame in MPEG-2 Layer III
FRAME_BYTES = 72 * BITRATE // SAMPLE_RATE  # 144; 16 kHz never needs a padding byte
FRAME_SECONDS = FRAME_SAMPLES / SAMPLE_RATE  # 0.036
CONTENT_TYPE = "audio/mpeg3"  # what the live VoIPstudio API sends

# sync + MPEG-2 + Layer III + no CRC, 32 kbit/s + 16 kHz + no padding; mode bits say mono.
_HEADER = b"\xff\xf3\x48"
_UNIT_COUNT = 6
_SYNTH_SEED = 20240601  # fixed: the units (hence every file) are the same on each start
_TABLE_SIZE = 1024
# (F1, F2, F3) in Hz for a, e, i, o, u: enough to make the harmonics sound like vowels.
_VOWELS = ((730, 1090, 2440), (530, 1840, 2480), (270, 2290, 3010), (570, 840, 2410), (300, 870, 2240))
# (pitch Hz, formant scale): a lower voice and a higher voice taking turns.
_SPEAKERS = ((112.0, 1.0), (205.0, 1.15))

_units: tuple[bytes, ...] | None = None
_units_lock = threading.Lock()


def mp3_size(duration_seconds: int) -> int:
    """Exact byte size of the file served for a record of that duration.

    Whole frames covering the duration (at least one, so even a 0 s record is a
    playable file); the playing length exceeds the duration by under 36 ms.
    """
    frames = max(1, -(-duration_seconds * SAMPLE_RATE // FRAME_SAMPLES))
    return frames * FRAME_BYTES


def mp3_chunks(duration_seconds: int, seed: int, chunk_size: int = 65536) -> Iterator[bytes]:
    """Yield the MP3 file for (duration, seed) in chunks of at most ``chunk_size`` bytes.

    The output is deterministic, totals exactly ``mp3_size(duration_seconds)``
    bytes and holds at most about one chunk plus one unit in memory.  The first
    unit is ``seed % 6`` (so neighbouring ids differ even for very short files),
    then a seeded walk that never repeats a unit back to back.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be positive")
    units = _get_units()
    remaining = mp3_size(duration_seconds)
    rng = random.Random(seed)
    index = seed % len(units)
    buffer = bytearray()
    while remaining:
        unit = units[index]
        take = min(len(unit), remaining)  # both are whole frames
        buffer += unit[:take] if take < len(unit) else unit
        remaining -= take
        while len(buffer) >= chunk_size:
            yield bytes(buffer[:chunk_size])
            del buffer[:chunk_size]
        index = (index + 1 + rng.randrange(len(units) - 1)) % len(units)
    if buffer:
        yield bytes(buffer)


def _get_units() -> tuple[bytes, ...]:
    """Build the encoded units once per process; concurrent first requests wait for one build."""
    global _units
    if _units is None:
        with _units_lock:
            if _units is None:
                rng = random.Random(_SYNTH_SEED)
                tables = [[_vowel_table(pitch, scale, f) for f in _VOWELS] for pitch, scale in _SPEAKERS]
                _units = tuple(_encode(_synth_unit(rng, tables)) for _ in range(_UNIT_COUNT))
    return _units


def _vowel_table(pitch: float, scale: float, formants: tuple[int, int, int]) -> list[float]:
    """One period of a voiced vowel: harmonics of ``pitch`` shaped by three formant peaks.

    Played back through a phase accumulator, so the pitch can glide without
    calling ``sin`` per harmonic per sample (numpy is not available).
    """
    sine = [math.sin(2 * math.pi * i / _TABLE_SIZE) for i in range(_TABLE_SIZE)]
    harmonics = []
    for h in range(1, int(3400 / pitch) + 1):  # telephone band
        f = h * pitch
        peaks = sum(
            w / (1 + ((f - fk * scale) / bw) ** 2)
            for fk, bw, w in zip(formants, (90, 120, 180), (1.0, 0.6, 0.3), strict=False)
        )
        harmonics.append((h, (0.03 + peaks) / h**0.7))
    table = [sum(a * sine[h * i % _TABLE_SIZE] for h, a in harmonics) for i in range(_TABLE_SIZE)]
    peak = max(map(abs, table))
    return [v / peak for v in table]


def _synth_unit(rng: random.Random, tables: list[list[list[float]]]) -> array:
    """A turn of each speaker: syllables (consonant burst + gliding vowel) and pauses.

    Padded to whole frames of 16-bit PCM at a moderate level (peaks near -10 dBFS).
    """
    out: list[float] = []
    for speaker, (pitch, _) in enumerate(_SPEAKERS):
        out += [0.0] * int(SAMPLE_RATE * rng.uniform(0.12, 0.3))  # pause before the turn
        syllables = rng.randint(2, 5)
        for s in range(syllables):
            table = rng.choice(tables[speaker])
            length = int(SAMPLE_RATE * rng.uniform(0.11, 0.24))
            declination = 1.0 - 0.1 * s / syllables
            start = pitch * declination * rng.uniform(0.92, 1.1)
            end = start * rng.uniform(0.85, 1.12)
            loud = rng.uniform(0.6, 1.0)
            burst = int(SAMPLE_RATE * rng.uniform(0.0, 0.035))
            previous = 0.0
            for _ in range(burst):  # crude high-passed noise: a "t", "s" or "k"
                noise = rng.uniform(-1.0, 1.0)
                out.append(0.12 * loud * (noise - previous))
                previous = noise
            phase = 0.0
            step = _TABLE_SIZE / SAMPLE_RATE
            for j in range(length):
                envelope = min(1.0, j / 400, (length - j) / 800)  # 25 ms attack, 50 ms release
                i = int(phase)
                frac = phase - i
                a, b = table[i], table[(i + 1) % _TABLE_SIZE]
                out.append(loud * envelope * (a + (b - a) * frac))
                phase = (phase + (start + (end - start) * j / length) * step) % _TABLE_SIZE
            out += [0.0] * int(SAMPLE_RATE * rng.choice((0.02, 0.04, 0.06, 0.12)))  # word gaps
    out += [0.0] * (-len(out) % FRAME_SAMPLES)
    return array("h", (int(10000 * v) for v in out))


def _encode(pcm: array) -> bytes:
    """Encode one unit with a fresh encoder and check it is only plain, self-contained frames.

    lameenc writes neither ID3 nor a Xing/Info/LAME tag frame and its output
    (including ``flush()``) is whole 144-byte frames; this is verified rather
    than assumed, so a different build fails loudly instead of serving bad files.
    """
    if sys.byteorder == "big":
        pcm.byteswap()  # lameenc wants little-endian samples
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BITRATE // 1000)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_out_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    encoder.set_quality(2)
    encoder.silence()
    data = bytes(encoder.encode(pcm.tobytes()) + encoder.flush())
    frames_ok = all(
        data[at : at + 3] == _HEADER and data[at + 3] >> 6 == 3 for at in range(0, len(data), FRAME_BYTES)
    )
    if not data or len(data) % FRAME_BYTES or not frames_ok or data[4] != 0:
        raise RuntimeError("lameenc output is not plain 16 kHz 32 kbit/s mono frames from a fresh reservoir")
    return data

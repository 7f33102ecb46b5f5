"""The audio cache on its own: paths namespaced by customer and kind, eviction under its bound,
one download for concurrent first plays, and nothing cached from a download cut short. The
serving side (Range, 304, who may listen) is in ``test_listening``."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest

from voiphistory.history import audio_cache
from voiphistory.voipstudio import Unavailable


def test_cache_paths_are_namespaced_by_customer_and_kind(tmp_path):
    path = audio_cache.cache_path(tmp_path, customer_id=100234, kind="monitors", id=7)
    assert path == tmp_path / "100234" / "monitors" / "7.mp3"
    assert audio_cache.cache_path(tmp_path, customer_id=100235, kind="monitors", id=7) != path
    assert audio_cache.cache_path(tmp_path, customer_id=100234, kind="voicemessages", id=7) != path
    for bad in (
        {"customer_id": 0},
        {"customer_id": "100234"},
        {"customer_id": True},
        {"id": -1},
        {"id": "../../100235/monitors/7"},
        {"kind": "../100235"},
        {"kind": "cdrs"},
    ):
        with pytest.raises(ValueError):
            audio_cache.cache_path(tmp_path, **{"customer_id": 100234, "kind": "monitors", "id": 7, **bad})


class FakeStream:
    """Stands in for ``FileStream``: ``size`` bytes in 1000-byte chunks, announcing ``announced``."""

    def __init__(self, size: int, announced: int | None = None, delay: float = 0.0) -> None:
        self.size, self.delay = size, delay
        self.content_length = size if announced is None else announced

    def iter_chunks(self, chunk_size: int = 65_536) -> Iterator[bytes]:
        for start in range(0, self.size, 1000):
            time.sleep(self.delay)
            yield bytes([start // 1000 % 256]) * min(1000, self.size - start)

    def __enter__(self) -> FakeStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass


def open_fake(id: int, size: int = 3000, **stream) -> bytes:
    def fetch() -> FakeStream:
        return FakeStream(size, **stream)

    with audio_cache.open_audio(customer_id=1, kind="monitors", id=id, fetch=fetch) as f:
        return f.read()


def test_eviction_keeps_the_cache_under_its_bound_dropping_the_least_recently_used(settings, tmp_path):
    settings.AUDIO_CACHE_DIR = tmp_path
    settings.AUDIO_CACHE_MAX_BYTES = 7000  # room for two 3000-byte files
    open_fake(1)
    open_fake(2)
    for id, age in ((1, 30), (2, 20)):  # 1 is older than 2 ...
        path = audio_cache.cache_path(tmp_path, customer_id=1, kind="monitors", id=id)
        os.utime(path, (time.time() - age, time.time() - age))
    open_fake(1)  # ... until it is played again
    open_fake(3)
    names = sorted(path.name for path in tmp_path.rglob("*.mp3"))
    assert names == ["1.mp3", "3.mp3"]
    assert sum(path.stat().st_size for path in tmp_path.rglob("*") if path.is_file()) <= 7000


def test_eviction_removes_abandoned_partial_downloads(tmp_path):
    part = tmp_path / "1" / "monitors" / ".5.abc.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"x")
    os.utime(part, (0, 0))
    audio_cache.evict(tmp_path, 10**9)
    assert not part.exists()


def test_concurrent_first_plays_download_once_and_all_get_the_whole_file(settings, tmp_path):
    settings.AUDIO_CACHE_DIR = tmp_path
    fetches: list[int] = []
    results: list[bytes] = []

    def play() -> None:
        def fetch() -> FakeStream:
            fetches.append(1)
            return FakeStream(20_000, delay=0.005)

        with audio_cache.open_audio(customer_id=1, kind="monitors", id=9, fetch=fetch) as f:
            results.append(f.read())

    threads = [threading.Thread(target=play) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fetches) == 1
    assert len(results) == 6 and all(result == results[0] and len(result) == 20_000 for result in results)
    assert [path.name for path in tmp_path.rglob("*") if path.is_file()] == ["9.mp3"]


def test_a_download_that_does_not_match_its_content_length_is_not_cached(settings, tmp_path):
    settings.AUDIO_CACHE_DIR = tmp_path
    with pytest.raises(Unavailable):
        open_fake(4, size=3000, announced=2000)
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []

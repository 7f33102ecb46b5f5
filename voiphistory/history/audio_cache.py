"""A bounded on-disk cache of recordings and voicemail, so the audio proxy can answer Range requests.

VoIPstudio ignores Range and always sends the whole MP3 (docs/voipstudio-api.md, "Files"), so a seek in
the browser would download the file again from the start. The first request for a file streams it
from VoIPstudio into ``AUDIO_CACHE_DIR``; every later request (and every seek) reads the local copy.

- Files live at ``<root>/<customer id>/<kind>/<id>.mp3``: a customer's requests can only ever name
  paths under that customer's directory, so one customer is never served another's file.
- A fill writes to a uniquely named temporary file beside its target and renames it into place, under
  a per-file ``flock``: concurrent first plays download once, and a reader never sees half a file.
- A download shorter than its Content-Length raises ``Unavailable`` and leaves nothing behind.
- After each fill, least-recently-used files (mtime, touched on every hit) are deleted until the
  cache is within ``AUDIO_CACHE_MAX_BYTES`` (a single file larger than that is served, not kept).

Callers get an open file: once open, it stays readable even if eviction deletes its name meanwhile.
This module knows nothing of HTTP requests; the views check access with VoIPstudio before calling it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, Literal

from django.conf import settings

from voiphistory.voipstudio import FileStream, Unavailable

__all__ = ["KINDS", "Kind", "cache_path", "evict", "open_audio"]

Kind = Literal["monitors", "voicemessages"]
KINDS: frozenset[str] = frozenset({"monitors", "voicemessages"})
CHUNK_SIZE = 65_536
# A temporary file untouched this long belongs to a fill whose process died; eviction removes it.
STALE_PART_SECONDS = 3600
_SUFFIX = ".mp3"
_PART_SUFFIX = ".part"


def cache_path(root: Path, *, customer_id: int, kind: str, id: int) -> Path:
    """Where one customer's recording or voicemail is cached. Refuses anything but positive int ids
    and a known kind, so no value can climb out of the customer's directory."""
    for name, value in (("customer_id", customer_id), ("id", id)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, got {kind!r}")
    return Path(root) / str(customer_id) / kind / f"{id}{_SUFFIX}"


def open_audio(*, customer_id: int, kind: Kind, id: int, fetch: Callable[[], FileStream]) -> BinaryIO:
    """The cached file, open for reading; on a miss, ``fetch()`` streams it from VoIPstudio first.

    Raises what ``fetch`` raises (``NotFound``, ``Unavailable``…): then nothing is cached. The
    caller must close the file.
    """
    root = Path(settings.AUDIO_CACHE_DIR)
    path = cache_path(root, customer_id=customer_id, kind=kind, id=id)
    cached = _open_hit(path)
    if cached is not None:
        return cached
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path.with_name(path.name + ".lock")):
        cached = _open_hit(path)  # another request filled it while this one waited for the lock
        if cached is None:
            with fetch() as stream:
                cached = _fill(path, stream)
    try:
        evict(root, settings.AUDIO_CACHE_MAX_BYTES)
    except OSError:
        cached.close()
        raise
    return cached


def evict(root: Path, max_bytes: int) -> int:
    """Delete least-recently-used cached files until the total is at most ``max_bytes``; also
    remove temporary files abandoned by dead fills. Returns how many cached files were deleted."""
    entries: list[tuple[float, int, Path]] = []
    stale_before = time.time() - STALE_PART_SECONDS
    for path in Path(root).glob("*/*/*"):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue  # evicted or renamed by another process meanwhile
        if path.suffix == _SUFFIX:
            entries.append((stat.st_mtime, stat.st_size, path))
        elif path.suffix == _PART_SUFFIX and stat.st_mtime < stale_before:
            path.unlink(missing_ok=True)
    total = sum(size for _, size, _ in entries)
    deleted = 0
    for _, size, path in sorted(entries, key=lambda entry: entry[0]):
        if total <= max_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size
        deleted += 1
    return deleted


def _open_hit(path: Path) -> BinaryIO | None:
    try:
        cached = path.open("rb")
    except FileNotFoundError:
        return None
    with contextlib.suppress(OSError):
        os.utime(cached.fileno())  # recently used: evicted last
    return cached


def _fill(path: Path, stream: FileStream) -> BinaryIO:
    """Stream into a temporary file beside ``path``, check its length, rename it into place.

    Returns the new file open for reading (opened before the rename, so eviction cannot race it).
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=_PART_SUFFIX)
    try:
        written = 0
        with os.fdopen(fd, "wb") as out:
            for chunk in stream.iter_chunks(CHUNK_SIZE):
                out.write(chunk)
                written += len(chunk)
        # FileStream already raises on a short body; this also catches a body longer than announced.
        if stream.content_length is not None and written != stream.content_length:
            raise Unavailable(
                f"the file from VoIPstudio was {written} bytes, not the {stream.content_length} it announced"
            )
        cached = open(temporary, "rb")  # noqa: SIM115 - handed to the caller, who closes it
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return cached


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_path``, deleting the lock file on release.

    Deleting a lock file is safe only because a waiter re-checks, once it holds the lock, that the
    file it locked is still the one at ``lock_path``; otherwise it starts over on the new file.
    """
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            locked = os.fstat(fd)
            try:
                current = os.stat(lock_path)
            except FileNotFoundError:
                current = None
        except BaseException:
            os.close(fd)
            raise
        if current is not None and (current.st_dev, current.st_ino) == (locked.st_dev, locked.st_ino):
            break
        os.close(fd)
    try:
        yield
    finally:
        lock_path.unlink(missing_ok=True)
        os.close(fd)

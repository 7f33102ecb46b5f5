"""The ``Content-Disposition`` of every download whose name is made of data (a recording's parties,
an export's period): one place that makes a name safe to send and to save."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_UNSAFE = re.compile(r'[/\\:*?"<>|;]+')


def _without_controls(text: str) -> str:
    """Format characters (bidi overrides and isolates, zero-width marks: ``Cf``) go, so that
    "invoice\u202egpj.exe" cannot show as "invoiceexe.jpg"; other control characters, line and
    paragraph separators become spaces."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        kept.append(" " if category in ("Cc", "Zl", "Zp") else char)
    return "".join(kept)


def attachment_header(filename: str, fallback: str = "download") -> str:
    """``attachment; filename="…"; filename*=UTF-8''…`` (RFC 6266): a plain ASCII name for old
    clients, the exact name for the rest; neither can carry a path, quote or control character."""
    filename = _without_controls(filename)
    stem, dot, extension = filename.rpartition(".")
    extension = re.sub(r"[^A-Za-z0-9]", "", extension)[:10] if dot else ""
    stem = _UNSAFE.sub(" ", stem if dot else filename)
    stem = re.sub(r"\s+", " ", stem).strip(" .")[:150] or fallback
    suffix = f".{extension}" if extension else ""
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = re.sub(r"\s+", " ", re.sub(r"[^A-Za-z0-9 +'(),._-]", "", ascii_stem)).strip(" .") or fallback
    return f"attachment; filename=\"{ascii_stem}{suffix}\"; filename*=UTF-8''{quote(stem + suffix, safe='')}"

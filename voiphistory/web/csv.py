"""The conventions of every CSV file the dashboard writes (exports, archive manifests, the audit log).

Excel's dialect (comma, CRLF, quotes where needed: a cell may hold newlines), a UTF-8 BOM first
(Excel reads it as "this is UTF-8"), times as ``TIME_FORMAT`` in the zone the header names.

Values are as they are: phone numbers are E.164 (``+441211794264``), extensions as the API gives
them, no leading ``'``. Only a cell a spreadsheet could run as a formula is neutralised (OWASP "CSV
injection"): one whose first non-space character is ``=``, ``+``, ``-``, ``@``, tab or CR gets a
leading ``'`` — except a cell that is exactly ``+`` followed by digits (an E.164 number): a
spreadsheet reads that as a positive number or as text, never as a formula that calls anything,
and rewriting it would corrupt the number. "+44 20" (with a space) or "+1+1" are not exempt: they
are not numbers, and may be formula fragments.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["BOM", "CONTROL_STARTS", "DIALECT", "FORMULA_STARTS", "TIME_FORMAT", "neutralise"]

BOM: Final = "\ufeff"
DIALECT: Final = "excel"
TIME_FORMAT: Final = "%Y-%m-%d %H:%M:%S"
FORMULA_STARTS: Final = ("=", "+", "-", "@")
CONTROL_STARTS: Final = ("\t", "\r")
_E164 = re.compile(r"\+[0-9]{1,20}")


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet will show it, never as a formula it would run."""
    if _E164.fullmatch(text):
        return text
    if text.lstrip(" \u00a0").startswith(FORMULA_STARTS + CONTROL_STARTS):
        return "'" + text
    return text

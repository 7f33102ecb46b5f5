"""The URLs a table row links to, built from a pattern resolved once per URL name.

A 25-row table links each row to its audio, its delete, its edit…: ``reverse`` for each costs more
than the row's cells. ``id_url("history:recording_audio", 42)`` is ``reverse`` with the same
answer, from the pattern reversed once with a stand-in id.
"""

from __future__ import annotations

import functools

from django.urls import reverse

_STAND_IN = 987654321  # an id no URL holds otherwise: replaced by the row's


@functools.cache
def _pattern(name: str, fixed: tuple[object, ...]) -> tuple[str, str]:
    head, found, tail = reverse(name, args=[*fixed, _STAND_IN]).rpartition(str(_STAND_IN))
    if not found:
        raise ValueError(f"{name} does not end in an id")
    return head, tail


def id_url(name: str, *args: int | str) -> str:
    """The URL ``name`` of one item: ``args`` are the URL's arguments, the item's id last."""
    *fixed, id = args
    head, tail = _pattern(name, tuple(fixed))
    return f"{head}{int(id)}{tail}"

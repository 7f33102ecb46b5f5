"""The inline player of one recording or voicemail, as HTML: ``{% player src title … %}``.

Only the audio element and what the script needs to know (its title, length, where playing marks it
heard); the controls are in the page once (``templates/history/player.html``, the "controls"
partial, in base.html's ``<template id="player-controls">``) and static/js/player.js gives each
player its copy. Without JavaScript the browser's own audio controls show, with a download link for
browsers that cannot play it. Built in Python, not included per row: a table has one per row.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def player_html(
    src: str, title: str, *, duration: object = None, heard_url: str = "", download: bool = True
) -> SafeString:
    """``src``: the MP3 (history:recording_audio or history:voicemail_audio); ``title``: what plays,
    in words (names the player for screen readers); ``duration``: the record's seconds, shown until
    the audio's own length is known; ``heard_url``: a new voicemail's history:voicemail_played, which
    player.js POSTs to once playback has started; ``download``: offer ``src?download=1``."""
    data = format_html(' data-duration="{}"', duration) if duration else ""
    if heard_url:
        data += format_html(' data-player-heard-url="{}"', heard_url)
    fallback = format_html('<a href="{}?download=1">Download the audio</a>', src) if download else ""
    return format_html(
        '<div class="player" data-player role="group" aria-label="{}"{}>'
        '<audio preload="none" src="{}" controls data-player-audio>{}</audio></div>',
        title,
        mark_safe(data),
        src,
        fallback,
    )

"""What VoIPstudio's coded values mean where the History reference does not say.

The reference documents CDR ``type`` and ``disposition`` but not voicemail ``folder`` numbers,
monitor ``sentiment`` codes or chat ``state`` (docs/voipstudio-api.md, "Codes the reference leaves
open"). ``Codes`` holds those choices; the caller passes them in (the dashboard builds them from its
settings, ``VOIPSTUDIO_VOICEMAIL_FOLDERS`` and ``VOIPSTUDIO_SENTIMENTS``), the default is the
Asterisk numbering the emulator's default profile serves. A code that is not in ``Codes`` is kept
raw (``Raw``), never guessed at.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

__all__ = [
    "DEFAULT_FOLDERS",
    "DEFAULT_SENTIMENTS",
    "Code",
    "Codes",
    "Sentiment",
    "VoicemailFolder",
    "code_key",
]

#: A code as the API sends it: an int (or a decimal string, read as the int) or a word.
type Code = int | str


class Sentiment(IntEnum):
    """A recording's sentiment. The int is an ordinal (negative < neutral < positive) for
    counting, not the API's code: that is in ``Codes.sentiments``. PATCH takes the word."""

    NEGATIVE = 0
    NEUTRAL = 1
    POSITIVE = 2

    @property
    def api_word(self) -> str:
        return self.name.lower()

    @classmethod
    def from_word(cls, word: str) -> Sentiment | None:
        return cls.__members__.get(word.strip().upper())

    @classmethod
    def from_api(cls, value: Any, codes: Codes | None = None) -> Sentiment | None:
        """The sentiment of a code or word; None when unknown (``Codes.sentiment``)."""
        return (codes or DEFAULT_CODES).sentiment(value)


class VoicemailFolder(StrEnum):
    """Asterisk's standard voicemail folders, by the name bulk PATCH takes. A message's folder is
    its name (this member when it is a standard one); which number means which is ``Codes``."""

    INBOX = "INBOX"
    OLD = "Old"
    WORK = "Work"
    FAMILY = "Family"
    FRIENDS = "Friends"

    @property
    def api_name(self) -> str:
        return self.value

    @classmethod
    def from_api(cls, value: Any) -> VoicemailFolder:
        """A standard folder by its name, in any case (``"old"`` is OLD)."""
        for folder in cls:
            if isinstance(value, str) and value.strip().lower() == folder.value.lower():
                return folder
        raise ValueError(f"not a standard voicemail folder: {value!r}")


def code_key(value: Any) -> Code | None:
    """A code in one form: ints and decimal strings as int, other text stripped; else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
        return text or None
    return None


DEFAULT_FOLDERS: dict[str, Code] = {
    folder.value: number for number, folder in enumerate(VoicemailFolder, start=1)
}
DEFAULT_SENTIMENTS: dict[str, Code] = {"negative": 0, "neutral": 1, "positive": 2}


@dataclass(frozen=True)
class Codes:
    """``folders``: folder name → code (``{"INBOX": 1, "Old": 2, …}``, any extra folder a server
    has may be added: ``"Urgent": 5``). ``sentiments``: word → code."""

    folders: Mapping[str, Code] = field(default_factory=lambda: dict(DEFAULT_FOLDERS))
    sentiments: Mapping[str, Code] = field(default_factory=lambda: dict(DEFAULT_SENTIMENTS))

    def __post_init__(self) -> None:
        folders = {str(name).strip(): code_key(code) for name, code in self.folders.items()}
        sentiments = {str(word).strip().lower(): code_key(code) for word, code in self.sentiments.items()}
        if not folders or any(not name or code is None for name, code in folders.items()):
            raise ValueError("voicemail folders must map non-empty names to codes")
        if set(sentiments) != {s.api_word for s in Sentiment} or None in sentiments.values():
            raise ValueError("sentiments must map exactly negative, neutral and positive to codes")
        for what, mapping in (("folder", folders), ("sentiment", sentiments)):
            if len(set(mapping.values())) != len(mapping):
                raise ValueError(f"two {what}s share one code")
        object.__setattr__(self, "folders", folders)
        object.__setattr__(self, "sentiments", sentiments)

    # --- voicemail folders ---------------------------------------------------------------------

    def folder_name(self, value: Any) -> str | None:
        """The folder a code (or a folder name, some servers send names) stands for; None when
        unknown. A standard folder comes back as its ``VoicemailFolder`` member."""
        key = code_key(value)
        for name, code in self.folders.items():
            if code == key or (isinstance(key, str) and key.lower() == name.lower()):
                return _standard(name)
        return None

    def folder_code(self, name: str) -> Code | None:
        wanted = str(name).strip().lower()
        return next((code for folder, code in self.folders.items() if folder.lower() == wanted), None)

    @property
    def folder_names(self) -> list[str]:
        return [_standard(name) for name in self.folders]

    # --- sentiment -------------------------------------------------------------------------------

    def sentiment(self, value: Any) -> Sentiment | None:
        """The sentiment a code (or its word) stands for; None when unknown or empty."""
        key = code_key(value)
        for word, code in self.sentiments.items():
            if code == key:
                return Sentiment[word.upper()]
        return Sentiment.from_word(key) if isinstance(key, str) else None

    def sentiment_code(self, sentiment: Sentiment) -> Code:
        return self.sentiments[Sentiment(sentiment).api_word]


def _standard(name: str) -> str:
    try:
        return VoicemailFolder.from_api(name)
    except ValueError:
        return name


DEFAULT_CODES = Codes()

"""Form fields shared by every app's forms."""

from __future__ import annotations

from django import forms

from voiphistory.voipstudio.filters import MAX_ID


class PositiveIdsField(forms.TypedMultipleChoiceField):
    """Ids ticked on a page: any positive id may be posted; the client validates it again before
    any URL is built."""

    def valid_value(self, value: object) -> bool:
        text = str(value)
        return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID

"""The overview's choices, validated like the tables' (bad input falls back to the default)."""

from __future__ import annotations

from django import forms

from voiphistory.overview.followup import Status
from voiphistory.overview.stats import DEFAULT_PERIOD, PERIODS


class OverviewQuery(forms.Form):
    period = forms.ChoiceField(choices=list(PERIODS.items()), required=False)
    status = forms.ChoiceField(choices=[("", "All"), *((s.value, s.label) for s in Status)], required=False)
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)

    def value(self, name: str, default: object = "") -> object:
        if not self.is_valid():
            return {"period": DEFAULT_PERIOD, "status": Status.NOT_RETURNED.value, "page": 1}.get(
                name, default
            )
        return self.cleaned_data.get(name) or default

    @property
    def period_key(self) -> str:
        return str(self.value("period", DEFAULT_PERIOD))

    @property
    def status_filter(self) -> str:
        """A ``Status`` value, or "" for all of them."""
        return str(self.value("status", ""))

    @property
    def page_number(self) -> int:
        page = self.value("page", 1)
        return page if isinstance(page, int) else 1

"""What a supervisor may ask of the audit log: who, which action, which days. From the query string."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from voiphistory.audit.models import Action
from voiphistory.web.dates import DayField, day_bounds

PAGE_SIZE = 50


class AuditQuery(forms.Form):
    user = forms.CharField(
        label="Person (email)",
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "name@example.com"}),
    )
    action = forms.ChoiceField(label="Action", required=False, choices=[("", "Any"), *Action.choices])
    start = DayField(
        label="From", required=False
    )  # the days the tables accept, so year 1 is an error here too
    end = DayField(label="To", required=False)
    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, object]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The last day must not be before the first.")
        return data

    def lookups(self) -> dict:
        """The ORM filters (never SQL text): days are the supervisor's, as [start, end + 1 day)."""
        data, zone = self.cleaned_data, timezone.get_current_timezone()
        lookups: dict = {}
        if data.get("user"):
            lookups["email__icontains"] = data["user"]
        if data.get("action"):
            lookups["action"] = data["action"]
        start, end = day_bounds(data.get("start"), data.get("end"), zone)
        if start:
            lookups["created_at__gte"] = start
        if end:
            lookups["created_at__lt"] = end
        return lookups

    @property
    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1

"""What a supervisor may ask of a table in bulk, validated before any job exists."""

from __future__ import annotations

from django import forms
from django.conf import settings

from voiphistory.history.catalog import BY_SLUG, SECTIONS, WIPEABLE
from voiphistory.web.fields import PositiveIdsField

ACTIONS = {
    "delete": "Delete selected",
    "delete_matching": "Delete all matching",
    "export": "Export CSV",
    "export_xlsx": "Export to Excel",
    "archive": "Download selected recordings (ZIP)",
    "archive_matching": "Download all matching recordings (ZIP)",
}


class BulkForm(forms.Form):
    section = forms.ChoiceField(choices=[(s.slug, s.title) for s in SECTIONS])
    action = forms.ChoiceField(choices=list(ACTIONS.items()))
    ids = PositiveIdsField(coerce=int, required=False)
    query = forms.CharField(required=False, max_length=4000)
    confirm = forms.CharField(required=False, max_length=20, strip=True)
    # How many matched when the confirmation was shown: a different count now asks again.
    count = forms.IntegerField(required=False, min_value=0)

    def clean(self) -> dict[str, object]:
        super().clean()
        data = self.cleaned_data
        section, action = BY_SLUG.get(data.get("section", "")), data.get("action", "")
        if section is None or not action:
            return data
        if action.startswith("delete") and not section.deletable:
            raise forms.ValidationError(f"{section.title} cannot be deleted from here.")
        if action.startswith("archive") and not section.archivable:
            raise forms.ValidationError("Only recordings can be downloaded as an archive.")
        if action in ("delete", "archive") and not data.get("ids"):
            raise forms.ValidationError(f"Select at least one {section.noun}.")
        data["ids"] = list(dict.fromkeys(data.get("ids") or []))
        if len(data["ids"]) > settings.JOBS_MAX_IDS:
            raise forms.ValidationError(
                f"{len(data['ids']):,} {section.noun}s were selected; at most {settings.JOBS_MAX_IDS:,} can be acted on "
                f"at once. Select fewer, or filter the table and use “all matching”."
            )
        return data

    @property
    def section_obj(self):
        return BY_SLUG[self.cleaned_data["section"]]

    @property
    def kind(self) -> str:
        return {
            "delete": "delete",
            "delete_matching": "delete",
            "export": "export",
            "export_xlsx": "xlsx_export",
            "archive": "archive",
            "archive_matching": "archive",
        }[self.cleaned_data["action"]]

    @property
    def matching(self) -> bool:
        return self.cleaned_data["action"].endswith("_matching") or self.cleaned_data["action"].startswith(
            "export"
        )

    @property
    def shows_scope(self) -> bool:
        """Deleting everything matching, and exports, are confirmed with their scope and count."""
        return self.cleaned_data["action"] in ("delete_matching", "export", "export_xlsx")


class DeleteAllForm(forms.Form):
    """Emptying a whole collection: the supervisor types its name to confirm."""

    collection = forms.ChoiceField(choices=[(c.slug, c.title) for c in WIPEABLE])
    confirm = forms.CharField(max_length=100, strip=True)

    def clean(self) -> dict[str, object]:
        super().clean()
        data = self.cleaned_data
        slug = data.get("collection")
        if slug and data.get("confirm", "").casefold() != self.phrase(slug).casefold():
            self.add_error("confirm", f'Type "{self.phrase(slug)}" to confirm.')
        return data

    @staticmethod
    def phrase(slug: str) -> str:
        return f"delete all {next(c.title for c in WIPEABLE if c.slug == slug).lower()}"

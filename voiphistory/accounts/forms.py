from __future__ import annotations

import functools
import re
import zoneinfo

from django import forms

CODE_LENGTH = 6


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    zones = zoneinfo.available_timezones() - {"localtime", "Factory"}
    return [(zone, zone.replace("_", " ")) for zone in sorted(zones | {"UTC"})]


class _Form(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SignInForm(_Form):
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=4096,
        # PasswordInput never renders the typed value back.
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.data.get("email"):
            # Shown again after a refusal: the email is kept, the password is what to retype.
            del self.fields["email"].widget.attrs["autofocus"]
            self.fields["password"].widget.attrs["autofocus"] = True


class TwoFactorForm(_Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s+", "", self.cleaned_data["code"])
        if not re.fullmatch(rf"[0-9]{{{CODE_LENGTH}}}", code):
            raise forms.ValidationError(f"Enter the {CODE_LENGTH} digits your authenticator app shows.")
        return code


class PreferencesForm(_Form):
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=time_zone_choices,
        help_text="Dates and times in the dashboard are shown in this zone.",
    )

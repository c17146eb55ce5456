"""The one field two-factor pages ask for: the six-digit code."""

from __future__ import annotations

from django import forms


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label="Code from your authenticator app",
        help_text="Six digits; a new one every 30 seconds.",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def clean_otp_token(self) -> str:
        token = self.cleaned_data["otp_token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("Type only the digits your app shows.")
        return token

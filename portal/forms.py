"""The runner's forms: the date of birth that opens a link (the questionnaires are rehab's
``OutcomeForm``, built from the scorer's own catalogue)."""

from __future__ import annotations

from django import forms


class BirthDateForm(forms.Form):
    date_of_birth = forms.DateField(
        label="Your date of birth",
        help_text="To make sure this link is opened by you.",
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        error_messages={"required": "Enter your date of birth.", "invalid": "Enter a date."},
    )

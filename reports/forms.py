"""The reports app's one form: sending the discharge letter, with the patient's consent."""

from django import forms


class LetterSendForm(forms.Form):
    consent = forms.BooleanField(
        required=False,
        label="The patient agreed that we send this letter to their referrer",
    )
    consent_note = forms.CharField(
        required=False,
        max_length=2000,
        label="How the patient agreed (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

"""The runner's forms: the date of birth that opens a link, the day's exercises, a run and
the next morning's pain (the questionnaires are rehab's ``OutcomeForm``, built from the
scorer's own catalogue)."""

from __future__ import annotations

from django import forms

from clinic import bounds
from clinic.measures import NPRS_MAX, NPRS_MIN
from rehab.models import RUN_DISTANCE_KM_MAX, RUN_MINUTES_MAX


class BirthDateForm(forms.Form):
    date_of_birth = forms.DateField(
        label="Your date of birth",
        help_text="To make sure this link is opened by you.",
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        error_messages={"required": "Enter your date of birth.", "invalid": "Enter a date."},
    )


# --- Between visits: the day's exercises, a run, the next morning ------------------------------

PAIN_HINT = "0 = no pain at all, 10 = the worst pain you can imagine."
PAIN_CHOICES = [(str(n), str(n)) for n in range(NPRS_MIN, NPRS_MAX + 1)]


def pain_field(label: str, *, required: bool = True) -> forms.TypedChoiceField:
    """A pain score 0-10 as eleven big radio buttons (no typing on a phone)."""
    return forms.TypedChoiceField(
        label=label,
        choices=PAIN_CHOICES,
        coerce=int,
        required=required,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text=PAIN_HINT,
        error_messages={
            "required": "Choose a number from 0 to 10.",
            "invalid_choice": "Choose a number from 0 to 10.",
        },
    )


class ExercisesDoneForm(forms.Form):
    """Today's exercises: a tick per exercise done and the pain felt doing them."""

    completed = forms.TypedMultipleChoiceField(
        label="The exercises you did today",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Tick only the exercises on this page."},
    )
    pain = pain_field("Your pain during the exercises")

    def __init__(self, *args, items=(), already_logged: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed"].choices = [(item.pk, str(item.exercise)) for item in items]
        self.already_logged = already_logged

    def clean(self):
        data = super().clean()
        # Unticking everything later in the day is a change; an empty first submission is not.
        if not data.get("completed") and not self.already_logged and "completed" in data:
            self.add_error("completed", "Tick the exercises you did today.")
        return data


class RunnerRunForm(forms.Form):
    """A run, as the runner tells it just after."""

    date = forms.DateField(
        label="The day of your run",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[bounds.validate_clinic_date],
        error_messages={"required": "Enter the day of your run.", "invalid": "Enter a date."},
    )
    minutes = forms.IntegerField(
        label="How long it took, in minutes",
        help_text="Running and walking together.",
        min_value=1,
        max_value=RUN_MINUTES_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many minutes it took.",
            "invalid": "Enter a whole number of minutes.",
            "min_value": "Enter at least 1 minute.",
            "max_value": f"Enter at most {RUN_MINUTES_MAX} minutes.",
        },
    )
    distance_km = forms.DecimalField(
        label="Distance in kilometres (if you know it)",
        required=False,
        min_value=0,
        max_value=RUN_DISTANCE_KM_MAX,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        error_messages={
            "invalid": "Enter a number of kilometres, for example 3.5.",
            "max_value": f"Enter at most {RUN_DISTANCE_KM_MAX} km.",
            "max_decimal_places": "Use at most 2 digits after the point.",
        },
    )
    pain_during = pain_field("Your pain during the run")
    pain_after = pain_field("Your pain just after the run")


class MorningPainForm(forms.Form):
    """The morning after a run: how the ankle feels on getting up."""

    pain_next_morning = pain_field("Your pain this morning")

"""The article's questionnaire in plain words (the patient form is clinic.forms)."""

from __future__ import annotations

from django import forms

from clinic import bounds
from clinic.measures import NPRS_MAX
from clinic.models import Side
from clinic.selectors import doctors
from diary.models import BOOKING_MINUTES_MAX, BOOKING_MINUTES_MIN, Room
from triage import rules
from triage.models import Ability, Mechanism, Onset, PainLocation, Swelling
from triage.vocabulary import SAFETY_QUESTION_LABELS, SAFETY_QUESTIONS

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


def _radios(label: str, choices, help_text: str = "", required: bool = True):
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
    )


def _nprs(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text="0 = no pain, 10 = the worst pain imaginable.",
        min_value=0,
        max_value=NPRS_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class IntakeForm(forms.Form):
    """The questionnaire, grouped as the article groups it."""

    # What happened
    onset = _radios("How did the pain start?", Onset.choices)
    mechanism = _radios(
        "If it was an injury: what happened?",
        Mechanism.choices,
        help_text="Only for an injury. Leave empty if the pain came on gradually.",
        required=False,
    )
    # What you feel
    swelling = _radios("Is the ankle swollen?", Swelling.choices)
    hematoma = _yes_no("Is there bruising?", "Bruising is a sign of bleeding under the skin.")
    mobility = _radios("Can you move your ankle?", Ability.choices)
    weight_bearing = _radios("Can you stand on the foot?", Ability.choices)
    pain_location = _radios("Where does it hurt?", PainLocation.choices)
    side = _radios("Which ankle?", Side.choices)
    pain_at_rest = _nprs("Pain at rest, from 0 to 10")
    pain_after_running = _nprs("Pain after running, from 0 to 10")
    pain_duration_days = forms.IntegerField(
        label="How many days has it hurt?",
        min_value=0,
        max_value=rules.PAIN_DURATION_DAYS_MAX,
        widget=forms.NumberInput,
    )
    # Your running
    still_running = _yes_no("Are you still running?")
    weekly_distance_km = forms.DecimalField(
        label="How many kilometres do you run in a week?",
        min_value=0,
        max_value=rules.WEEKLY_DISTANCE_KM_MAX,
        max_digits=4,
        decimal_places=1,
        help_text="Your usual week, before the pain. 0 if you don't run yet.",
    )
    recent_training_change = _yes_no(
        "Have you changed your training recently?", "More distance, speed, hills or sessions."
    )
    recent_shoe_change = _yes_no("Have you changed your running shoes recently?")
    known_flat_feet = _yes_no("Have you been told you have flat feet?")
    previous_sprains = forms.IntegerField(
        label="How many times have you sprained this ankle before?",
        min_value=0,
        max_value=rules.PREVIOUS_SPRAINS_MAX,
    )

    # Safety questions: each needs a yes or a no (a red flag not asked is a red flag missed).
    calf_pain_or_swelling = _yes_no(
        SAFETY_QUESTION_LABELS["calf_pain_or_swelling"],
        "Especially after wearing a boot or a cast.",
    )
    fever_or_hot_red_joint = _yes_no(SAFETY_QUESTION_LABELS["fever_or_hot_red_joint"])
    numbness_or_cold_foot = _yes_no(SAFETY_QUESTION_LABELS["numbness_or_cold_foot"])
    night_pain = _yes_no(SAFETY_QUESTION_LABELS["night_pain"])
    focal_bone_pain = _yes_no(SAFETY_QUESTION_LABELS["focal_bone_pain"])

    GROUPS = (
        ("What happened", ("onset", "mechanism")),
        (
            "What you feel",
            (
                "swelling",
                "hematoma",
                "mobility",
                "weight_bearing",
                "pain_location",
                "side",
                "pain_at_rest",
                "pain_after_running",
                "pain_duration_days",
            ),
        ),
        (
            "Your running",
            (
                "still_running",
                "weekly_distance_km",
                "recent_training_change",
                "recent_shoe_change",
                "known_flat_feet",
                "previous_sprains",
            ),
        ),
        ("Safety questions", SAFETY_QUESTIONS),
    )

    def groups(self):
        """The fields by heading, for the template."""
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]

    def clean(self):
        data = super().clean()
        if data.get("mechanism") == "":
            data["mechanism"] = None
        # The cross-field rules live in triage.rules; add what they find about fields that
        # have no error yet (the mechanism, chiefly).
        for field, messages in rules.validate_questionnaire(data).items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return data


class UrgentConsultationForm(forms.Form):
    """The offer the triage result showed: the doctor and the start, both hidden."""

    doctor = forms.ModelChoiceField(queryset=doctors(), widget=forms.HiddenInput)
    scheduled_at = forms.DateTimeField(widget=forms.HiddenInput)


DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ConsultationForm(forms.Form):
    """Reception (or a doctor) books a doctor's consultation: which case, with whom, when."""

    case = forms.ModelChoiceField(queryset=None, label="Patient and case", empty_label="Choose…")
    doctor = forms.ModelChoiceField(queryset=doctors(), label="Doctor", empty_label="Choose…")
    scheduled_at = forms.DateTimeField(
        label="Date and time",
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M"],
        validators=[bounds.validate_clinic_datetime],
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=BOOKING_MINUTES_MIN,
        max_value=BOOKING_MINUTES_MAX,
        required=False,
        help_text="Empty: the consultation's usual length.",
    )
    room = forms.ModelChoiceField(
        queryset=Room.objects.filter(active=True).order_by("name"),
        label="Room",
        required=False,
        blank=True,  # a radio button for "the usual room" too
        empty_label="The doctor's usual room",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda case: (
            f"{case.patient.family_name.upper()}, {case.patient.given_name} "
            f"({case.patient.mrn}) — case #{case.pk}"
        )
        self.fields["doctor"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )

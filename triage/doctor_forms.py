"""Forms of the doctors' pages. They validate input only; the writes are the services'."""

from __future__ import annotations

from django import forms

from clinic import bounds
from clinic.measures import DORSIFLEXION_MAX_DEG, DORSIFLEXION_MIN_DEG
from clinic.models import CaseStatus, Urgency
from triage.models import (
    ConsultationStatus,
    DiagnosisStatus,
    Examination,
    Laterality,
    Modality,
)
from triage.rules import PAIN_DURATION_DAYS_MAX
from triage.selectors import conditions
from triage.services.examinations import EXAM_FIELDS
from triage.vocabulary import OTTAWA_EXCLUSION_LABELS


class CaseFilterForm(forms.Form):
    status = forms.MultipleChoiceField(
        choices=CaseStatus.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    urgency = forms.MultipleChoiceField(
        choices=Urgency.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    include_ended = forms.BooleanField(label="Include discharged and closed cases", required=False)


class ExaminationForm(forms.ModelForm):
    days_since_injury = forms.IntegerField(
        label="Days since the injury",
        required=False,
        min_value=0,
        max_value=PAIN_DURATION_DAYS_MAX,
        help_text="Leave empty to count from the questionnaire (days of pain at intake plus "
        "the days since). The Ottawa rules apply in the first 10 days.",
    )
    ottawa_exclusions = forms.MultipleChoiceField(
        label="Ottawa exclusions",
        required=False,
        choices=list(OTTAWA_EXCLUSION_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="Any of these puts the patient outside the Ottawa rules.",
    )
    dorsiflexion_deg = forms.IntegerField(
        label="Ankle dorsiflexion (degrees)",
        required=False,
        min_value=DORSIFLEXION_MIN_DEG,
        max_value=DORSIFLEXION_MAX_DEG,
        help_text=f"Weight-bearing lunge, {DORSIFLEXION_MIN_DEG} to {DORSIFLEXION_MAX_DEG}. "
        "Leave empty if not measured.",
    )

    class Meta:
        model = Examination
        fields = list(EXAM_FIELDS)
        widgets = {
            "thompson_test": forms.RadioSelect,
            "anterior_drawer": forms.RadioSelect,
            "squeeze_test": forms.RadioSelect,
            "external_rotation_test": forms.RadioSelect,
            "foot_posture": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "thompson_test": "Thompson test (calf squeeze)",
            "anterior_drawer": "Anterior drawer test",
            "squeeze_test": "Squeeze test (syndesmosis)",
            "external_rotation_test": "External-rotation test (syndesmosis)",
            "foot_posture": "Foot posture",
            "notes": "Clinical notes",
        }
        help_texts = {
            "thompson_test": "Positive: no plantar flexion when the calf is squeezed.",
            "squeeze_test": "Positive: squeezing the mid-calf hurts at the ankle.",
            "external_rotation_test": "Positive: turning the foot out hurts over the syndesmosis.",
        }

    # The syndesmosis tests are optional: left unanswered, they were not done.
    OPTIONAL_TESTS = ("squeeze_test", "external_rotation_test")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.OPTIONAL_TESTS:
            self.fields[name].required = False

    def findings(self) -> dict:
        findings = {name: self.cleaned_data[name] for name in EXAM_FIELDS}
        for name in self.OPTIONAL_TESTS:
            findings[name] = findings[name] or "not_done"
        return findings


class DiagnosisForm(forms.Form):
    condition = forms.ModelChoiceField(
        queryset=conditions(),
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
        label="Condition",
    )
    laterality = forms.ChoiceField(
        choices=Laterality.choices, widget=forms.RadioSelect, label="Side"
    )
    status = forms.ChoiceField(
        choices=[
            (DiagnosisStatus.PROVISIONAL, "Provisional — to be confirmed"),
            (DiagnosisStatus.CONFIRMED, "Confirmed"),
        ],
        initial=DiagnosisStatus.PROVISIONAL,
        widget=forms.RadioSelect,
        label="Status",
    )
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Clinical notes"
    )


class ReferralForm(forms.Form):
    modality = forms.ChoiceField(choices=Modality.choices, widget=forms.RadioSelect)
    body_site = forms.CharField(
        max_length=64, label="Body site", help_text="e.g. ankle, foot, Achilles tendon"
    )
    laterality = forms.ChoiceField(
        choices=Laterality.choices, widget=forms.RadioSelect, label="Side"
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Clinical question for the radiologist",
        required=False,
        help_text="When ordered from an exam, its rationale is used if you leave this empty.",
    )
    override_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why order against the exam's recommendation?",
        required=False,
        help_text="Required when the exam did not recommend this study.",
    )


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label="Appointment date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        error_messages={"required": "Give the date and time of the appointment."},
        validators=[bounds.validate_clinic_datetime],
    )


class PerformForm(forms.Form):
    pass


class ReportForm(forms.Form):
    report = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Radiologist's report",
        error_messages={"required": "Enter the radiologist's report."},
    )


class ReviewForm(forms.Form):
    review_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Review note", required=False
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for cancelling",
        error_messages={"required": "Say why the referral is cancelled."},
    )


STEP_FORMS: dict[str, type[forms.Form]] = {
    "schedule": ScheduleForm,
    "perform": PerformForm,
    "report": ReportForm,
    "review": ReviewForm,
    "cancel": CancelForm,
}


class ConsultationRecordForm(forms.Form):
    """What happened at a consultation: the button pressed (attended or did not attend) and
    the doctor's notes. The rules (no notes for a missed one, not in the future) are the
    service's."""

    status = forms.ChoiceField(
        choices=[
            (ConsultationStatus.ATTENDED, "Attended"),
            (ConsultationStatus.NO_SHOW, "Did not attend"),
        ],
        label="What happened",
        error_messages={"required": "Press Attended or Did not attend."},
    )
    notes = forms.CharField(
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Clinical notes",
        help_text="What the patient said, what you found and advised. Only clinicians read them.",
    )

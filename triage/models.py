"""Intake questionnaire and triage (examination, diagnoses and imaging follow)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.history import HistoricalRecords
from clinic.measures import DORSIFLEXION_MAX_DEG, DORSIFLEXION_MIN_DEG, NPRS_MAX
from clinic.models import Case, Side, text_choices
from diary.models import Booking, Room
from triage import vocabulary

# The vocabulary's word lists (triage.vocabulary) as the models, forms and admin show them.
Onset = text_choices("Onset", vocabulary.ONSET_LABELS, module=__name__)
Mechanism = text_choices("Mechanism", vocabulary.MECHANISM_LABELS, module=__name__)
Swelling = text_choices("Swelling", vocabulary.SWELLING_LABELS, module=__name__)
Ability = text_choices("Ability", vocabulary.ABILITY_LABELS, module=__name__)
PainLocation = text_choices("PainLocation", vocabulary.PAIN_LOCATION_LABELS, module=__name__)
Pathway = text_choices("Pathway", vocabulary.PATHWAY_LABELS, module=__name__)
TestResult = text_choices("TestResult", vocabulary.TEST_RESULT_LABELS, module=__name__)
Laterality = text_choices("Laterality", vocabulary.LATERALITY_LABELS, module=__name__)


class Intake(models.Model):
    """The article's questionnaire as reception asked it, with the triage it produced."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="intake")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)

    # What happened
    onset = models.CharField(max_length=8, choices=Onset.choices)
    mechanism = models.CharField(max_length=24, choices=Mechanism.choices, blank=True)
    # What the patient feels
    swelling = models.CharField(max_length=8, choices=Swelling.choices)
    hematoma = models.BooleanField("bruising (hematoma)")
    mobility = models.CharField("moving the ankle", max_length=12, choices=Ability.choices)
    weight_bearing = models.CharField(
        "standing on the foot", max_length=12, choices=Ability.choices
    )
    pain_location = models.CharField(max_length=12, choices=PainLocation.choices)
    side = models.CharField(max_length=8, choices=Side.choices)
    pain_at_rest = models.PositiveSmallIntegerField()
    pain_after_running = models.PositiveSmallIntegerField()
    pain_duration_days = models.PositiveIntegerField()
    # The patient's running
    still_running = models.BooleanField()
    weekly_distance_km = models.DecimalField(max_digits=6, decimal_places=1)
    recent_training_change = models.BooleanField()
    recent_shoe_change = models.BooleanField()
    known_flat_feet = models.BooleanField()
    previous_sprains = models.PositiveSmallIntegerField()
    # The safety questions (triage.vocabulary.SAFETY_QUESTIONS). Null only on intakes recorded
    # before the questions were asked; every new intake answers each of them.
    calf_pain_or_swelling = models.BooleanField("pain or swelling in the calf", null=True)
    fever_or_hot_red_joint = models.BooleanField("fever, or a hot and red joint", null=True)
    numbness_or_cold_foot = models.BooleanField("numbness or a cold foot", null=True)
    night_pain = models.BooleanField("pain that wakes the patient at night", null=True)
    focal_bone_pain = models.BooleanField("pain at one spot on a bone", null=True)

    # The triage result, stored as it was given (the policy may change later).
    pathway = models.CharField(max_length=8, choices=Pathway.choices)
    urgency = models.CharField(max_length=8)
    stop_running = models.BooleanField()
    suspected_conditions = models.JSONField(default=list)
    rationale = models.JSONField(default=list)
    red_flags = models.JSONField(default=list)
    patient_advice = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(onset="trauma") & ~Q(mechanism=""))
                | (Q(onset="gradual") & Q(mechanism="")),
                name="intake_mechanism_only_for_trauma",
            ),
            models.CheckConstraint(
                condition=Q(pain_at_rest__lte=NPRS_MAX) & Q(pain_after_running__lte=NPRS_MAX),
                name="intake_nprs_0_10",
            ),
            models.CheckConstraint(
                condition=Q(weekly_distance_km__gte=0), name="intake_distance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Intake for case #{self.case_id}"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id

    @property
    def triage(self) -> dict:
        return {
            "pathway": self.pathway,
            "urgency": self.urgency,
            "red_flags": list(self.red_flags),
            "stop_running": self.stop_running,
            "suspected_conditions": list(self.suspected_conditions),
            "rationale": list(self.rationale),
            "patient_advice": self.patient_advice,
        }


# --- Examination, diagnoses and imaging (doctors) ----------------------------------------------


class FootPosture(models.TextChoices):
    NORMAL = "normal", "Normal"
    FLAT = "flat", "Flat (pes planus)"
    HIGH_ARCH = "high_arch", "High arch (pes cavus)"


OTTAWA_FIELDS = (
    "malleolar_zone_pain",
    "midfoot_zone_pain",
    "lateral_malleolus_tenderness",
    "medial_malleolus_tenderness",
    "fifth_metatarsal_base_tenderness",
    "navicular_tenderness",
    "unable_to_bear_weight_immediately",
    "unable_to_bear_weight_at_exam",
)


class Examination(models.Model):
    """The doctor's ankle exam (Ottawa findings, Thompson test…) and the imaging it indicated."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="examinations")
    examined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    examined_at = models.DateTimeField(default=timezone.now)

    # Ottawa ankle and foot rules (Stiell et al., JAMA 1993).
    malleolar_zone_pain = models.BooleanField("pain in the malleolar zone", default=False)
    midfoot_zone_pain = models.BooleanField("pain in the midfoot zone", default=False)
    lateral_malleolus_tenderness = models.BooleanField(
        "tenderness, lateral malleolus (posterior edge or tip, distal 6 cm)", default=False
    )
    medial_malleolus_tenderness = models.BooleanField(
        "tenderness, medial malleolus (posterior edge or tip, distal 6 cm)", default=False
    )
    fifth_metatarsal_base_tenderness = models.BooleanField(
        "tenderness at the base of the 5th metatarsal", default=False
    )
    navicular_tenderness = models.BooleanField("tenderness at the navicular", default=False)
    unable_to_bear_weight_immediately = models.BooleanField(
        "unable to bear weight (four steps) immediately after the injury", default=False
    )
    unable_to_bear_weight_at_exam = models.BooleanField(
        "unable to bear weight (four steps) at the exam", default=False
    )
    thompson_test = models.CharField(
        max_length=8, choices=TestResult.choices, default=TestResult.NOT_DONE
    )
    anterior_drawer = models.CharField(
        max_length=8, choices=TestResult.choices, default=TestResult.NOT_DONE
    )
    # The syndesmosis (high ankle sprain) tests.
    squeeze_test = models.CharField(
        max_length=8, choices=TestResult.choices, default=TestResult.NOT_DONE
    )
    external_rotation_test = models.CharField(
        max_length=8, choices=TestResult.choices, default=TestResult.NOT_DONE
    )
    # Where the Ottawa rules apply: the days since the injury (as given, or derived from the
    # intake when the doctor left it out; null when neither is known) and the exclusions.
    days_since_injury = models.PositiveIntegerField(null=True, blank=True)
    ottawa_exclusions = models.JSONField(default=list, blank=True)
    dorsiflexion_deg = models.SmallIntegerField(
        "dorsiflexion (degrees)",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(DORSIFLEXION_MIN_DEG),
            MaxValueValidator(DORSIFLEXION_MAX_DEG),
        ],
    )
    foot_posture = models.CharField(
        max_length=10, choices=FootPosture.choices, default=FootPosture.NORMAL
    )
    notes = models.TextField(blank=True)

    # What triage.ottawa.imaging_recommendation answered, stored as given (the rules may change).
    patient_age = models.PositiveSmallIntegerField(
        null=True, editable=False, help_text="The patient's age on the day of the exam."
    )
    imaging_recommendation = models.JSONField(default=dict, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-examined_at", "-id"]
        indexes = [
            # The case page and its timeline: a case's exams, newest first.
            models.Index(fields=["case", "-examined_at"], name="exam_case"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(dorsiflexion_deg__isnull=True)
                | Q(
                    dorsiflexion_deg__gte=DORSIFLEXION_MIN_DEG,
                    dorsiflexion_deg__lte=DORSIFLEXION_MAX_DEG,
                ),
                name="exam_dorsiflexion_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Examination #{self.pk} of case #{self.case_id}"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id

    @property
    def recommended_studies(self) -> list[str]:
        return list(self.imaging_recommendation.get("studies", []))

    @property
    def recommended_labels(self) -> list[str]:
        return vocabulary.study_labels(self.recommended_studies)


class Condition(models.Model):
    """The clinic's catalogue of diagnoses (seeded by a data migration, editable in admin)."""

    code = models.SlugField(max_length=40, unique=True, help_text="Stable: the API uses it.")
    icd10 = models.CharField("ICD-10", max_length=10)
    title = models.CharField(max_length=120)
    pathway = models.CharField(max_length=8, choices=Pathway.choices)

    class Meta:
        ordering = ["pathway", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.icd10})"


class DiagnosisStatus(models.TextChoices):
    PROVISIONAL = "provisional", "Provisional"
    CONFIRMED = "confirmed", "Confirmed"
    REFUTED = "refuted", "Refuted"


class Diagnosis(models.Model):
    """A condition from the catalogue on a case: provisional, then confirmed or refuted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="diagnoses")
    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, related_name="diagnoses")
    laterality = models.CharField(max_length=10, choices=Laterality.choices)
    status = models.CharField(
        max_length=12, choices=DiagnosisStatus.choices, default=DiagnosisStatus.PROVISIONAL
    )
    notes = models.TextField(blank=True)
    diagnosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    diagnosed_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    refuted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refuted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-diagnosed_at", "-id"]
        verbose_name_plural = "diagnoses"
        indexes = [
            # The case page and its timeline: a case's diagnoses.
            models.Index(fields=["case", "-diagnosed_at"], name="diagnosis_case"),
        ]
        constraints = [
            # Who and when go with the status, and only with it.
            models.CheckConstraint(
                condition=(
                    Q(status="provisional", confirmed_at__isnull=True, refuted_at__isnull=True)
                    | Q(status="confirmed", confirmed_at__isnull=False, refuted_at__isnull=True)
                    | Q(status="refuted", refuted_at__isnull=False, confirmed_at__isnull=True)
                ),
                name="diagnosis_status_stamps",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.condition.title} ({self.get_status_display()}), case #{self.case_id}"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id


class Modality(models.TextChoices):
    XRAY = "xray", "X-ray"
    ULTRASOUND = "ultrasound", "Ultrasound"
    MRI = "mri", "MRI"
    CT = "ct", "CT"


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    SCHEDULED = "scheduled", "Scheduled"
    PERFORMED = "performed", "Performed"
    REPORTED = "reported", "Reported — waiting for review"
    REVIEWED = "reviewed", "Reviewed"
    CANCELLED = "cancelled", "Cancelled"


class ImagingReferral(models.Model):
    """A request for imaging, from request to the doctor's review of the radiologist's report."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="imaging_referrals")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    modality = models.CharField(max_length=12, choices=Modality.choices)
    body_site = models.CharField(max_length=64, help_text="e.g. ankle, foot, Achilles tendon")
    laterality = models.CharField(max_length=10, choices=Laterality.choices)
    reason = models.TextField()
    # The exam it was ordered from, the recommendation that justified it (a snapshot), and why
    # the doctor went against it, when they did.
    examination = models.ForeignKey(
        Examination,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="imaging_referrals",
    )
    recommendation = models.JSONField(null=True, blank=True, editable=False)
    override_reason = models.TextField(blank=True)

    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.REQUESTED
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True, help_text="When it was booked.")
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    performed_at = models.DateTimeField(null=True, blank=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who recorded that the study was performed.",
    )
    report = models.TextField(blank=True, help_text="The radiologist's report.")
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who entered the report.",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            # The imaging_overdue reminder: status = performed AND performed_at < now - 7 days.
            models.Index(fields=["status", "performed_at"], name="referral_overdue_report"),
            # "Reports waiting for review": status = reported, oldest report first.
            models.Index(fields=["status", "reported_at"], name="referral_to_review"),
            # The case page and its timeline.
            models.Index(fields=["case", "-requested_at"], name="referral_case"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["scheduled", "performed", "reported", "reviewed"])
                | (Q(scheduled_at__isnull=False) & Q(scheduled_for__isnull=False)),
                name="referral_scheduled_stamped",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["performed", "reported", "reviewed"])
                | Q(performed_at__isnull=False),
                name="referral_performed_stamped",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["reported", "reviewed"])
                | (Q(reported_at__isnull=False) & ~Q(report="")),
                name="referral_reported_has_report",
            ),
            models.CheckConstraint(
                condition=~Q(status="reviewed") | Q(reviewed_at__isnull=False),
                name="referral_reviewed_stamped",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="referral_cancelled_stamped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_modality_display()} {self.body_site} ({self.get_status_display()})"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id

    @property
    def recommended_labels(self) -> list[str]:
        return vocabulary.study_labels((self.recommendation or {}).get("studies", []))

    @property
    def against_recommendation(self) -> bool:
        return bool(self.override_reason)


class ConsultationStatus(models.TextChoices):
    """A consultation's status: the same words as a physiotherapy session's."""

    SCHEDULED = "scheduled", "Scheduled"
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


class Consultation(models.Model):
    """A doctor's appointment on a case: booked by reception or a doctor, noted by the doctor.

    Its time is a ``diary.Booking`` (the no-clash rule); ``notes`` are clinical.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consultations")
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultations"
    )
    scheduled_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=20)
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="consultation")
    status = models.CharField(
        max_length=12, choices=ConsultationStatus.choices, default=ConsultationStatus.SCHEDULED
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_at", "id"]
        indexes = [
            # The case page's consultations and the doctor's "my day".
            models.Index(fields=["case", "scheduled_at"], name="consultation_case_time"),
            models.Index(fields=["doctor", "scheduled_at"], name="consultation_doctor_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=240),
                name="consultation_duration_5_240",
            ),
        ]

    def __str__(self) -> str:
        return f"Consultation {self.scheduled_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id

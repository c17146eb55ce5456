"""Treatment plans, physiotherapy sessions, outcome measures, return to run and discharge."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.history import HistoricalRecords
from clinic.measures import NPRS_MAX
from clinic.models import Case
from rehab.instruments.catalogue import INSTRUMENTS
from rehab.return_to_run_rules import RETURN_TO_RUN_CHECKLISTS


class CaseRecord(models.Model):
    """A record that belongs to one case: the audit trail files it under the case's patient."""

    class Meta:
        abstract = True

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id


# A plan's dose and a session's length: past these a number is a typing error. The forms, the
# serializers and the services take these, the database's constraints hold them.
PLAN_SESSIONS_MAX = 200
PLAN_FREQUENCY_MAX = 14  # sessions a week
SESSION_MINUTES_MIN = 5
SESSION_MINUTES_MAX = 240


class TreatmentPlan(CaseRecord):
    """The assigned physio's plan for a case: goals, dose and home programme."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="treatment_plan")
    physio = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    goals = models.TextField()
    planned_sessions = models.PositiveSmallIntegerField()
    frequency = models.PositiveSmallIntegerField(help_text="Sessions per week.")
    home_exercises = models.TextField(blank=True)
    started_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_sessions__gt=0), name="plan_planned_sessions_positive"
            ),
            models.CheckConstraint(
                condition=Q(frequency__gt=0) & Q(frequency__lte=PLAN_FREQUENCY_MAX),
                name="plan_frequency_1_14",
            ),
        ]

    def __str__(self) -> str:
        return f"Treatment plan for case #{self.case_id}"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


class Intervention(models.TextChoices):
    MASSAGE = "massage", "Massage"
    MOBILIZATION = "mobilization", "Joint mobilization"
    STRENGTHENING = "strengthening", "Strengthening"
    PROPRIOCEPTION = "proprioception", "Proprioception / balance"
    RUNNING_TECHNIQUE = "running_technique", "Running technique"
    FOOTWEAR_ADVICE = "footwear_advice", "Footwear advice"
    TAPING = "taping", "Taping"
    EDUCATION = "education", "Education"


# What a physio records when logging a session; never shown to, nor accepted from, reception.
CLINICAL_SESSION_FIELDS = (
    "interventions",
    "pain_before",
    "pain_after",
    "notes",
    "dorsiflexion_deg",
    "home_exercises",
)


class PhysioSession(CaseRecord):
    """One physiotherapy appointment: booked by reception, logged by the assigned physio."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="physio_sessions")
    # Every booking has its practitioner (NOT NULL): the services refuse one without.
    physio = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="physio_sessions"
    )
    scheduled_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=45)
    status = models.CharField(
        max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    # Clinical fields (CLINICAL_SESSION_FIELDS). interventions is a JSON list of
    # Intervention values: portable across SQLite and PostgreSQL, validated by the services.
    interventions = models.JSONField(default=list, blank=True)
    pain_before = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    dorsiflexion_deg = models.SmallIntegerField(
        null=True, blank=True, help_text="Weight-bearing lunge, degrees."
    )
    home_exercises = models.TextField(blank=True)
    logged_at = models.DateTimeField(null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_at", "id"]
        indexes = [
            # The case page's session list and "next session" on the caseload.
            models.Index(fields=["case", "scheduled_at"], name="session_case_time"),
            # Reception's day list and a physio's diary.
            models.Index(fields=["scheduled_at", "status"], name="session_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(pain_before__isnull=True) | Q(pain_before__lte=NPRS_MAX))
                & (Q(pain_after__isnull=True) | Q(pain_after__lte=NPRS_MAX)),
                name="session_nprs_0_10",
            ),
            # Pain is only measured at a session that took place.
            models.CheckConstraint(
                condition=Q(status="attended")
                | (Q(pain_before__isnull=True) & Q(pain_after__isnull=True)),
                name="session_pain_only_when_attended",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0) & Q(duration_minutes__lte=SESSION_MINUTES_MAX),
                name="session_duration_1_240",
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.scheduled_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    def get_interventions_display(self) -> list[str]:
        labels = dict(Intervention.choices)
        return [labels.get(code, code) for code in self.interventions]


class OutcomeSource(models.TextChoices):
    CLINIC = "clinic", "In the clinic"
    PATIENT = "patient", "From home"


class OutcomeMeasure(CaseRecord):
    """A scored questionnaire: the raw answers as given and the server's score.

    ``source`` says who filled it in: the physio with the patient (``clinic``), or the
    runner from home through their private link (``patient``, no staff author).
    """

    INSTRUMENT_CHOICES = [(code, instrument.name) for code, instrument in INSTRUMENTS.items()]

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="outcome_measures")
    instrument = models.CharField(max_length=16, choices=INSTRUMENT_CHOICES)
    answers = models.JSONField()
    score = models.DecimalField(max_digits=6, decimal_places=2)
    score_max = models.PositiveSmallIntegerField()
    interpretation = models.TextField()
    mcid_reached = models.BooleanField(null=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(
        max_length=8, choices=OutcomeSource.choices, default=OutcomeSource.CLINIC
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [
            # The first measure of an instrument on a case (MCID baseline) and the charts.
            models.Index(fields=["case", "instrument", "recorded_at"], name="outcome_case_instr"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=models.F("score_max")),
                name="outcome_score_in_range",
            ),
            # A measure taken in the clinic has its staff author; one from home has none.
            models.CheckConstraint(
                condition=Q(source="patient") | Q(recorded_by__isnull=False),
                name="outcome_clinic_has_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.score}/{self.score_max} (case #{self.case_id})"


class Checklist(models.TextChoices):
    ANKLE_SPRAIN = "ankle_sprain", "Ankle sprain (PAASS, Smith 2021)"
    ACHILLES_TENDINOPATHY = (
        "achilles_tendinopathy",
        "Achilles tendinopathy (pain-monitoring model, Silbernagel 2007)",
    )


assert set(Checklist.values) == set(RETURN_TO_RUN_CHECKLISTS)  # noqa: S101 — one source of truth


class Decision(models.TextChoices):
    CLEARED = "cleared", "Cleared to run"
    GRADED_RETURN = "graded_return", "Graded return to running"
    NOT_YET = "not_yet", "Not yet"


class ReturnToRun(CaseRecord):
    """The return-to-run check of a case: which checklist, and the physio's decision."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="return_to_run")
    checklist = models.CharField(max_length=24, choices=Checklist.choices)
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="") | (Q(decided_on__isnull=False) & ~Q(reason="")),
                name="rtr_decision_has_date_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Return to run for case #{self.case_id}"


class ReturnToRunCriterion(models.Model):
    """One ticked criterion of a return-to-run checklist: the value and whether it is met."""

    return_to_run = models.ForeignKey(
        ReturnToRun, on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.CharField(max_length=48)
    value = models.JSONField(null=True)
    met = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["return_to_run", "code"], name="rtr_criterion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.value}"


class Discharge(CaseRecord):
    """The physio's discharge summary (a clinical note) for a case."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="discharge")
    summary = models.TextField()
    discharged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    discharged_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Discharge of case #{self.case_id}"


class AlertKind(models.TextChoices):
    WORSENED = "worsened", "Worse by at least the MCID"
    HIGH_PAIN = "high_pain", "High pain"
    RED_FLAG = "red_flag", "Red flag"
    NO_RESPONSE = "no_response", "No answer to a questionnaire"


class Alert(CaseRecord):
    """Something on a case the assigned physio should look at, until they acknowledge it.

    ``cause`` names what raised it (``outcome:12``, ``outcome-request:3``): one alert per
    cause and kind, so an event seen twice raises one alert. ``detail`` is clinical (the
    scores): reception sees only that an alert exists.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    detail = models.TextField(blank=True)
    cause = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The caseload's open alerts: WHERE case_id IN (…) AND acknowledged_at IS NULL.
            models.Index(
                fields=["case"],
                condition=Q(acknowledged_at__isnull=True),
                name="alert_open_by_case",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind", "cause"], name="alert_once_per_cause"),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_by__isnull=False),
                name="alert_acknowledged_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on case #{self.case_id}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

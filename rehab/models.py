"""Treatment plans, physiotherapy sessions, outcome measures, return to run and discharge."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.history import HistoricalRecords
from clinic.measures import NPRS_MAX
from clinic.models import Case, text_choices
from diary.models import Booking, Room
from rehab.instruments.catalogue import INSTRUMENTS
from rehab.return_to_run_rules import MEASURES, RETURN_TO_RUN_CHECKLISTS
from rehab.run_rules import RUN_DECISION_LABELS


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
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The session's time in the diary (the no-clash rule); empty for a session booked before
    # the diary existed, which takes one when it is next moved.
    booking = models.OneToOneField(
        Booking,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="physio_session",
    )
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
            # The reports' episodes: a case's attended visits and its first one, read from
            # the index alone for every case of the period (docs/reports.md).
            models.Index(fields=["case", "status", "scheduled_at"], name="session_case_status"),
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


class OutcomeSide(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"


class OutcomeSource(models.TextChoices):
    """Who entered a record: the clinic (a physio, or a paper diary), or the runner from home."""

    CLINIC = "clinic", "In the clinic"
    PATIENT = "patient", "From home"


# Exercise logs and runs are entered by the same two hands: one word list.
Source = OutcomeSource


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
    # Which ankle the answers are about: required for CAIT (asked per ankle), optional for the
    # others; the MCID baseline is the first measure of the same instrument and side.
    side = models.CharField(max_length=8, choices=OutcomeSide.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # When the questionnaire was filled in: may be back-dated (on paper last week), never in
    # the future nor before the case opened (rehab.services.outcomes).
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
        "Achilles and other tendinopathies (pain-monitoring model, Silbernagel 2007)",
    )
    ACHILLES_RUPTURE = (
        "achilles_rupture",
        "Achilles rupture (Zellers 2016, Silbernagel 2012)",
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
    # Why the runner is cleared although the checklist is not met (empty otherwise).
    override_reason = models.TextField(blank=True)
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


MeasureCode = text_choices(
    "MeasureCode",
    {m.code: m.label for m in MEASURES},
    module=__name__,
)


class ReturnToRunMeasure(models.Model):
    """An objective return-to-run measure on each side, with the limb symmetry index."""

    return_to_run = models.ForeignKey(
        ReturnToRun, on_delete=models.CASCADE, related_name="measures"
    )
    measure = models.CharField(max_length=32, choices=MeasureCode.choices)
    left = models.DecimalField(max_digits=6, decimal_places=1)
    right = models.DecimalField(max_digits=6, decimal_places=1)
    # The injured side's value over the other's x 100 (null when both ankles are affected or
    # the other side is 0): rehab.return_to_run_rules.limb_symmetry_index.
    limb_symmetry_index = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["return_to_run", "measure"], name="rtr_measure_once"),
            models.CheckConstraint(
                condition=Q(left__gte=0) & Q(right__gte=0), name="rtr_measure_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: L {self.left}, R {self.right}"


class Discharge(CaseRecord):
    """The physio's discharge summary (a clinical note) for a case."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="discharge")
    summary = models.TextField()
    # Whether the runner was cleared to run at discharge (the return-to-run decision then);
    # null on discharges recorded before it was kept.
    cleared_to_run = models.BooleanField(null=True)
    discharged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    discharged_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Discharge of case #{self.case_id}"


# --- The runner between visits: exercise programmes and the return-to-run log ---------------

# A programme item's dose: past these a number is a typing error.
ITEM_SETS_MAX = 10
ITEM_REPS_MAX = 100
ITEM_HOLD_SECONDS_MAX = 300
ITEM_PER_WEEK_MAX = 7  # days a week
RUN_MINUTES_MAX = 300
RUN_DISTANCE_KM_MAX = 100


class ExerciseCategory(models.TextChoices):
    MOBILITY = "mobility", "Mobility"
    ISOMETRIC = "isometric", "Isometric calf loading"
    ECCENTRIC = "eccentric", "Eccentric and heavy slow calf loading"
    BALANCE = "balance", "Balance and proprioception"
    PLYOMETRIC = "plyometric", "Hop and plyometric progression"
    FOOT_INTRINSICS = "foot_intrinsics", "Foot intrinsics"


class ExerciseRegion(models.TextChoices):
    ANKLE = "ankle", "Ankle"
    ACHILLES = "achilles", "Achilles tendon and calf"
    FOOT = "foot", "Foot"
    LOWER_LEG = "lower_leg", "Lower leg"


class Exercise(models.Model):
    """One exercise of the clinic's library: seeded by a migration, edited in admin."""

    code = models.SlugField(max_length=48, unique=True)
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=16, choices=ExerciseCategory.choices)
    region = models.CharField(max_length=12, choices=ExerciseRegion.choices)
    instructions = models.TextField(help_text="Plain words, as the runner reads them.")
    # Uploaded by the clinic into Django's default storage (no external media).
    image = models.ImageField(upload_to="exercises/", blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class ExerciseProgramme(CaseRecord):
    """The home exercise programme prescribed on a case; changes are kept in its history."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="exercise_programmes")
    prescribed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            # A case follows one programme at a time: the caseload's adherence reads it.
            models.UniqueConstraint(
                fields=["case"], condition=Q(active=True), name="programme_one_active_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"Exercise programme #{self.pk} for case #{self.case_id}"


class ProgrammeItem(models.Model):
    """One prescribed exercise and its dose; a removed item is kept (its logs refer to it)."""

    programme = models.ForeignKey(ExerciseProgramme, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    sets = models.PositiveSmallIntegerField()
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    per_week = models.PositiveSmallIntegerField(help_text="Days a week.")
    notes = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sets__gte=1) & Q(sets__lte=ITEM_SETS_MAX), name="item_sets_1_10"
            ),
            models.CheckConstraint(
                condition=Q(per_week__gte=1) & Q(per_week__lte=ITEM_PER_WEEK_MAX),
                name="item_per_week_1_7",
            ),
            # A dose is counted in repetitions, in seconds held, or both.
            models.CheckConstraint(
                condition=Q(reps__isnull=False) | Q(hold_seconds__isnull=False),
                name="item_reps_or_hold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} ({self.sets} sets)"


class ExerciseLog(models.Model):
    """One day's ticks of a programme: the items done and the pain felt (NPRS 0-10)."""

    programme = models.ForeignKey(ExerciseProgramme, on_delete=models.PROTECT, related_name="logs")
    date = models.DateField()
    completed = models.ManyToManyField(ProgrammeItem, related_name="logs", blank=True)
    pain = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.CLINIC)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[completed])

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            # One log a day per programme (also the adherence's date-range query).
            models.UniqueConstraint(fields=["programme", "date"], name="exercise_log_once_a_day"),
            models.CheckConstraint(
                condition=Q(pain__isnull=True) | Q(pain__lte=NPRS_MAX), name="exercise_log_nprs"
            ),
        ]

    def __str__(self) -> str:
        return f"Exercise log {self.date} (programme #{self.programme_id})"

    @property
    def audit_patient_id(self) -> int:
        return self.programme.case.patient_id


class WalkRunTemplate(models.Model):
    """A walk-run progression the clinic uses: seeded, edited in admin."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WalkRunStage(models.Model):
    """One stage of a walk-run progression: run/walk minutes, repeated."""

    template = models.ForeignKey(WalkRunTemplate, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField()
    run_minutes = models.PositiveSmallIntegerField()
    walk_minutes = models.PositiveSmallIntegerField()
    repeats = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="walk_run_stage_once"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(run_minutes__gte=1) & Q(repeats__gte=1),
                name="walk_run_stage_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Stage {self.number}: {self.words()}"

    def words(self) -> str:
        """The stage in plain words, as the runner reads it."""
        run = f"run {self.run_minutes} min"
        if self.walk_minutes:
            run += f", walk {self.walk_minutes} min"
        if self.repeats > 1:
            return f"{run}, {self.repeats} times"
        return run


class RunPlan(CaseRecord):
    """The case's return-to-run plan: the progression, its stage, shoes and technique cues."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="run_plan")
    template = models.ForeignKey(WalkRunTemplate, on_delete=models.PROTECT, related_name="+")
    stage = models.PositiveSmallIntegerField(default=1)
    started_on = models.DateField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shoe_model = models.CharField(max_length=120, blank=True)
    shoe_km = models.PositiveIntegerField(null=True, blank=True, help_text="Kilometres on them.")
    shoe_change_on = models.DateField(null=True, blank=True)
    cadence_cue = models.CharField(max_length=200, blank=True)
    technique_cues = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Run plan for case #{self.case_id}"


RUN_DECISION_CHOICES = list(RUN_DECISION_LABELS.items())


class Run(CaseRecord):
    """One run of the return-to-run log, with the pain-monitoring decision after it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="runs")
    date = models.DateField()
    minutes = models.PositiveSmallIntegerField()
    distance_km = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    pain_during = models.PositiveSmallIntegerField()
    pain_after = models.PositiveSmallIntegerField()
    pain_next_morning = models.PositiveSmallIntegerField(null=True, blank=True)
    stage = models.PositiveSmallIntegerField(help_text="The stage this run was at.")
    decision = models.CharField(max_length=10, choices=RUN_DECISION_CHOICES)
    next_stage = models.PositiveSmallIntegerField()
    override_decision = models.CharField(max_length=10, choices=RUN_DECISION_CHOICES, blank=True)
    override_reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.CLINIC)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        indexes = [
            # The previous run of a case (the decision) and the log's chart.
            models.Index(fields=["case", "date"], name="run_case_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(pain_during__lte=NPRS_MAX)
                & Q(pain_after__lte=NPRS_MAX)
                & (Q(pain_next_morning__isnull=True) | Q(pain_next_morning__lte=NPRS_MAX)),
                name="run_nprs_0_10",
            ),
            models.CheckConstraint(
                condition=Q(override_decision="") | ~Q(override_reason=""),
                name="run_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.date} (case #{self.case_id})"

    @property
    def effective_decision(self) -> str:
        return self.override_decision or self.decision


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

"""Intake questionnaire and triage (examination, diagnoses and imaging follow)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.models import Case


class Onset(models.TextChoices):
    TRAUMA = "trauma", "Trauma — a fall, a twist or a sudden change of direction"
    GRADUAL = "gradual", "Gradual — came on little by little, for no clear reason"


class Mechanism(models.TextChoices):
    FALL = "fall", "A fall"
    TWIST = "twist", "Twisted the ankle"
    CHANGE_OF_DIRECTION = "change_of_direction", "A sudden change of direction"
    OTHER = "other", "Something else"


class Swelling(models.TextChoices):
    NONE = "none", "None"
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class Ability(models.TextChoices):
    NORMAL = "normal", "Normal"
    DIFFICULT = "difficult", "Difficult"
    IMPOSSIBLE = "impossible", "Impossible"


class PainLocation(models.TextChoices):
    LATERAL = "lateral", "Outside of the ankle"
    MEDIAL = "medial", "Inside of the ankle"
    POSTERIOR = "posterior", "Back of the ankle (Achilles tendon)"
    ANTERIOR = "anterior", "Front of the ankle"
    DIFFUSE = "diffuse", "All over / hard to say"


class IntakeSide(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BOTH = "both", "Both"


class Pathway(models.TextChoices):
    TRAUMA = "trauma", "Trauma"
    OVERUSE = "overuse", "Overuse"


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
    side = models.CharField(max_length=8, choices=IntakeSide.choices)
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

    # The triage result, stored as it was given (the policy may change later).
    pathway = models.CharField(max_length=8, choices=Pathway.choices)
    urgency = models.CharField(max_length=8)
    stop_running = models.BooleanField()
    suspected_conditions = models.JSONField(default=list)
    rationale = models.JSONField(default=list)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(onset="trauma") & ~Q(mechanism=""))
                | (Q(onset="gradual") & Q(mechanism="")),
                name="intake_mechanism_only_for_trauma",
            ),
            models.CheckConstraint(
                condition=Q(pain_at_rest__lte=10) & Q(pain_after_running__lte=10),
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
            "stop_running": self.stop_running,
            "suspected_conditions": list(self.suspected_conditions),
            "rationale": list(self.rationale),
        }

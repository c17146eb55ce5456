"""``/api/v1/intakes/``: reception's questionnaire, triaged, in one transaction."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import django_filters
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from clinic import roles, selectors
from clinic import serializers as api_serializers
from clinic.api import DuplicatePatientErrorSerializer, PatientCreateSerializer
from clinic.filters import FilterSet, IdFilter, IsoDateTimeFilter
from clinic.idempotency import idempotent
from clinic.measures import NPRS_MAX
from clinic.models import Patient
from clinic.permissions import READ
from clinic.serializers import datetime_json
from clinic.viewsets import TalusViewSet
from clinic.vocabulary import SIDES, URGENCIES
from triage import rules, vocabulary
from triage import selectors as triage_selectors
from triage.models import Intake
from triage.services import intake as intake_services


@extend_schema_field(
    {
        "type": "number",
        "minimum": 0,
        "maximum": rules.WEEKLY_DISTANCE_KM_MAX,
        "description": "Kilometres, kept to 0.1 km (more decimals are rounded).",
    }
)
class KilometresField(serializers.DecimalField):
    """A distance as a JSON number from 0 to 500 km, kept to 0.1 km, answered as a number.

    DRF's DecimalField takes the string "35.5" and refuses the number 35.55; the schema says
    a number, so a string is refused and extra decimals are rounded.
    """

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=4,
            decimal_places=1,
            min_value=0,
            max_value=rules.WEEKLY_DISTANCE_KM_MAX,
            coerce_to_string=False,
            **kwargs,
        )

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | Decimal):
            self.fail("invalid")
        value = Decimal(str(data))
        if not value.is_finite():
            self.fail("invalid")
        if value < 0:
            self.fail("min_value", min_value=0)
        if value > rules.WEEKLY_DISTANCE_KM_MAX:
            self.fail("max_value", max_value=rules.WEEKLY_DISTANCE_KM_MAX)
        return super().to_internal_value(value.quantize(Decimal("0.1"), ROUND_HALF_UP))


class QuestionnaireSerializer(api_serializers.Serializer):
    """The article's questionnaire, in the patient's words (docs/design.md)."""

    onset = serializers.ChoiceField(choices=vocabulary.ONSETS)
    mechanism = serializers.ChoiceField(
        choices=vocabulary.MECHANISMS,
        required=False,
        allow_null=True,
        help_text="Required for a trauma; must be absent or null for a gradual onset.",
    )
    swelling = serializers.ChoiceField(choices=vocabulary.SWELLINGS)
    hematoma = serializers.BooleanField(help_text="Bruising: a sign of bleeding.")
    mobility = serializers.ChoiceField(choices=vocabulary.ABILITIES, help_text="Moving the ankle.")
    weight_bearing = serializers.ChoiceField(
        choices=vocabulary.ABILITIES, help_text="Standing on the foot."
    )
    pain_location = serializers.ChoiceField(choices=vocabulary.PAIN_LOCATIONS)
    side = serializers.ChoiceField(choices=SIDES)
    pain_at_rest = serializers.IntegerField(min_value=0, max_value=NPRS_MAX)
    pain_after_running = serializers.IntegerField(min_value=0, max_value=NPRS_MAX)
    pain_duration_days = serializers.IntegerField(
        min_value=0, max_value=rules.PAIN_DURATION_DAYS_MAX
    )
    still_running = serializers.BooleanField()
    weekly_distance_km = KilometresField()
    recent_training_change = serializers.BooleanField()
    recent_shoe_change = serializers.BooleanField()
    known_flat_feet = serializers.BooleanField()
    previous_sprains = serializers.IntegerField(min_value=0, max_value=rules.PREVIOUS_SPRAINS_MAX)
    # The safety questions: required, a red flag not asked is a red flag missed.
    calf_pain_or_swelling = serializers.BooleanField(
        help_text="Calf pain or swelling (deep-vein thrombosis): a red flag."
    )
    fever_or_hot_red_joint = serializers.BooleanField(
        help_text="Fever or a hot, red joint (infection): a red flag."
    )
    numbness_or_cold_foot = serializers.BooleanField(
        help_text="Numbness or a cold foot (nerve or circulation): a red flag."
    )
    night_pain = serializers.BooleanField(help_text="Pain that wakes the patient at night.")
    focal_bone_pain = serializers.BooleanField(
        help_text="Pain at one spot on a bone (stress fracture)."
    )

    def validate(self, attrs):
        # The cross-field rules (mechanism with the onset) live in triage.rules, once.
        errors = rules.validate_questionnaire(attrs)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class TriageSerializer(serializers.Serializer):
    pathway = serializers.ChoiceField(choices=vocabulary.PATHWAYS)
    urgency = serializers.ChoiceField(choices=URGENCIES)
    red_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=vocabulary.RED_FLAGS),
        help_text="The safety answers that are red flags: any one makes the case urgent.",
    )
    stop_running = serializers.BooleanField()
    suspected_conditions = serializers.ListField(
        child=serializers.ChoiceField(choices=vocabulary.CONDITION_CODES)
    )
    rationale = serializers.ListField(
        child=serializers.CharField(), help_text="The staff's reasons, one per rule that fired."
    )
    patient_advice = serializers.CharField(
        help_text="What to tell the patient, in plain words (reception reads it aloud)."
    )


class IntakeCreateSerializer(api_serializers.Serializer):
    patient = serializers.PrimaryKeyRelatedField(
        queryset=Patient.objects.all(), required=False, help_text="An existing patient's id."
    )
    new_patient = PatientCreateSerializer(
        required=False, help_text="A patient to register with this intake."
    )
    allow_duplicate = serializers.BooleanField(
        default=False,
        help_text="Register new_patient even if one with the same names and birth date exists.",
    )
    questionnaire = QuestionnaireSerializer()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["patient"].queryset = selectors.patients_visible_to(request.user)

    def validate(self, attrs):
        if ("patient" in attrs) == ("new_patient" in attrs):
            raise serializers.ValidationError(
                {"patient": ["Give either patient (an id) or new_patient, not both."]}
            )
        return attrs


class IntakeSerializer(serializers.ModelSerializer):
    patient = serializers.IntegerField(source="case.patient_id", read_only=True)
    questionnaire = serializers.SerializerMethodField()
    triage = TriageSerializer(read_only=True)

    class Meta:
        model = Intake
        fields = ["id", "case", "patient", "recorded_by", "recorded_at", "questionnaire", "triage"]
        read_only_fields = fields

    @extend_schema_field(QuestionnaireSerializer)
    def get_questionnaire(self, intake: Intake) -> dict:
        data = {name: getattr(intake, name) for name in rules.QUESTIONNAIRE_FIELDS}
        data["mechanism"] = data["mechanism"] or None
        return QuestionnaireSerializer(data).data

    def to_representation(self, intake: Intake) -> dict:
        return intake_json(intake, timezone.get_current_timezone())


def intake_json(intake: Intake, zone) -> dict:
    """An intake as the API shows it, written from its attributes (as ``clinic.api.case_json``
    writes a case): the JSON of IntakeSerializer's declared fields without building them and
    the questionnaire's 22 and the triage's 7 field objects for every intake answered (a
    sixth of an intake POST's Python, docs/benchmarks.md). The stored values already have the
    fields' types (choices as their codes, the distance as a Decimal of one place);
    tests/triage/test_intake_api.py holds the two together in three clinic zones.
    """
    questionnaire = {name: getattr(intake, name) for name in rules.QUESTIONNAIRE_FIELDS}
    questionnaire["mechanism"] = questionnaire["mechanism"] or None
    return {
        "id": intake.pk,
        "case": intake.case_id,
        "patient": intake.case.patient_id,
        "recorded_by": intake.recorded_by_id,
        "recorded_at": datetime_json(intake.recorded_at, zone),
        "questionnaire": questionnaire,
        "triage": intake.triage,
    }


class IntakeFilter(FilterSet):
    recorded_after = IsoDateTimeFilter(field_name="recorded_at", lookup_expr="gte")
    recorded_before = IsoDateTimeFilter(field_name="recorded_at", lookup_expr="lt")
    urgency = django_filters.MultipleChoiceFilter(
        choices=[(u, u) for u in URGENCIES], distinct=False
    )
    patient = IdFilter(field_name="case__patient")

    class Meta:
        model = Intake
        fields = ["case", "patient", "urgency", "pathway"]


@extend_schema(tags=["intakes"])
class IntakeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TalusViewSet):
    """Intakes: the questionnaire and its triage. Reception creates; every role reads."""

    role_actions = {
        roles.RECEPTION: READ | {"create"},
        roles.DOCTOR: READ,
        roles.PHYSIO: READ,
        roles.ADMIN: READ,
    }
    serializer_class = IntakeSerializer
    filterset_class = IntakeFilter
    ordering_fields = ["id", "recorded_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return triage_selectors.intakes_visible_to(self.request.user)

    @idempotent
    @extend_schema(
        request=IntakeCreateSerializer,
        responses={
            201: IntakeSerializer,
            409: OpenApiResponse(DuplicatePatientErrorSerializer, "A likely duplicate exists."),
        },
    )
    def create(self, request, *args, **kwargs):
        serializer = IntakeCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        new_patient = dict(data["new_patient"]) if "new_patient" in data else None
        allow_duplicate = data["allow_duplicate"]
        if new_patient is not None:
            allow_duplicate = new_patient.pop("allow_duplicate", False) or allow_duplicate
        intake = intake_services.intake_create(
            recorded_by=request.user,
            patient=data.get("patient"),
            new_patient=new_patient,
            allow_duplicate=allow_duplicate,
            questionnaire=dict(data["questionnaire"]),
        )
        self.audit_created(intake)
        self.audit_created(intake.case)
        if new_patient is not None:
            self.audit_created(intake.case.patient)
        return Response(IntakeSerializer(intake).data, status=status.HTTP_201_CREATED)

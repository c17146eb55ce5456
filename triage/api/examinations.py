"""``/api/v1/examinations/``: the doctor's ankle exam and the imaging it recommends.

Serializers validate and shape; every write goes through ``triage.services.examinations``, the
same functions the pages call.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers

from clinic import roles
from clinic import serializers as api_serializers
from clinic.fields import VisibleCaseField
from clinic.filters import FilterSet, IsoDateTimeFilter
from clinic.measures import DORSIFLEXION_MAX_DEG, DORSIFLEXION_MIN_DEG
from clinic.permissions import READ, READ_WRITE
from clinic.selectors import clinical_cases_visible_to
from clinic.viewsets import TalusViewSet
from triage import rules, selectors, vocabulary
from triage.api.common import ImagingRecommendationSerializer
from triage.models import Examination
from triage.services import examinations as exam_services


class ExaminationSerializer(api_serializers.ModelSerializer):
    fixed_once_created = ("case",)

    case = VisibleCaseField(scope=clinical_cases_visible_to)
    dorsiflexion_deg = serializers.IntegerField(
        min_value=DORSIFLEXION_MIN_DEG,
        max_value=DORSIFLEXION_MAX_DEG,
        allow_null=True,
        required=False,
    )
    days_since_injury = serializers.IntegerField(
        min_value=0,
        max_value=rules.PAIN_DURATION_DAYS_MAX,
        allow_null=True,
        required=False,
        help_text="Days since the injury; omitted: the intake's pain_duration_days plus the "
        "days since the intake.",
    )
    ottawa_exclusions = serializers.ListField(
        child=serializers.ChoiceField(choices=vocabulary.OTTAWA_EXCLUSIONS),
        required=False,
        max_length=len(vocabulary.OTTAWA_EXCLUSIONS),
        help_text="Why the Ottawa rules would not apply although the injury is recent.",
    )
    imaging_recommendation = ImagingRecommendationSerializer(read_only=True)

    def validate_ottawa_exclusions(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Each exclusion may be given once.")
        return value

    class Meta:
        model = Examination
        fields = [
            "id",
            "case",
            "examined_by",
            "examined_at",
            *exam_services.EXAM_FIELDS,
            "patient_age",
            "imaging_recommendation",
        ]
        read_only_fields = ["id", "examined_by", "examined_at", "patient_age"]


class ExaminationFilter(FilterSet):
    examined_after = IsoDateTimeFilter(field_name="examined_at", lookup_expr="gte")
    examined_before = IsoDateTimeFilter(field_name="examined_at", lookup_expr="lt")

    class Meta:
        model = Examination
        fields = ["case", "examined_by"]


@extend_schema(tags=["examinations"])
class ExaminationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TalusViewSet,
):
    """Ankle examinations and the imaging the Ottawa rules and the Thompson test recommend."""

    role_actions = {
        roles.DOCTOR: READ_WRITE,
        roles.PHYSIO: READ,
        roles.ADMIN: READ_WRITE,
    }
    serializer_class = ExaminationSerializer
    filterset_class = ExaminationFilter
    ordering_fields = ["id", "examined_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.examinations_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        case = data.pop("case")
        serializer.instance = exam_services.examination_create(
            case=case, examined_by=self.request.user, findings=data
        )
        self.audit_created(serializer.instance)

    def perform_update(self, serializer):
        serializer.instance = exam_services.examination_update(
            examination=serializer.instance, **serializer.validated_data
        )

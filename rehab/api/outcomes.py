"""``/api/v1/outcomes/``: questionnaires scored on the server from the raw answers."""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from clinic import roles
from clinic import serializers as api_serializers
from clinic.fields import VisibleCaseField
from clinic.filters import FilterSet
from clinic.idempotency import idempotent
from clinic.permissions import READ
from clinic.viewsets import TalusViewSet
from rehab import selectors
from rehab.instruments.catalogue import INSTRUMENTS
from rehab.models import OutcomeMeasure
from rehab.services.outcomes import outcome_record


class OutcomeMeasureSerializer(api_serializers.ModelSerializer):
    case = VisibleCaseField()
    instrument = serializers.ChoiceField(choices=sorted(INSTRUMENTS))
    answers = serializers.JSONField(
        help_text="The answers in the questionnaire's order (see docs/clinical.md)."
    )
    score = serializers.SerializerMethodField()
    side = serializers.ChoiceField(
        choices=["left", "right"],
        required=False,
        help_text="Which ankle: required for cait; the MCID is then judged per side.",
    )
    recorded_at = serializers.DateTimeField(
        required=False,
        help_text="When the questionnaire was filled in (default now); may be back-dated, "
        "never in the future nor before the case opened.",
    )

    class Meta:
        model = OutcomeMeasure
        fields = [
            "id",
            "case",
            "instrument",
            "answers",
            "score",
            "score_max",
            "interpretation",
            "mcid_reached",
            "side",
            "recorded_by",
            "recorded_at",
            "source",
        ]
        read_only_fields = [
            "id",
            "score_max",
            "interpretation",
            "mcid_reached",
            "recorded_by",
            "recorded_at",
            "source",
        ]

    @extend_schema_field(OpenApiTypes.NUMBER)
    def get_score(self, measure: OutcomeMeasure) -> float | int:
        value = measure.score
        return int(value) if value == value.to_integral_value() else float(value)


class OutcomeMeasureFilter(FilterSet):
    instrument = django_filters.ChoiceFilter(choices=sorted((c, c) for c in INSTRUMENTS))
    recorded_at = django_filters.DateFromToRangeFilter()

    class Meta:
        model = OutcomeMeasure
        fields = ["case", "instrument", "recorded_at"]


@extend_schema(tags=["rehab"])
class OutcomeMeasureViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TalusViewSet
):
    """Outcome measures: the assigned physio records them, doctors read; reception never."""

    role_actions = {
        roles.PHYSIO: READ | {"create"},
        roles.DOCTOR: READ,
        roles.ADMIN: READ,
    }
    serializer_class = OutcomeMeasureSerializer
    filterset_class = OutcomeMeasureFilter
    ordering_fields = ["id", "recorded_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.outcomes_visible_to(self.request.user)

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        measure = outcome_record(
            case=data["case"],
            instrument=data["instrument"],
            answers=data["answers"],
            by=request.user,
            side=data.get("side", ""),
            recorded_at=data.get("recorded_at"),
        )
        self.audit_created(measure)
        return Response(self.get_serializer(measure).data, status=status.HTTP_201_CREATED)

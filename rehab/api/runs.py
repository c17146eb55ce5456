"""``run-plans/`` and ``runs/``: the return-to-run plan and its log, decided by the
pain-monitoring model (rehab.run_rules); the assigned physio starts the plan, may enter runs
from a paper diary and may override a decision with a reason."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from clinic import bounds, roles
from clinic import serializers as api_serializers
from clinic.concurrency import ETagMixin
from clinic.fields import VisibleCaseField
from clinic.filters import FilterSet
from clinic.idempotency import idempotent
from clinic.measures import NPRS_MAX
from clinic.permissions import READ, READ_WRITE
from clinic.viewsets import TalusViewSet
from rehab import selectors
from rehab.models import (
    RUN_DECISION_CHOICES,
    RUN_DISTANCE_KM_MAX,
    RUN_MINUTES_MAX,
    Run,
    RunPlan,
    WalkRunTemplate,
)
from rehab.services import runs as run_services


def _nprs(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=NPRS_MAX, **kwargs)


class RunPlanSerializer(api_serializers.ModelSerializer):
    fixed_once_created = ("case",)

    case = VisibleCaseField()
    template = serializers.PrimaryKeyRelatedField(
        queryset=WalkRunTemplate.objects.filter(active=True)
    )
    stage_words = serializers.SerializerMethodField()

    class Meta:
        model = RunPlan
        fields = [
            "id",
            "case",
            "template",
            "stage",
            "stage_words",
            "started_on",
            "started_by",
            "shoe_model",
            "shoe_km",
            "shoe_change_on",
            "cadence_cue",
            "technique_cues",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "started_by", "created_at", "updated_at"]
        extra_kwargs = {
            "started_on": {"required": False, "validators": [bounds.validate_clinic_date]},
            "shoe_change_on": {"validators": [bounds.validate_clinic_date]},
            "stage": {"required": False, "min_value": 1},
            "shoe_km": {"max_value": 10000},
        }

    @extend_schema_field(OpenApiTypes.STR)
    def get_stage_words(self, plan: RunPlan) -> str:
        return selectors.stage_words(plan, plan.stage)


class RunPlanFilter(FilterSet):
    class Meta:
        model = RunPlan
        fields = ["case"]


@extend_schema(tags=["rehab"])
class RunPlanViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TalusViewSet,
):
    """Return-to-run plans, one per case: started when the runner is cleared to begin."""

    role_actions = {roles.PHYSIO: READ_WRITE, roles.DOCTOR: READ, roles.ADMIN: READ}
    conflict_actions = frozenset({"create", "update", "partial_update"})
    serializer_class = RunPlanSerializer
    filterset_class = RunPlanFilter
    ordering_fields = ["id", "started_on"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.run_plans_visible_to(self.request.user).prefetch_related(
            "template__stages"
        )

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        plan = run_services.run_plan_start(by=request.user, **data)
        self.audit_created(plan)
        return Response(self.get_serializer(plan).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("started_on", None)  # the start is the day the runner was cleared: kept
        serializer.instance = run_services.run_plan_update(
            plan=serializer.instance, by=self.request.user, **data
        )


class RunSerializer(api_serializers.ModelSerializer):
    case = VisibleCaseField()
    minutes = serializers.IntegerField(min_value=1, max_value=RUN_MINUTES_MAX)
    distance_km = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(RUN_DISTANCE_KM_MAX),
        coerce_to_string=False,
        rounding=ROUND_HALF_UP,
        required=False,
        allow_null=True,
    )
    pain_during = _nprs()
    pain_after = _nprs()
    pain_next_morning = _nprs(required=False, allow_null=True)
    advice = serializers.SerializerMethodField()

    class Meta:
        model = Run
        fields = [
            "id",
            "case",
            "date",
            "minutes",
            "distance_km",
            "pain_during",
            "pain_after",
            "pain_next_morning",
            "stage",
            "decision",
            "override_decision",
            "override_reason",
            "overridden_by",
            "next_stage",
            "advice",
            "source",
            "logged_by",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "stage",
            "decision",
            "override_decision",
            "override_reason",
            "overridden_by",
            "next_stage",
            "source",
            "logged_by",
            "created_at",
        ]
        extra_kwargs = {"date": {"validators": [bounds.validate_clinic_date]}}

    @extend_schema_field(OpenApiTypes.STR)
    def get_advice(self, run: Run) -> str:
        return selectors.run_advice(run, run.case.run_plan)


class NextMorningSerializer(serializers.Serializer):
    pain_next_morning = _nprs()


class OverrideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=RUN_DECISION_CHOICES)
    reason = serializers.CharField(max_length=2000)


class RunFilter(FilterSet):
    date = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Run
        fields = ["case", "date"]


@extend_schema(tags=["rehab"])
class RunViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TalusViewSet
):
    """The return-to-run log: each run answers the model's ``decision`` and the next stage."""

    role_actions = {
        roles.PHYSIO: READ | {"create", "next_morning", "override"},
        roles.DOCTOR: READ,
        roles.ADMIN: READ,
    }
    conflict_actions = frozenset({"create", "next_morning", "override"})
    serializer_class = RunSerializer
    filterset_class = RunFilter
    ordering_fields = ["id", "date"]
    ordering = ["-date", "-id"]

    def get_queryset(self):
        return (
            selectors.runs_visible_to(self.request.user)
            .select_related("case__run_plan__template")
            .prefetch_related("case__run_plan__template__stages")
        )

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = run_services.run_log(by=request.user, **serializer.validated_data)
        self.audit_created(run)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=run.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def _act(self, serializer_class, service):
        run = self.get_object()
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        service(run=run, by=self.request.user, **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=run.pk)).data)

    @extend_schema(request=NextMorningSerializer, responses={200: RunSerializer})
    @action(detail=True, methods=["post"], url_path="next-morning")
    def next_morning(self, request, pk=None):
        """Record the next-morning pain: the run is decided again."""
        return self._act(NextMorningSerializer, run_services.run_next_morning)

    @extend_schema(request=OverrideSerializer, responses={200: RunSerializer})
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        """The physio's decision instead of the model's, with the reason."""
        return self._act(OverrideSerializer, run_services.run_override)

"""``/api/v1/treatment-plans/``: the assigned physio writes, doctors and admins read."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from clinic import bounds, roles
from clinic import serializers as api_serializers
from clinic.concurrency import ETagMixin
from clinic.fields import VisibleCaseField
from clinic.filters import FilterSet
from clinic.permissions import READ, READ_WRITE
from clinic.viewsets import TalusViewSet
from rehab import selectors
from rehab.models import PLAN_FREQUENCY_MAX, PLAN_SESSIONS_MAX, TreatmentPlan
from rehab.services import plans as plan_services


class TreatmentPlanSerializer(api_serializers.ModelSerializer):
    fixed_once_created = ("case",)

    case = VisibleCaseField()
    planned_sessions = serializers.IntegerField(min_value=1, max_value=PLAN_SESSIONS_MAX)
    frequency = serializers.IntegerField(
        min_value=1, max_value=PLAN_FREQUENCY_MAX, help_text="Sessions per week."
    )

    class Meta:
        model = TreatmentPlan
        fields = [
            "id",
            "case",
            "physio",
            "goals",
            "planned_sessions",
            "frequency",
            "home_exercises",
            "started_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "physio", "created_at", "updated_at"]
        extra_kwargs = {"started_on": {"validators": [bounds.validate_clinic_date]}}


class TreatmentPlanFilter(FilterSet):
    started_on = django_filters.DateFromToRangeFilter()

    class Meta:
        model = TreatmentPlan
        fields = ["case", "started_on"]


@extend_schema(tags=["rehab"])
class TreatmentPlanViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TalusViewSet,
):
    """Treatment plans, one per case. Creating one that starts today puts the case in rehab."""

    role_actions = {roles.PHYSIO: READ_WRITE, roles.DOCTOR: READ, roles.ADMIN: READ}
    # A closed case, or a second plan for the case (clinic.schema documents the 409).
    conflict_actions = frozenset({"create", "update", "partial_update"})
    serializer_class = TreatmentPlanSerializer
    filterset_class = TreatmentPlanFilter
    ordering_fields = ["id", "started_on"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.plans_visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = plan_services.plan_create(by=request.user, **serializer.validated_data)
        self.audit_created(plan)
        return Response(self.get_serializer(plan).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = plan_services.plan_update(
            plan=serializer.instance, by=self.request.user, **serializer.validated_data
        )

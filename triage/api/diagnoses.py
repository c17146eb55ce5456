"""``/api/v1/diagnoses/``: provisional, then confirmed or refuted (``confirm/``, ``refute/``).

Serializers validate and shape; every write goes through ``triage.services.diagnoses``, the
same functions the pages call. A settled diagnosis answers 409.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from clinic import roles
from clinic import serializers as api_serializers
from clinic.concurrency import ETagMixin
from clinic.fields import VisibleCaseField
from clinic.filters import FilterSet
from clinic.permissions import READ, READ_WRITE
from clinic.selectors import clinical_cases_visible_to
from clinic.viewsets import TalusViewSet
from triage import selectors
from triage.api.common import CONFLICT
from triage.models import Condition, Diagnosis, DiagnosisStatus
from triage.services import diagnoses as diagnosis_services


class DiagnosisSerializer(api_serializers.ModelSerializer):
    fixed_once_created = ("case", "condition")

    case = VisibleCaseField(scope=clinical_cases_visible_to)
    condition = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Condition.objects.all(),
        help_text="A code of the condition catalogue (GET /api/v1/conditions/).",
    )
    condition_title = serializers.CharField(source="condition.title", read_only=True)
    icd10 = serializers.CharField(source="condition.icd10", read_only=True)
    status = serializers.ChoiceField(
        choices=DiagnosisStatus.choices, default=DiagnosisStatus.PROVISIONAL
    )

    class Meta:
        model = Diagnosis
        fields = [
            "id",
            "case",
            "condition",
            "condition_title",
            "icd10",
            "laterality",
            "status",
            "notes",
            "diagnosed_by",
            "diagnosed_at",
            "confirmed_by",
            "confirmed_at",
            "refuted_by",
            "refuted_at",
        ]
        read_only_fields = [
            "id",
            "diagnosed_by",
            "diagnosed_at",
            "confirmed_by",
            "confirmed_at",
            "refuted_by",
            "refuted_at",
        ]


class DiagnosisFilter(FilterSet):
    condition = django_filters.CharFilter(field_name="condition__code")
    status = django_filters.MultipleChoiceFilter(choices=DiagnosisStatus.choices, distinct=False)

    class Meta:
        model = Diagnosis
        fields = ["case", "condition", "status", "laterality"]


@extend_schema(tags=["diagnoses"])
class DiagnosisViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TalusViewSet,
):
    """Diagnoses: provisional, then confirmed or refuted. The first confirmed one moves the
    case to ``diagnosed``."""

    role_actions = {
        roles.DOCTOR: READ_WRITE | {"confirm", "refute"},
        roles.PHYSIO: READ,
        roles.ADMIN: READ_WRITE | {"confirm", "refute"},
    }
    serializer_class = DiagnosisSerializer
    filterset_class = DiagnosisFilter
    ordering_fields = ["id", "diagnosed_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.diagnoses_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = diagnosis_services.diagnosis_create(
            diagnosed_by=self.request.user, **serializer.validated_data
        )
        self.audit_created(serializer.instance)

    @extend_schema(responses={200: DiagnosisSerializer, 409: CONFLICT})
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(responses={200: DiagnosisSerializer, 409: CONFLICT})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def perform_update(self, serializer):
        serializer.instance = diagnosis_services.diagnosis_update(
            diagnosis=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def _set_status(self, new_status: str) -> Response:
        diagnosis = self.get_object()
        diagnosis_services.diagnosis_set_status(
            diagnosis=diagnosis, status=new_status, by=self.request.user
        )
        return Response(DiagnosisSerializer(diagnosis, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: DiagnosisSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Confirm a provisional diagnosis."""
        return self._set_status(DiagnosisStatus.CONFIRMED)

    @extend_schema(request=None, responses={200: DiagnosisSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def refute(self, request, pk=None):
        """Refute a provisional diagnosis."""
        return self._set_status(DiagnosisStatus.REFUTED)

"""API for doctors: ``examinations/``, ``diagnoses/``, ``imaging-referrals/``, ``conditions/``.

Serializers validate and shape; every write goes through ``triage.services``, the same
functions the pages call. A step out of order answers 409 (``clinic.exceptions.Conflict``).
"""

from __future__ import annotations

from contextlib import contextmanager

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from clinic import bounds, roles
from clinic import serializers as api_serializers
from clinic.api import ErrorSerializer
from clinic.concurrency import ETagMixin
from clinic.exceptions import Conflict
from clinic.filters import FilterSet, IsoDateTimeFilter
from clinic.permissions import READ, READ_WRITE
from clinic.viewsets import AuditedViewSetMixin, TalusViewSet
from triage import ottawa, selectors
from triage.models import (
    DORSIFLEXION_MAX,
    DORSIFLEXION_MIN,
    Condition,
    Diagnosis,
    DiagnosisStatus,
    Examination,
    ImagingReferral,
    Modality,
    ReferralStatus,
)
from triage.services import diagnoses as diagnosis_services
from triage.services import examinations as exam_services
from triage.services import referrals as referral_services
from triage.services.common import InvalidTransition


@contextmanager
def conflicts():
    """Turn a step out of order into a 409 that names the record's current status."""
    try:
        yield
    except InvalidTransition as exc:
        raise Conflict(str(exc), code="invalid_transition", status=exc.current) from exc


class ConflictErrorSerializer(ErrorSerializer):
    status = serializers.CharField(help_text="The record's current status.")


CONFLICT = OpenApiResponse(ConflictErrorSerializer, "The current status does not allow this.")


class CaseScopedField(serializers.PrimaryKeyRelatedField):
    """A case the caller may write clinical records on (others read as 'does not exist')."""

    def get_queryset(self):
        return selectors.clinical_cases_visible_to(self.context["request"].user)


# --- Examinations ------------------------------------------------------------------------------


class ImagingRecommendationSerializer(serializers.Serializer):
    """What the exam's findings indicate (triage.ottawa.imaging_recommendation), as stored."""

    ottawa_applicable = serializers.BooleanField(
        help_text="The Ottawa ankle and foot rules could be applied to this exam."
    )
    ankle_xray = serializers.BooleanField(help_text="An ankle X-ray is recommended.")
    foot_xray = serializers.BooleanField(help_text="A foot X-ray is recommended.")
    ultrasound = serializers.BooleanField(
        help_text="An ultrasound is recommended (suspected Achilles rupture)."
    )
    mri = serializers.BooleanField(help_text="An MRI is recommended.")
    studies = serializers.ListField(
        child=serializers.ChoiceField(choices=ottawa.IMAGING_STUDIES),
        help_text="The recommended studies in the order to do them (the same as the booleans).",
    )
    primary = serializers.ChoiceField(
        choices=ottawa.IMAGING_STUDIES,
        allow_null=True,
        help_text="The first of studies; null when no imaging is indicated.",
    )
    rationale = serializers.ListField(
        child=serializers.CharField(), help_text="One sentence per criterion met."
    )


class ExaminationSerializer(api_serializers.ModelSerializer):
    case = CaseScopedField()
    dorsiflexion_deg = serializers.IntegerField(
        min_value=DORSIFLEXION_MIN, max_value=DORSIFLEXION_MAX, allow_null=True, required=False
    )
    imaging_recommendation = ImagingRecommendationSerializer(read_only=True)

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["case"].read_only = True


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


# --- Condition catalogue -----------------------------------------------------------------------


class ConditionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Condition
        fields = ["code", "icd10", "title", "pathway"]
        read_only_fields = fields


@extend_schema(tags=["diagnoses"])
class ConditionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TalusViewSet):
    """The condition catalogue (edited in admin). Not patient data: not audited."""

    role_actions = {roles.DOCTOR: READ, roles.PHYSIO: READ, roles.ADMIN: READ}
    serializer_class = ConditionSerializer
    lookup_field = "code"
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return selectors.conditions()

    def get_object(self):
        return super(AuditedViewSetMixin, self).get_object()


# --- Diagnoses ---------------------------------------------------------------------------------


class DiagnosisSerializer(api_serializers.ModelSerializer):
    case = CaseScopedField()
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["case"].read_only = True
            self.fields["condition"].read_only = True


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
        with conflicts():
            serializer.instance = diagnosis_services.diagnosis_update(
                diagnosis=serializer.instance, by=self.request.user, **serializer.validated_data
            )

    def _set_status(self, new_status: str) -> Response:
        diagnosis = self.get_object()
        with conflicts():
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


# --- Imaging referrals -------------------------------------------------------------------------


class ExaminationScopedField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return selectors.examinations_visible_to(self.context["request"].user)


class ImagingReferralSerializer(api_serializers.ModelSerializer):
    case = CaseScopedField()
    examination = ExaminationScopedField(
        allow_null=True,
        required=False,
        help_text="The exam it is ordered from: its recommendation is kept with the referral.",
    )
    laterality = serializers.ChoiceField(
        choices=ImagingReferral._meta.get_field("laterality").choices,
        required=False,
        help_text="Defaults to the case's side.",
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Defaults to the exam's rationale."
    )
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Required when the exam did not recommend this study.",
    )
    recommendation = ImagingRecommendationSerializer(read_only=True, allow_null=True)
    against_recommendation = serializers.BooleanField(read_only=True)

    class Meta:
        model = ImagingReferral
        fields = [
            "id",
            "case",
            "examination",
            "modality",
            "body_site",
            "laterality",
            "reason",
            "recommendation",
            "override_reason",
            "against_recommendation",
            "status",
            "requested_by",
            "requested_at",
            "scheduled_for",
            "scheduled_at",
            "scheduled_by",
            "performed_at",
            "performed_by",
            "report",
            "reported_at",
            "reported_by",
            "reviewed_at",
            "reviewed_by",
            "review_note",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
        ]
        read_only_fields = [
            "id",
            "status",
            "requested_by",
            "requested_at",
            "scheduled_for",
            "scheduled_at",
            "scheduled_by",
            "performed_at",
            "performed_by",
            "report",
            "reported_at",
            "reported_by",
            "reviewed_at",
            "reviewed_by",
            "review_note",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
        ]


class ScheduleSerializer(api_serializers.Serializer):
    scheduled_for = serializers.DateTimeField(
        help_text="The appointment's date and time.",
        validators=[bounds.validate_clinic_datetime],
    )


class PerformSerializer(api_serializers.Serializer):
    performed_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Defaults to now.",
        validators=[bounds.validate_clinic_datetime],
    )


class ReportSerializer(api_serializers.Serializer):
    report = serializers.CharField(help_text="The radiologist's report.")


class ReviewSerializer(api_serializers.Serializer):
    review_note = serializers.CharField(required=False, allow_blank=True, default="")


class CancelSerializer(api_serializers.Serializer):
    reason = serializers.CharField()


class ImagingReferralFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ReferralStatus.choices, distinct=False)
    modality = django_filters.MultipleChoiceFilter(choices=Modality.choices, distinct=False)

    class Meta:
        model = ImagingReferral
        fields = ["case", "status", "modality", "examination", "laterality", "requested_by"]


STEP_ACTIONS = frozenset({"schedule", "perform", "report", "cancel"})


@extend_schema(tags=["imaging-referrals"])
class ImagingReferralViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TalusViewSet
):
    """Imaging referrals: ``requested → scheduled → performed → reported → reviewed``, or
    ``cancelled`` before the report. Each step is a POST action; out of order it is a 409."""

    role_actions = {
        roles.DOCTOR: READ | {"create", "review"} | STEP_ACTIONS,
        roles.PHYSIO: READ,
        # Admin may fix the logistics, but only a doctor reviews a report.
        roles.ADMIN: READ | {"create"} | STEP_ACTIONS,
    }
    serializer_class = ImagingReferralSerializer
    filterset_class = ImagingReferralFilter
    ordering_fields = ["id", "requested_at", "performed_at", "reported_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.referrals_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = referral_services.referral_create(
            requested_by=self.request.user, **serializer.validated_data
        )
        self.audit_created(serializer.instance)

    def _step(self, step: str, payload_serializer, service) -> Response:
        referral = self.get_object()
        payload = payload_serializer(data=self.request.data)
        with conflicts():
            if not payload.is_valid():
                # A step out of order is a 409 whatever it carries; only then a bad payload.
                referral_services.referral_check_step(referral=referral, step=step)
                raise serializers.ValidationError(payload.errors)
            service(referral=referral, by=self.request.user, **payload.validated_data)
        return Response(
            ImagingReferralSerializer(referral, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK,
        )

    @extend_schema(
        request=ScheduleSerializer, responses={200: ImagingReferralSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        """Book the study: requested → scheduled."""
        return self._step("schedule", ScheduleSerializer, referral_services.referral_schedule)

    @extend_schema(
        request=PerformSerializer, responses={200: ImagingReferralSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def perform(self, request, pk=None):
        """The study was done: scheduled → performed."""
        return self._step("perform", PerformSerializer, referral_services.referral_perform)

    @extend_schema(
        request=ReportSerializer, responses={200: ImagingReferralSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """Enter the radiologist's report: performed → reported."""
        return self._step("report", ReportSerializer, referral_services.referral_report)

    @extend_schema(
        request=ReviewSerializer, responses={200: ImagingReferralSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """A doctor has read the report: reported → reviewed."""
        return self._step("review", ReviewSerializer, referral_services.referral_review)

    @extend_schema(
        request=CancelSerializer, responses={200: ImagingReferralSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel before the report: requested, scheduled or performed → cancelled."""
        return self._step("cancel", CancelSerializer, referral_services.referral_cancel)

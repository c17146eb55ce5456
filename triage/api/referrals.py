"""``/api/v1/imaging-referrals/``: imaging ordered, then moved one step at a time.

``requested → scheduled → performed → reported → reviewed``, or ``cancelled`` before the
report; each step is a POST action. Serializers validate and shape; every write goes through
``triage.services.referrals``, the same functions the pages call. A step out of order answers
409 whatever its payload.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from clinic import bounds, roles
from clinic import serializers as api_serializers
from clinic.fields import ScopedRecordField, VisibleCaseField
from clinic.filters import FilterSet
from clinic.permissions import READ
from clinic.selectors import clinical_cases_visible_to
from clinic.viewsets import TalusViewSet
from triage import selectors
from triage.api.common import CONFLICT, ImagingRecommendationSerializer
from triage.models import Examination, ImagingReferral, Modality, ReferralStatus
from triage.services import referrals as referral_services


class ImagingReferralSerializer(api_serializers.ModelSerializer):
    case = VisibleCaseField(scope=clinical_cases_visible_to)
    examination = ScopedRecordField(
        model=Examination,
        scope=selectors.examinations_visible_to,
        not_found="No such examination.",
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

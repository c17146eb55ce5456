"""The portal's API: send a patient their private link, see and revoke links, and the
questionnaires asked from home (``outcome-requests/``)."""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from clinic import audit, roles
from clinic.api import ErrorSerializer
from clinic.fields import VisibleCaseField
from clinic.filters import FilterSet
from clinic.idempotency import idempotent
from clinic.models import AuditAction
from clinic.permissions import READ
from clinic.selectors import patients_visible_to
from clinic.viewsets import TalusViewSet
from portal import selectors, services
from portal.models import (
    IntakeInvitation,
    IntakeInvitationStatus,
    OutcomeRequest,
    OutcomeRequestStatus,
    PortalLink,
    RequestSide,
)
from rehab.instruments.catalogue import INSTRUMENTS


class PortalLinkSerializer(serializers.ModelSerializer):
    """A link's state: never its URL (that goes to the patient alone)."""

    state = serializers.CharField(read_only=True, help_text="active, revoked, locked or expired.")

    class Meta:
        model = PortalLink
        fields = [
            "id",
            "patient",
            "case",
            "state",
            "created_by",
            "created_at",
            "expires_at",
            "verified_at",
            "failed_attempts",
            "locked_at",
            "revoked_at",
            "revoked_by",
        ]
        read_only_fields = fields


@extend_schema(tags=["portal"])
class PatientPortalLinkViewSet(mixins.CreateModelMixin, TalusViewSet):
    """``POST patients/{id}/portal-link/``: send the patient a private link on their channel."""

    role_actions = {
        roles.RECEPTION: frozenset({"create"}),
        roles.DOCTOR: frozenset({"create"}),
        roles.PHYSIO: frozenset({"create"}),
    }
    serializer_class = PortalLinkSerializer

    def get_queryset(self):
        return selectors.links_visible_to(self.request.user)

    @extend_schema(
        request=None,
        responses={
            201: PortalLinkSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No such patient within reach."),
            409: OpenApiResponse(
                ErrorSerializer,
                description="The patient cannot receive it (no_consent, no_channel, "
                "no_address) or has no case yet (no_case).",
            ),
        },
    )
    @idempotent
    def create(self, request, *args, **kwargs):
        patient = get_object_or_404(patients_visible_to(request.user), pk=kwargs["patient_pk"])
        link = services.portal_link_create(patient=patient, by=request.user)
        self.audit_created(link)
        return Response(self.get_serializer(link).data, status=status.HTTP_201_CREATED)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super(TalusViewSet, self).finalize_response(request, response, *args, **kwargs)
        if response.status_code == 201 and isinstance(response.data, dict):
            response["Location"] = f"/api/v1/portal-links/{response.data['id']}/"
        return response


class PortalLinkFilter(FilterSet):
    class Meta:
        model = PortalLink
        fields = ["patient"]


@extend_schema(tags=["portal"])
class PortalLinkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TalusViewSet):
    """Private links of the patients within reach: their state; ``revoke/`` stops one."""

    role_actions = {
        roles.RECEPTION: READ | {"revoke"},
        roles.DOCTOR: READ | {"revoke"},
        roles.PHYSIO: READ | {"revoke"},
        roles.ADMIN: READ | {"revoke"},
    }
    serializer_class = PortalLinkSerializer
    filterset_class = PortalLinkFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.links_visible_to(self.request.user)

    @extend_schema(
        request=None,
        responses={
            200: PortalLinkSerializer,
            409: OpenApiResponse(ErrorSerializer, description="Already revoked."),
        },
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """The link stops working at once; its unsent messages are cancelled."""
        link = services.portal_link_revoke(link=self.get_object(), by=request.user)
        return Response(self.get_serializer(link).data)


class OutcomeRequestSerializer(serializers.ModelSerializer):
    case = VisibleCaseField()
    instrument = serializers.ChoiceField(choices=sorted(INSTRUMENTS))
    side = serializers.ChoiceField(
        choices=RequestSide.choices,
        required=False,
        allow_blank=True,
        help_text="left or right; required for the CAIT (asked per ankle).",
    )
    outcome = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = OutcomeRequest
        fields = [
            "id",
            "case",
            "instrument",
            "side",
            "due_at",
            "status",
            "schedule_key",
            "sent_at",
            "expires_at",
            "completed_at",
            "outcome",
            "created_by",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "schedule_key",
            "sent_at",
            "expires_at",
            "completed_at",
            "outcome",
            "created_by",
            "created_at",
        ]


class OutcomeRequestFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=OutcomeRequestStatus.choices)
    instrument = django_filters.ChoiceFilter(choices=sorted((c, c) for c in INSTRUMENTS))

    class Meta:
        model = OutcomeRequest
        fields = ["case", "status", "instrument"]


@extend_schema(tags=["portal"])
class OutcomeRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TalusViewSet
):
    """Questionnaires asked from home: the assigned physio asks and cancels, doctors read."""

    role_actions = {
        roles.PHYSIO: READ | {"create", "cancel"},
        roles.DOCTOR: READ,
        roles.ADMIN: READ,
    }
    serializer_class = OutcomeRequestSerializer
    filterset_class = OutcomeRequestFilter
    ordering_fields = ["id", "due_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.outcome_requests_visible_to(self.request.user)

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        made = services.outcome_request_create(
            case=data["case"],
            instrument=data["instrument"],
            side=data.get("side", ""),
            due_at=data["due_at"],
            by=request.user,
        )
        self.audit_created(made)
        return Response(self.get_serializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            200: OutcomeRequestSerializer,
            409: OpenApiResponse(ErrorSerializer, description="Completed, expired or cancelled."),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Withdraw a request not yet answered."""
        made = services.outcome_request_cancel(request=self.get_object(), by=request.user)
        return Response(self.get_serializer(made).data)


class IntakeInvitationSerializer(serializers.ModelSerializer):
    """An invitation and, once answered, the questionnaire as the runner gave it."""

    questionnaire = serializers.JSONField(source="answers", read_only=True)
    intake = serializers.SerializerMethodField()

    class Meta:
        model = IntakeInvitation
        fields = [
            "id",
            "patient",
            "case",
            "status",
            "questionnaire",
            "answered_at",
            "confirmed_at",
            "confirmed_by",
            "intake",
            "created_by",
            "created_at",
        ]
        read_only_fields = [f for f in fields if f != "patient"]

    def get_intake(self, invitation: IntakeInvitation) -> int | None:
        intake = getattr(invitation.case, "intake", None)
        return intake.pk if intake is not None else None


class IntakeInvitationCreateSerializer(serializers.Serializer):
    patient = serializers.IntegerField()


class IntakeInvitationFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=IntakeInvitationStatus.choices)

    class Meta:
        model = IntakeInvitation
        fields = ["patient", "status"]


@extend_schema(tags=["portal"])
class IntakeInvitationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TalusViewSet
):
    """Self-intake: reception invites a patient to answer the questionnaire from home (the care
    team reads within reach), then
    ``confirm/`` turns the answers into the case's intake (triage runs then)."""

    role_actions = {
        roles.RECEPTION: READ | {"create", "confirm"},
        roles.PHYSIO: READ,
        roles.DOCTOR: READ,
        roles.ADMIN: READ | {"create", "confirm"},
    }
    serializer_class = IntakeInvitationSerializer
    filterset_class = IntakeInvitationFilter
    ordering_fields = ["id", "answered_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.invitations_visible_to(self.request.user).select_related("case__intake")

    @extend_schema(
        request=IntakeInvitationCreateSerializer,
        responses={
            201: IntakeInvitationSerializer,
            409: OpenApiResponse(
                ErrorSerializer,
                description="no_consent, no_channel, no_address or invitation_open.",
            ),
        },
    )
    @idempotent
    def create(self, request, *args, **kwargs):
        given = IntakeInvitationCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        patient = get_object_or_404(
            patients_visible_to(request.user), pk=given.validated_data["patient"]
        )
        invitation = services.intake_invitation_create(patient=patient, by=request.user)
        self.audit_created(invitation)
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            200: IntakeInvitationSerializer,
            409: OpenApiResponse(ErrorSerializer, description="Not answered yet, or confirmed."),
        },
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Record and triage the runner's answers on the invitation's case."""
        invitation = self.get_object()
        intake = services.intake_invitation_confirm(invitation=invitation, by=request.user)
        audit.touch(request, intake, AuditAction.CREATE)
        invitation = self.get_queryset().get(pk=invitation.pk)
        return Response(self.get_serializer(invitation).data)

"""``/api/v1/alerts/``: alerts on the cases the caller sees; the assigned physio acknowledges.

Reception sees that an alert exists on a case (to pass the phone to the physio), never its
kind or detail: those are clinical.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from clinic import roles
from clinic.api import ErrorSerializer
from clinic.filters import FilterSet
from clinic.permissions import READ
from clinic.viewsets import TalusViewSet
from rehab import selectors
from rehab.models import Alert, AlertKind
from rehab.services.alerts import alert_acknowledge


class AlertExistsSerializer(serializers.ModelSerializer):
    """What reception sees: an alert on a case, open or acknowledged."""

    class Meta:
        model = Alert
        fields = ["id", "case", "created_at", "acknowledged_at"]
        read_only_fields = fields


class AlertSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alert
        fields = [
            "id",
            "case",
            "kind",
            "detail",
            "created_at",
            "acknowledged_by",
            "acknowledged_at",
        ]
        read_only_fields = fields


class AlertExistsFilter(FilterSet):
    """Reception's filters: by case and open or not, never by kind (that is clinical)."""

    open = django_filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", label="Not yet acknowledged"
    )

    class Meta:
        model = Alert
        fields = ["case", "open"]


class AlertFilter(AlertExistsFilter):
    kind = django_filters.ChoiceFilter(choices=AlertKind.choices)

    class Meta:
        model = Alert
        fields = ["case", "kind", "open"]


@extend_schema(tags=["rehab"])
class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TalusViewSet):
    """Alerts: read within reach (reception without their content); acknowledged by the
    case's assigned physio."""

    role_actions = {
        roles.RECEPTION: READ,
        roles.PHYSIO: READ | {"acknowledge"},
        roles.DOCTOR: READ,
        roles.ADMIN: READ,
    }
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.alerts_visible_to(self.request.user)

    def get_serializer_class(self):
        if roles.role_of(self.request.user) == roles.RECEPTION:
            return AlertExistsSerializer
        return AlertSerializer

    @property
    def filterset_class(self):
        request = getattr(self, "request", None)  # None while the schema is generated
        if request is not None and roles.role_of(request.user) == roles.RECEPTION:
            return AlertExistsFilter
        return AlertFilter

    @extend_schema(
        request=None,
        responses={
            200: AlertSerializer,
            403: OpenApiResponse(ErrorSerializer, description="Not the assigned physio."),
            409: OpenApiResponse(ErrorSerializer, description="Already acknowledged."),
        },
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """The assigned physio has seen the alert; a second acknowledgement is a 409."""
        alert = alert_acknowledge(alert=self.get_object(), by=request.user)
        return Response(self.get_serializer(alert).data)

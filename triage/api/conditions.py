"""``/api/v1/conditions/``: the condition catalogue diagnoses are chosen from (read-only)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers

from clinic import roles
from clinic.permissions import READ
from clinic.viewsets import AuditedViewSetMixin, TalusViewSet
from triage import selectors
from triage.models import Condition


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

"""``GET /api/v1/cases/{id}/timeline/``: a mixin for CaseViewSet (see clinic.timeline)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from clinic import roles
from clinic.timeline import audit_timeline, case_timeline


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    object_type = serializers.CharField()
    object_id = serializers.IntegerField(allow_null=True)
    clinical = serializers.BooleanField()


# Who may read a timeline (a detail action: a case outside the user's reach is still a 404).
TIMELINE_ROLES = {
    role: frozenset({"timeline"})
    for role in (roles.DOCTOR, roles.PHYSIO, roles.RECEPTION, roles.ADMIN)
}


class CaseTimelineMixin:
    """Adds the ``timeline`` action; reception receives only the non-clinical entries."""

    # A bare list, whole: no pagination, no filters (the schema says the same).
    @extend_schema(responses={200: TimelineEntrySerializer(many=True)})
    @action(
        detail=True,
        methods=["get"],
        role_actions=TIMELINE_ROLES,
        pagination_class=None,
        filter_backends=[],
    )
    def timeline(self, request, pk=None):
        """Everything that happened on the case, oldest first, as one list."""
        case = self.get_object()
        entries = case_timeline(case, request.user)
        audit_timeline(request, case, entries)
        return Response(TimelineEntrySerializer([e.as_dict() for e in entries], many=True).data)

"""``GET /api/v1/cases/{id}/timeline/``: a mixin for CaseViewSet (see clinic.timeline)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from clinic import roles
from clinic.serializers import datetime_json
from clinic.timeline import TimelineEntry, audit_timeline, case_timeline


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    object_type = serializers.CharField()
    object_id = serializers.IntegerField(allow_null=True)
    clinical = serializers.BooleanField()


def timeline_json(entries: Iterable[TimelineEntry]) -> list[dict]:
    """The entries as the API shows them, written directly (as ``clinic.api.case_json`` writes
    the case list): the JSON of TimelineEntrySerializer's declared fields, without seven field
    objects per entry and a zone lookup per value. tests/triage/test_timeline.py holds the two
    together."""
    zone = timezone.get_current_timezone()
    return [
        {
            "at": datetime_json(e.at, zone),
            "kind": e.kind,
            "title": e.title,
            "detail": e.detail,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "clinical": e.clinical,
        }
        for e in entries
    ]


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
        # Written directly (timeline_json); the serializer above documents it in the schema.
        return Response(timeline_json(entries))

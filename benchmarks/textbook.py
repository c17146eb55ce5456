"""The textbook DRF peer: the cases list as a competent team writes it first.

``ModelSerializer``s with the patient and the physio shown by id and name through
``select_related`` (one query for the page), cursor pagination (no COUNT), token
authentication, django-filter's ``DjangoFilterBackend`` on the same filters as Talus's
list — but no role scoping, no restricted patients left out and no audit trail. Same
middleware, same gunicorn, same database: Talus, which also scopes and audits every
record it shows, should serve its list at least as fast (docs/benchmarks.md).
"""

from __future__ import annotations

from django.urls import include, path
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import pagination, permissions, routers, serializers, viewsets

from clinic.models import Case


class CaseSerializer(serializers.ModelSerializer):
    patient_name = serializers.CharField(source="patient.family_name", read_only=True)
    assigned_physio_name = serializers.CharField(
        source="assigned_physio.get_full_name", read_only=True, default=None
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "patient",
            "patient_name",
            "side",
            "status",
            "urgency",
            "assigned_physio",
            "assigned_physio_name",
            "opened_at",
            "discharged_at",
            "updated_at",
        ]


class Pages(pagination.CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Case.objects.select_related("patient", "assigned_physio")
    serializer_class = CaseSerializer
    pagination_class = Pages
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["status", "urgency", "patient", "assigned_physio", "side"]


router = routers.DefaultRouter()
router.register("cases", CaseViewSet, basename="textbook-case")
urlpatterns = [path("api/v1/", include(router.urls))]

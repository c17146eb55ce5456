"""The naive DRF baseline: the cases list as a first draft would write it.

A ``ModelViewSet`` over ``Case.objects.all()`` with nested ``ModelSerializer``s (the
patient and the assigned physio inside each case), no ``select_related``, page-number
pagination (50, so a COUNT per page) and the same status filter. Same token
authentication, same middleware, same gunicorn: the ratio Talus/naive says what the
care taken in Talus's list buys.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import include, path
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import pagination, permissions, routers, serializers, viewsets

from clinic.models import Case, Patient


class PatientSerializer(serializers.ModelSerializer):
    class Meta:
        model = Patient
        fields = "__all__"


class PhysioSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["id", "username", "first_name", "last_name", "email"]


class CaseSerializer(serializers.ModelSerializer):
    patient = PatientSerializer()
    assigned_physio = PhysioSerializer()

    class Meta:
        model = Case
        fields = "__all__"


class Pages(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CaseViewSet(viewsets.ModelViewSet):
    queryset = Case.objects.all()
    serializer_class = CaseSerializer
    pagination_class = Pages
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["status"]


router = routers.DefaultRouter()
router.register("cases", CaseViewSet, basename="naive-case")
urlpatterns = [path("api/v1/", include(router.urls))]

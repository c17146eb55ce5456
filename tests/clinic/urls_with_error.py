"""Talus's URLs plus views that fail, to see what a 500 writes to the logs and answers."""

from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from clinic.urls import handler400, handler404, handler500  # noqa: F401 — the same handlers
from clinic.urls import urlpatterns as talus_urlpatterns


def explode(request, pk: int):
    raise RuntimeError("the view failed")


@api_view(["GET"])
@permission_classes([AllowAny])
def explode_api(request):
    raise RuntimeError("the API view failed")


urlpatterns = [
    *talus_urlpatterns,
    path("explode/<int:pk>/", explode),
    path("api/v1/explode/", explode_api),
]

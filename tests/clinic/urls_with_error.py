"""Talus's URLs plus one view that fails, to see what a 500 writes to the logs."""

from django.urls import path

from clinic.urls import urlpatterns as talus_urlpatterns


def explode(request, pk: int):
    raise RuntimeError("the view failed")


urlpatterns = [*talus_urlpatterns, path("explode/<int:pk>/", explode)]

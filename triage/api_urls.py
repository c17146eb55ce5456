"""API routes of the triage app: (prefix, viewset, basename), registered by clinic.urls."""

from triage.api.intake import IntakeViewSet

ROUTES: list[tuple] = [
    ("intakes", IntakeViewSet, "intake"),
]

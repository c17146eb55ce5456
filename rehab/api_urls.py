"""API routes of the rehab app: (prefix, viewset, basename), registered by clinic.urls."""

from rehab.api.alerts import AlertViewSet
from rehab.api.outcomes import OutcomeMeasureViewSet
from rehab.api.plans import TreatmentPlanViewSet
from rehab.api.sessions import PhysioSessionViewSet

ROUTES: list[tuple] = [
    ("treatment-plans", TreatmentPlanViewSet, "treatment-plan"),
    ("sessions", PhysioSessionViewSet, "session"),
    ("outcomes", OutcomeMeasureViewSet, "outcome"),
    ("alerts", AlertViewSet, "alert"),
]

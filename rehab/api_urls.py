"""API routes of the rehab app: (prefix, viewset, basename), registered by clinic.urls."""

from rehab.api.alerts import AlertViewSet
from rehab.api.outcomes import OutcomeMeasureViewSet
from rehab.api.plans import TreatmentPlanViewSet
from rehab.api.programmes import ExerciseLogViewSet, ExerciseProgrammeViewSet, ExerciseViewSet
from rehab.api.runs import RunPlanViewSet, RunViewSet
from rehab.api.sessions import PhysioSessionViewSet

ROUTES: list[tuple] = [
    ("treatment-plans", TreatmentPlanViewSet, "treatment-plan"),
    ("sessions", PhysioSessionViewSet, "session"),
    ("outcomes", OutcomeMeasureViewSet, "outcome"),
    ("exercises", ExerciseViewSet, "exercise"),
    ("exercise-programmes", ExerciseProgrammeViewSet, "exercise-programme"),
    ("exercise-logs", ExerciseLogViewSet, "exercise-log"),
    ("run-plans", RunPlanViewSet, "run-plan"),
    ("runs", RunViewSet, "run"),
    ("alerts", AlertViewSet, "alert"),
]

"""API routes of the triage app: (prefix, viewset, basename), registered by clinic.urls."""

from triage.api.doctor import (
    ConditionViewSet,
    DiagnosisViewSet,
    ExaminationViewSet,
    ImagingReferralViewSet,
)
from triage.api.intake import IntakeViewSet

ROUTES: list[tuple] = [
    ("intakes", IntakeViewSet, "intake"),
    ("examinations", ExaminationViewSet, "examination"),
    ("diagnoses", DiagnosisViewSet, "diagnosis"),
    ("imaging-referrals", ImagingReferralViewSet, "imagingreferral"),
    ("conditions", ConditionViewSet, "condition"),
]

"""API routes of the triage app: (prefix, viewset, basename), registered by clinic.urls."""

from triage.api.doctor import (
    ConditionViewSet,
    DiagnosisViewSet,
    ExaminationViewSet,
    ImagingReferralViewSet,
)

ROUTES: list[tuple] = []

# Doctors' work (issue 4).
ROUTES += [
    ("examinations", ExaminationViewSet, "examination"),
    ("diagnoses", DiagnosisViewSet, "diagnosis"),
    ("imaging-referrals", ImagingReferralViewSet, "imagingreferral"),
    ("conditions", ConditionViewSet, "condition"),
]

"""API routes of the triage app: (prefix, viewset, basename), registered by clinic.urls."""

from triage.api.conditions import ConditionViewSet
from triage.api.consultations import ConsultationViewSet
from triage.api.diagnoses import DiagnosisViewSet
from triage.api.examinations import ExaminationViewSet
from triage.api.intakes import IntakeViewSet
from triage.api.referrals import ImagingReferralViewSet

ROUTES: list[tuple] = [
    ("intakes", IntakeViewSet, "intake"),
    ("examinations", ExaminationViewSet, "examination"),
    ("diagnoses", DiagnosisViewSet, "diagnosis"),
    ("imaging-referrals", ImagingReferralViewSet, "imagingreferral"),
    ("conditions", ConditionViewSet, "condition"),
    ("consultations", ConsultationViewSet, "consultation"),
]

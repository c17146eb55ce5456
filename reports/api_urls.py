"""API routes of the reports app: (prefix, viewset, basename), registered by clinic.urls."""

from django.urls import path

from reports.api import DischargeLetterSendView, DischargeLetterView, ReportViewSet

ROUTES: list[tuple] = [
    ("reports", ReportViewSet, "report"),
]

# Routes outside the router (under /api/v1/): a case's letter belongs beside the case.
PATHS = [
    path(
        "cases/<int:pk>/discharge-letter/",
        DischargeLetterView.as_view(),
        name="case-discharge-letter",
    ),
    path(
        "cases/<int:pk>/discharge-letter/send/",
        DischargeLetterSendView.as_view(),
        name="case-discharge-letter-send",
    ),
]

"""API routes of the reports app: (prefix, viewset, basename), registered by clinic.urls."""

from reports.api import ReportViewSet

ROUTES: list[tuple] = [
    ("reports", ReportViewSet, "report"),
]

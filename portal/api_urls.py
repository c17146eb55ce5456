"""API routes of the portal: (prefix, viewset, basename), registered by clinic.urls."""

from portal.api import (
    IntakeInvitationViewSet,
    OutcomeRequestViewSet,
    PatientPortalLinkViewSet,
    PortalLinkViewSet,
)

ROUTES: list[tuple] = [
    (
        r"patients/(?P<patient_pk>[0-9]+)/portal-link",
        PatientPortalLinkViewSet,
        "patient-portal-link",
    ),
    ("portal-links", PortalLinkViewSet, "portal-link"),
    ("outcome-requests", OutcomeRequestViewSet, "outcome-request"),
    ("intake-invitations", IntakeInvitationViewSet, "intake-invitation"),
]

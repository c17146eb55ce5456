"""Lookups shared by the rehab pages: scoped first (404), then the role's right (403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from clinic.models import Case
from clinic.selectors import cases_visible_to
from rehab.selectors import sessions_visible_to


def visible_case(request, pk: int) -> Case:
    """A case within the user's reach, with its patient, or 404."""
    return get_object_or_404(cases_visible_to(request.user).select_related("patient"), pk=pk)


def assigned_case(request, pk: int) -> Case:
    """A case the user may treat: visible (else 404) and assigned to them (else 403)."""
    case = visible_case(request, pk)
    if case.assigned_physio_id != request.user.pk:
        raise PermissionDenied("Only the case's assigned physio may do this.")
    return case


def visible_session(request, pk: int):
    """A session within the user's reach, with its case and patient, or 404."""
    return get_object_or_404(
        sessions_visible_to(request.user).select_related("case__patient", "physio"), pk=pk
    )

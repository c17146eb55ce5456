"""Guards shared by the rehab services."""

from __future__ import annotations

from clinic import roles
from clinic.errors import Conflict, NotAllowed
from clinic.models import Case

# Who books, moves and cancels sessions.
BOOKERS = (roles.RECEPTION, roles.PHYSIO)


def may_treat(*, case: Case, user) -> bool:
    """Whether the user writes this case's treatment: its assigned physio, until it ends."""
    return (
        roles.role_of(user) == roles.PHYSIO
        and case.assigned_physio_id == user.pk
        and not case.is_ended
    )


def may_book(*, case: Case, user) -> bool:
    """Whether the user books sessions on this case: reception and physios, until it ends."""
    return roles.role_of(user) in BOOKERS and not case.is_ended


def require_assigned_physio(case: Case, by) -> None:
    """Only the case's assigned physio writes its clinical record."""
    if by is None or case.assigned_physio_id != by.pk:
        raise NotAllowed("Only the physio assigned to this case may do this.")


def lock_case(case: Case) -> Case:
    """Re-read the case under a row lock (serialises writes that depend on its state)."""
    return Case.objects.select_for_update().get(pk=case.pk)


def require_active(case: Case) -> None:
    """A discharged or closed case takes no new treatment."""
    if case.is_ended:
        raise Conflict(
            f"This case is {case.get_status_display().lower()}: it takes no new treatment.",
            code="case_closed",
        )

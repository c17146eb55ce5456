"""Pieces shared by the doctors' services (examinations, diagnoses, imaging referrals)."""

from __future__ import annotations


class InvalidTransition(Exception):
    """The record's current status does not allow this step."""

    def __init__(self, message: str, *, current: str):
        super().__init__(message)
        self.current = current


def copy_fields(source, target) -> None:
    """Refresh the caller's instance from the locked copy (no second query)."""
    if source is target:
        return
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))

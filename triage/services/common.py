"""A piece shared by the doctors' services (examinations, diagnoses, imaging referrals)."""

from __future__ import annotations


def copy_fields(source, target) -> None:
    """Refresh the caller's instance from the locked copy (no second query)."""
    if source is target:
        return
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))

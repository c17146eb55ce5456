"""Filters of the rehab pages: an instrument's name, a return-to-run criterion's value."""

from __future__ import annotations

from django import template

from rehab.instruments.catalogue import INSTRUMENTS
from rehab.run_rules import RUN_DECISION_LABELS

register = template.Library()


@register.filter
def instrument_name(code: str) -> str:
    instrument = INSTRUMENTS.get(code)
    return instrument.name if instrument else code


@register.filter
def criterion_value(row) -> str:
    if row is None:
        return "Not assessed"
    if isinstance(row.value, bool):
        return "Satisfactory" if row.value else "Not yet"
    return str(row.value)


@register.filter
def run_decision(code: str) -> str:
    """A run's decision in words ("Progress to the next stage")."""
    return RUN_DECISION_LABELS.get(code, code)

"""The core's word lists, each written once as plain data (no Django).

A word list is a ``Literal`` type, which the pure rules use (``triage.rules``), and its labels,
from which the models build their ``TextChoices`` (``clinic.models.text_choices``) for the
forms, the admin and the API. ``words`` refuses, at import, labels that name other values than
the type, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args


def words(kind: Any, labels: Mapping[str, Any]) -> tuple[str, ...]:
    """The values of a ``Literal`` type, in its order; labels for any others are refused."""
    values = get_args(kind)
    if tuple(labels) != values:
        raise ValueError(f"The labels name {tuple(labels)}, the type {values}.")
    return values


# Which ankle: the case's side, and the one the patient names at intake.
Side = Literal["left", "right", "both"]
SIDE_LABELS: dict[Side, str] = {"left": "Left", "right": "Right", "both": "Both"}
SIDES = words(Side, SIDE_LABELS)


# How soon a doctor sees the patient (the triage's answer, kept on the case).
Urgency = Literal["urgent", "soon", "routine"]


@dataclass(frozen=True)
class UrgencyWording:
    """How the pages put an urgency: its label, and what reception says and books for it."""

    label: str
    next_step: str
    booking: str


URGENCY_WORDING: dict[Urgency, UrgencyWording] = {
    "urgent": UrgencyWording(
        label="Urgent — see a doctor today",
        next_step="A doctor must see the patient today.",
        booking="Book a doctor's appointment for today",
    ),
    "soon": UrgencyWording(
        label="Soon — see a doctor this week",
        next_step="A doctor should see the patient this week.",
        booking="Book a doctor's appointment this week",
    ),
    "routine": UrgencyWording(
        label="Routine — book an appointment",
        next_step="Book a routine physiotherapy appointment.",
        booking="Book a physiotherapy session",
    ),
}
URGENCIES = words(Urgency, URGENCY_WORDING)
URGENCY_LABELS: dict[Urgency, str] = {u: wording.label for u, wording in URGENCY_WORDING.items()}

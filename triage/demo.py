"""Triage's demo data: an intake (and so a triaged case) for each demo patient."""

from __future__ import annotations

from clinic import roles, services
from clinic.models import Patient
from diary.demo_booking import demo_slot
from triage.services.consultations import consultation_book
from triage.services.intake import intake_create

# The painful side of each demo patient, by their index.
SIDES = ("left", "right", "right", "both", "left")


def _demo_questionnaire(side: str, index: int) -> dict:
    """A varied set of answers: a fresh sprain, a bad trauma, and aching Achilles tendons."""
    trauma = index % 2 == 0
    return {
        "onset": "trauma" if trauma else "gradual",
        "mechanism": "twist" if trauma else None,
        "swelling": ["moderate", "severe", "mild"][index % 3] if trauma else "none",
        "hematoma": index == 2,
        "mobility": "difficult" if trauma else "normal",
        "weight_bearing": "impossible" if index == 2 else ("difficult" if trauma else "normal"),
        "pain_location": "lateral" if trauma else "posterior",
        "side": "both" if side == "both" else side,
        "pain_at_rest": 5 if trauma else 2,
        "pain_after_running": 8 if trauma else 6,
        "pain_duration_days": 1 if trauma else 40,
        "still_running": not trauma,
        "weekly_distance_km": 25 + 5 * index,
        "recent_training_change": not trauma,
        "recent_shoe_change": index == 3,
        "known_flat_feet": index == 1,
        "previous_sprains": index % 3,
        "calf_pain_or_swelling": False,
        "fever_or_hot_red_joint": False,
        "numbness_or_cold_foot": False,
        "night_pain": False,
        "focal_bone_pain": False,
    }


def demo_intake(*, patient: Patient, index: int, staff: dict) -> None:
    """Reception records the patient's intake; a patient who consented to reminders gets
    the demo physio."""
    intake = intake_create(
        recorded_by=staff[roles.RECEPTION],
        patient=patient,
        questionnaire=_demo_questionnaire(SIDES[index % len(SIDES)], index),
    )
    if patient.reminder_consent:
        services.case_update(case=intake.case, assigned_physio=staff[roles.PHYSIO])


def demo_consultation(*, patient: Patient, index: int, staff: dict) -> None:
    """Reception books each demo case's first consultation with the demo doctor this week."""
    doctor = staff[roles.DOCTOR]
    for case in patient.cases.all():
        at = demo_slot(practitioner=doctor, index=index, nth=0, duration_minutes=20)
        if at is not None:
            consultation_book(case=case, doctor=doctor, scheduled_at=at, by=staff[roles.RECEPTION])

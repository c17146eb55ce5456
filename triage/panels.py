"""The medical picture on the physio's case page (clinic.panels): the intake answers, the
exam findings, the diagnoses, and the imaging with its report and review note.

Shown to physios only: the doctors' case page lays the same records out in its own sections.
Fed by triage's scoping selectors; it names every record it shows so the page audits them.
"""

from __future__ import annotations

from clinic import roles
from clinic.panels import CasePanel, register_panel
from triage import selectors
from triage.models import OTTAWA_FIELDS, Examination, Intake
from triage.rules import QUESTIONNAIRE_FIELDS

# The exam's findings beyond the Ottawa ones, in the order the exam form asks them.
EXAM_TESTS = (
    "thompson_test",
    "anterior_drawer",
    "squeeze_test",
    "external_rotation_test",
    "foot_posture",
)


# Labels clearer than the field's own name, with the unit.
LABELS = {
    "pain_at_rest": "Pain at rest (0-10)",
    "pain_after_running": "Pain after running (0-10)",
    "pain_duration_days": "Pain for (days)",
    "weekly_distance_km": "Weekly distance (km)",
}


def _label(model, name: str) -> str:
    return LABELS.get(name) or str(model._meta.get_field(name).verbose_name).capitalize()


def _value(record, name: str) -> str:
    field = record._meta.get_field(name)
    value = getattr(record, name)
    if field.choices:
        return getattr(record, f"get_{name}_display")() or "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value in (None, ""):
        return "—"
    return str(value)


def intake_answers(intake: Intake) -> list[tuple[str, str]]:
    """The questionnaire's answers, each with its label, in the questionnaire's order."""
    return [
        (_label(Intake, name), _value(intake, name))
        for name in QUESTIONNAIRE_FIELDS
        if hasattr(intake, name)
    ]


def exam_findings(exam: Examination) -> list[tuple[str, str]]:
    """An exam's positive Ottawa findings and its tests that were done."""
    found = [(_label(Examination, name), "Yes") for name in OTTAWA_FIELDS if getattr(exam, name)]
    for name in EXAM_TESTS:
        if hasattr(exam, name) and getattr(exam, name) not in ("not_done", "", None):
            found.append((_label(Examination, name), _value(exam, name)))
    if exam.dorsiflexion_deg is not None:
        found.append(("Dorsiflexion", f"{exam.dorsiflexion_deg}°"))
    return found


@register_panel
def medical_picture(case, user) -> CasePanel | None:
    """What the doctors found, for the physio who treats the case."""
    if roles.role_of(user) != roles.PHYSIO:
        return None
    intake = selectors.intakes_visible_to(user).filter(case=case).first()
    exams = list(selectors.examinations_visible_to(user).filter(case=case))
    diagnoses = list(
        selectors.diagnoses_visible_to(user).filter(case=case).select_related("condition")
    )
    referrals = list(selectors.referrals_visible_to(user).filter(case=case))
    return CasePanel(
        template="triage/_medical_picture.html",
        context={
            "intake": intake,
            "answers": intake_answers(intake) if intake else [],
            "exams": [{"exam": exam, "findings": exam_findings(exam)} for exam in exams],
            "diagnoses": diagnoses,
            "referrals": referrals,
        },
        records=tuple(r for r in (intake, *exams, *diagnoses, *referrals) if r is not None),
    )

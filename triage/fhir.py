"""Triage's part of the FHIR export: the intake as a QuestionnaireResponse."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from clinic.fhir import Resource, instant, reference, register_section, resource
from triage import rules
from triage.forms import IntakeForm
from triage.models import Intake

QUESTIONNAIRE_URL = "urn:talus:questionnaire:ankle-pain-intake"


def _answer(value) -> dict:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, Decimal | float):
        return {"valueDecimal": float(value)}
    return {"valueString": str(value)}


def intake_resource(intake: Intake, patient_pk: int) -> Resource:
    """The questionnaire's answers and the triage it produced."""
    labels = {name: str(field.label) for name, field in IntakeForm.base_fields.items()}
    items = []
    for name in rules.QUESTIONNAIRE_FIELDS:
        value = getattr(intake, name)
        if value in ("", None):
            continue
        items.append({"linkId": name, "text": labels.get(name, name), "answer": [_answer(value)]})
    triage_items = [
        {"linkId": "triage.pathway", "text": "Pathway", "answer": [_answer(intake.pathway)]},
        {"linkId": "triage.urgency", "text": "Urgency", "answer": [_answer(intake.urgency)]},
        {
            "linkId": "triage.stop_running",
            "text": "Stop running",
            "answer": [_answer(intake.stop_running)],
        },
    ]
    if intake.suspected_conditions:
        triage_items.append(
            {
                "linkId": "triage.suspected_conditions",
                "text": "Suspected conditions",
                "answer": [_answer(code) for code in intake.suspected_conditions],
            }
        )
    items.append({"linkId": "triage", "text": "Triage", "item": triage_items})
    return resource(
        "QuestionnaireResponse",
        intake.pk,
        {
            "questionnaire": QUESTIONNAIRE_URL,
            "status": "completed",
            "subject": reference("Patient", patient_pk),
            "authored": instant(intake.recorded_at),
            "item": items,
        },
    )


def intake_section(patient, cases) -> Iterable[Resource]:
    """A QuestionnaireResponse per intake of the visible cases."""
    for intake in Intake.objects.filter(case__in=[c.pk for c in cases]).order_by("recorded_at"):
        yield intake_resource(intake, patient.pk)


register_section(intake_section)

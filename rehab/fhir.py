"""Rehab's part of the FHIR export: sessions (Encounter, Procedure) and outcome scores."""

from __future__ import annotations

from collections.abc import Iterable

from clinic.fhir import (
    LOINC_SYSTEM,
    TALUS_SYSTEM,
    Resource,
    ankle_body_site,
    instant,
    period,
    reference,
    register_section,
)
from clinic.fhir import resource as make_resource
from rehab.instruments.catalogue import INSTRUMENTS
from rehab.models import Intervention, OutcomeMeasure, PhysioSession

ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
_ENCOUNTER_STATUS = {
    "scheduled": "planned",
    "attended": "finished",
    "no_show": "cancelled",
    "cancelled": "cancelled",
}
# LOINC 72514-3: pain severity, 0-10 verbal numeric rating. The other scores carry our code.
_LOINC = {"nprs": ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")}


def session_resources(session: PhysioSession, patient_pk: int) -> Iterable[Resource]:
    """A session as an Encounter, and each intervention done as a Procedure."""
    start = session.scheduled_at
    encounter: Resource = {
        "status": _ENCOUNTER_STATUS[session.status],
        "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
        "type": [{"text": "Physiotherapy session"}],
        "subject": reference("Patient", patient_pk),
        "episodeOfCare": [reference("EpisodeOfCare", session.case_id)],
        "period": period(start, session.duration_minutes),
    }
    yield make_resource("Encounter", session.pk, encounter)
    if session.status != "attended":
        return
    labels = dict(Intervention.choices)
    for code in session.interventions:
        yield make_resource(
            "Procedure",
            f"{session.pk}-{code}",
            {
                "status": "completed",
                "code": {
                    "coding": [{"system": TALUS_SYSTEM, "code": code}],
                    "text": labels.get(code, code),
                },
                "subject": reference("Patient", patient_pk),
                "encounter": reference("Encounter", session.pk),
                "performedDateTime": instant(start),
            },
        )


def outcome_resource(measure: OutcomeMeasure, patient_pk: int) -> Resource:
    """A scored outcome measure as an Observation (the score; the answers stay in Talus)."""
    instrument = INSTRUMENTS[measure.instrument]
    coding = [{"system": TALUS_SYSTEM, "code": measure.instrument}]
    if measure.instrument in _LOINC:
        code, display = _LOINC[measure.instrument]
        coding.insert(0, {"system": LOINC_SYSTEM, "code": code, "display": display})
    body_site = ankle_body_site(measure.side)
    return make_resource(
        "Observation",
        f"outcome-{measure.pk}",
        {
            # The ankle the answers are about (CAIT always has one).
            **({"bodySite": body_site} if body_site else {}),
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "survey",
                        }
                    ]
                }
            ],
            "code": {"coding": coding, "text": instrument.name},
            "subject": reference("Patient", patient_pk),
            "focus": [reference("EpisodeOfCare", measure.case_id)],
            "effectiveDateTime": instant(measure.recorded_at),
            "valueQuantity": {"value": float(measure.score), "unit": f"of {measure.score_max}"},
            "note": [{"text": measure.interpretation}],
        },
    )


def rehab_section(patient, cases) -> Iterable[Resource]:
    """Sessions and outcome measures of the visible cases."""
    case_ids = [c.pk for c in cases]
    for session in PhysioSession.objects.filter(case__in=case_ids).order_by("scheduled_at", "pk"):
        yield from session_resources(session, patient.pk)
    for measure in OutcomeMeasure.objects.filter(case__in=case_ids).order_by("recorded_at", "pk"):
        yield outcome_resource(measure, patient.pk)


register_section(rehab_section)

"""Rehab's part of the FHIR export: plans, sessions, pain, scores, return to run, discharge."""

from __future__ import annotations

from collections.abc import Iterable

from clinic.fhir import (
    LOINC_SYSTEM,
    OBSERVATION_CATEGORY,
    SNOMED_SYSTEM,
    Resource,
    ankle_body_site,
    coding,
    episode_extension,
    instant,
    period,
    reference,
    register_code_system,
    register_section,
    score_quantity,
)
from clinic.fhir import resource as make_resource
from rehab.instruments.catalogue import INSTRUMENTS
from rehab.models import (
    Decision,
    Discharge,
    Intervention,
    OutcomeMeasure,
    PhysioSession,
    ReturnToRun,
    TreatmentPlan,
)

ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
_ENCOUNTER_STATUS = {
    "scheduled": "planned",
    "attended": "finished",
    "no_show": "cancelled",
    "cancelled": "cancelled",
}
# LOINC 72514-3: pain severity, 0-10 verbal numeric rating. No LOINC code names the other
# instruments' totals as Talus scores them: they carry Talus's instrument code system.
PAIN_SEVERITY = coding(
    LOINC_SYSTEM, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
)
_LOINC = {"nprs": PAIN_SEVERITY}
# SNOMED CT 91251008 |Physical therapy procedure (regime/therapy)|: the kind of every session
# intervention (each intervention itself carries Talus's code).
PHYSIOTHERAPY = coding(SNOMED_SYSTEM, "91251008", "Physical therapy procedure")

INTERVENTION_SYSTEM = register_code_system(
    "talus-intervention",
    title="Talus physiotherapy interventions",
    description="What a physiotherapy session did (the article's treatments).",
    concepts=lambda: Intervention.choices,
)
INSTRUMENT_SYSTEM = register_code_system(
    "talus-instrument",
    title="Talus outcome instruments",
    description="The validated outcome measures Talus scores (docs/clinical.md cites each).",
    concepts=lambda: [(code, instrument.name) for code, instrument in INSTRUMENTS.items()],
)
RETURN_TO_RUN_SYSTEM = register_code_system(
    "talus-return-to-run",
    title="Talus return-to-run decisions",
    description="The physiotherapist's return-to-run decision and what it is recorded as.",
    concepts=lambda: [("decision", "Return-to-run decision"), *Decision.choices],
)
_PLAN_STATUS = {"in_rehab": "active", "discharged": "completed", "closed": "revoked"}


def plan_resource(plan: TreatmentPlan, patient_pk: int, case_status: str) -> Resource:
    """A treatment plan as a CarePlan: its goals, dose and home programme."""
    activity = {
        "detail": {
            "kind": "ServiceRequest",
            "code": {"coding": [PHYSIOTHERAPY], "text": "Physiotherapy sessions"},
            "status": "completed" if case_status == "discharged" else "in-progress",
            "description": (
                f"{plan.planned_sessions} sessions, {plan.frequency} a week"
                + (f". Home exercises: {plan.home_exercises}" if plan.home_exercises else "")
            ),
        }
    }
    return make_resource(
        "CarePlan",
        plan.pk,
        {
            "status": _PLAN_STATUS.get(case_status, "active"),
            "intent": "plan",
            "category": [{"coding": [PHYSIOTHERAPY]}],
            "title": "Physiotherapy plan",
            "description": plan.goals,
            "subject": reference("Patient", patient_pk),
            "period": {"start": plan.started_on.isoformat()},
            "created": instant(plan.created_at),
            "activity": [activity],
            "extension": episode_extension(plan.case_id),
        },
    )


def _pain_observation(session: PhysioSession, patient_pk: int, when: str, value: int) -> Resource:
    return make_resource(
        "Observation",
        f"session-{session.pk}-pain-{when}",
        {
            "status": "final",
            "category": [{"coding": [coding(OBSERVATION_CATEGORY, "survey", "Survey")]}],
            "code": {"coding": [PAIN_SEVERITY], "text": f"Pain {when} the session (NPRS)"},
            "subject": reference("Patient", patient_pk),
            "encounter": reference("Encounter", session.pk),
            "effectiveDateTime": instant(session.scheduled_at),
            "valueQuantity": score_quantity(value),
        },
    )


def session_resources(session: PhysioSession, patient_pk: int) -> Iterable[Resource]:
    """A session as an Encounter; each intervention done as a Procedure; its pain scores."""
    start = session.scheduled_at
    encounter: Resource = {
        "status": _ENCOUNTER_STATUS[session.status],
        "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
        "type": [{"coding": [PHYSIOTHERAPY], "text": "Physiotherapy session"}],
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
                "category": {"coding": [PHYSIOTHERAPY]},
                "code": {
                    "coding": [coding(INTERVENTION_SYSTEM, code, labels.get(code))],
                    "text": labels.get(code, code),
                },
                "subject": reference("Patient", patient_pk),
                "encounter": reference("Encounter", session.pk),
                "performedDateTime": instant(start),
            },
        )
    for when, value in (("before", session.pain_before), ("after", session.pain_after)):
        if value is not None:
            yield _pain_observation(session, patient_pk, when, value)


def outcome_resource(measure: OutcomeMeasure, patient_pk: int) -> Resource:
    """A scored outcome measure as an Observation (the score; the answers stay in Talus)."""
    instrument = INSTRUMENTS[measure.instrument]
    codings = [coding(INSTRUMENT_SYSTEM, measure.instrument, instrument.name)]
    if measure.instrument in _LOINC:
        codings.insert(0, _LOINC[measure.instrument])
    body_site = ankle_body_site(measure.side)
    return make_resource(
        "Observation",
        f"outcome-{measure.pk}",
        {
            # The ankle the answers are about (CAIT always has one).
            **({"bodySite": body_site} if body_site else {}),
            "status": "final",
            "category": [{"coding": [coding(OBSERVATION_CATEGORY, "survey", "Survey")]}],
            "code": {"coding": codings, "text": instrument.name},
            "subject": reference("Patient", patient_pk),
            "effectiveDateTime": instant(measure.recorded_at),
            "valueQuantity": score_quantity(measure.score),
            "referenceRange": [
                {"low": score_quantity(0), "high": score_quantity(measure.score_max)}
            ],
            "note": [{"text": measure.interpretation}],
            "extension": episode_extension(measure.case_id),
        },
    )


def return_to_run_resource(check: ReturnToRun, patient_pk: int) -> Resource:
    """The physio's return-to-run decision as an Observation."""
    labels = dict(Decision.choices)
    return make_resource(
        "Observation",
        f"return-to-run-{check.pk}",
        {
            "status": "final",
            "category": [{"coding": [coding(OBSERVATION_CATEGORY, "activity", "Activity")]}],
            "code": {
                "coding": [coding(RETURN_TO_RUN_SYSTEM, "decision", "Return-to-run decision")],
                "text": "Return-to-run decision",
            },
            "subject": reference("Patient", patient_pk),
            "effectiveDateTime": check.decided_on.isoformat(),
            "valueCodeableConcept": {
                "coding": [coding(RETURN_TO_RUN_SYSTEM, check.decision, labels[check.decision])],
                "text": labels[check.decision],
            },
            "note": [{"text": check.reason}],
            "extension": episode_extension(check.case_id),
        },
    )


def discharge_resource(discharge: Discharge, patient_pk: int) -> Resource:
    """The discharge and its summary as a completed ClinicalImpression of the episode."""
    return make_resource(
        "ClinicalImpression",
        f"discharge-{discharge.pk}",
        {
            "status": "completed",
            "code": {"text": "Discharge summary"},
            "description": "Discharge from physiotherapy",
            "subject": reference("Patient", patient_pk),
            "date": instant(discharge.discharged_at),
            "summary": discharge.summary,
            "extension": episode_extension(discharge.case_id),
        },
    )


def rehab_section(patient, cases) -> Iterable[Resource]:
    """Plans, sessions, outcome measures, return-to-run decisions and discharges."""
    case_ids = [c.pk for c in cases]
    statuses = {c.pk: c.status for c in cases}
    for plan in TreatmentPlan.objects.filter(case__in=case_ids).order_by("pk"):
        yield plan_resource(plan, patient.pk, statuses[plan.case_id])
    for session in PhysioSession.objects.filter(case__in=case_ids).order_by("scheduled_at", "pk"):
        yield from session_resources(session, patient.pk)
    for measure in OutcomeMeasure.objects.filter(case__in=case_ids).order_by("recorded_at", "pk"):
        yield outcome_resource(measure, patient.pk)
    checks = ReturnToRun.objects.filter(case__in=case_ids).exclude(decision="").order_by("pk")
    for check in checks:
        yield return_to_run_resource(check, patient.pk)
    for discharge in Discharge.objects.filter(case__in=case_ids).order_by("discharged_at"):
        yield discharge_resource(discharge, patient.pk)


register_section(rehab_section)

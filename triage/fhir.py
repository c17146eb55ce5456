"""Triage's part of the FHIR export: intake, exams, diagnoses, referrals and reports."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from clinic.fhir import (
    ICD10_SYSTEM,
    TALUS_SYSTEM,
    Resource,
    ankle_body_site,
    instant,
    reference,
    register_section,
    resource,
)
from triage import rules
from triage.forms import IntakeForm
from triage.models import Diagnosis, Examination, ImagingReferral, Intake
from triage.vocabulary import RED_FLAG_LABELS

QUESTIONNAIRE_URL = "urn:talus:questionnaire:ankle-pain-intake"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"


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
    if intake.red_flags:
        triage_items.append(
            {
                "linkId": "triage.red_flags",
                "text": "Red flags",
                "answer": [_answer(flag) for flag in intake.red_flags],
            }
        )
    if intake.patient_advice:
        triage_items.append(
            {
                "linkId": "triage.patient_advice",
                "text": "What the patient was told",
                "answer": [_answer(intake.patient_advice)],
            }
        )
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


def red_flag_resources(intake: Intake, patient_pk: int) -> Iterable[Resource]:
    """Each red flag of the intake's safety answers as an Observation, derived from the answers.

    The flags are those triage found (``intake.red_flags``: NICE CKS, docs/triage.md); each
    is marked abnormal so that a receiving system can alert on it.
    """
    site = ankle_body_site(intake.side)
    for flag in intake.red_flags:
        yield resource(
            "Observation",
            f"red-flag-{intake.pk}-{flag}",
            {
                "status": "final",
                "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
                "code": {
                    "coding": [{"system": TALUS_SYSTEM, "code": f"red-flag.{flag}"}],
                    "text": f"Red flag: {RED_FLAG_LABELS.get(flag, flag)}",
                },
                "subject": reference("Patient", patient_pk),
                "focus": [reference("EpisodeOfCare", intake.case_id)],
                "effectiveDateTime": instant(intake.recorded_at),
                "valueBoolean": True,
                "interpretation": [
                    {"coding": [{"system": INTERPRETATION_SYSTEM, "code": "A"}], "text": "Abnormal"}
                ],
                **({"bodySite": site} if site else {}),
                "derivedFrom": [reference("QuestionnaireResponse", intake.pk)],
            },
        )


def intake_section(patient, cases) -> Iterable[Resource]:
    """A QuestionnaireResponse per intake of the visible cases, and its red flags."""
    for intake in Intake.objects.filter(case__in=[c.pk for c in cases]).order_by("recorded_at"):
        yield intake_resource(intake, patient.pk)
        yield from red_flag_resources(intake, patient.pk)


register_section(intake_section)


# --- Examinations, diagnoses, imaging ---------------------------------------------------------

VER_STATUS = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CLINICAL_STATUS = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
_SIDES = {"left": "Left", "right": "Right", "bilateral": "Both"}
_REQUEST_STATUS = {
    "requested": "active",
    "scheduled": "active",
    "performed": "active",
    "reported": "completed",
    "reviewed": "completed",
    "cancelled": "revoked",
}
_MODALITY = {"xray": "X-ray", "ultrasound": "Ultrasound", "mri": "MRI", "ct": "CT"}


def examination_resource(exam: Examination, patient_pk: int) -> Resource:
    """The Ottawa/Thompson imaging recommendation of an exam, as an Observation."""
    recommendation = exam.imaging_recommendation or {}
    studies = recommendation.get("studies") or []
    body: Resource = {
        "status": "final",
        "code": {
            "coding": [{"system": TALUS_SYSTEM, "code": "imaging-recommendation"}],
            "text": "Imaging recommendation (Ottawa ankle and foot rules, Thompson test)",
        },
        "subject": reference("Patient", patient_pk),
        "focus": [reference("EpisodeOfCare", exam.case_id)],
        "effectiveDateTime": instant(exam.examined_at),
        "valueString": ", ".join(studies) if studies else "no imaging indicated",
    }
    if recommendation.get("rationale"):
        body["note"] = [{"text": sentence} for sentence in recommendation["rationale"]]
    return resource("Observation", f"exam-{exam.pk}", body)


def diagnosis_resource(diagnosis: Diagnosis, patient_pk: int) -> Resource:
    """A diagnosis as a Condition with its ICD-10 coding and verification status."""
    condition = diagnosis.condition
    body: Resource = {
        "verificationStatus": {"coding": [{"system": VER_STATUS, "code": diagnosis.status}]},
        "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": "encounter-diagnosis"}]}],
        "code": {
            "coding": [
                {"system": ICD10_SYSTEM, "code": condition.icd10, "display": condition.title},
                {"system": TALUS_SYSTEM, "code": condition.code},
            ],
            "text": condition.title,
        },
        "bodySite": [{"text": f"{_SIDES[diagnosis.laterality]} ankle"}],
        "subject": reference("Patient", patient_pk),
        "recordedDate": instant(diagnosis.diagnosed_at),
    }
    if diagnosis.status != "refuted":
        body["clinicalStatus"] = {"coding": [{"system": CLINICAL_STATUS, "code": "active"}]}
    if diagnosis.notes:
        body["note"] = [{"text": diagnosis.notes}]
    return resource("Condition", diagnosis.pk, body)


def referral_resources(referral: ImagingReferral, patient_pk: int) -> Iterable[Resource]:
    """A referral as a ServiceRequest, and its report as a DiagnosticReport."""
    title = f"{_MODALITY[referral.modality]} of the {referral.body_site}"
    request: Resource = {
        "status": _REQUEST_STATUS[referral.status],
        "intent": "order",
        "code": {"coding": [{"system": TALUS_SYSTEM, "code": referral.modality}], "text": title},
        "subject": reference("Patient", patient_pk),
        "authoredOn": instant(referral.requested_at),
        "reasonCode": [{"text": referral.reason}],
        "bodySite": [{"text": f"{_SIDES[referral.laterality]} {referral.body_site}"}],
    }
    if referral.examination_id:
        request["supportingInfo"] = [reference("Observation", f"exam-{referral.examination_id}")]
    if referral.scheduled_for:
        request["occurrenceDateTime"] = instant(referral.scheduled_for)
    if referral.override_reason:
        request["note"] = [
            {"text": f"Ordered against the recommendation: {referral.override_reason}"}
        ]
    yield resource("ServiceRequest", referral.pk, request)
    if referral.status in ("reported", "reviewed"):
        yield resource(
            "DiagnosticReport",
            referral.pk,
            {
                "status": "final",
                "code": {"text": title},
                "basedOn": [reference("ServiceRequest", referral.pk)],
                "subject": reference("Patient", patient_pk),
                "issued": instant(referral.reported_at),
                "effectiveDateTime": instant(referral.performed_at or referral.reported_at),
                "conclusion": referral.report,
            },
        )


def doctor_section(patient, cases) -> Iterable[Resource]:
    """Exams (their imaging recommendation), diagnoses, referrals and reports."""
    case_ids = [c.pk for c in cases]
    for exam in Examination.objects.filter(case__in=case_ids).order_by("examined_at", "pk"):
        yield examination_resource(exam, patient.pk)
    diagnoses = Diagnosis.objects.filter(case__in=case_ids).select_related("condition")
    for diagnosis in diagnoses.order_by("diagnosed_at", "pk"):
        yield diagnosis_resource(diagnosis, patient.pk)
    for referral in ImagingReferral.objects.filter(case__in=case_ids).order_by("requested_at"):
        yield from referral_resources(referral, patient.pk)


register_section(doctor_section)

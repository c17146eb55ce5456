"""Triage's part of the FHIR export: intake, exams, diagnoses, referrals and reports."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import models

from clinic.fhir import (
    DICOM_SYSTEM,
    ICD10_SYSTEM,
    OBSERVATION_CATEGORY,
    SNOMED_SYSTEM,
    Resource,
    ankle_body_site,
    coding,
    episode_extension,
    instant,
    reference,
    register_code_system,
    register_questionnaire,
    register_section,
    resource,
)
from triage import rules
from triage.forms import IntakeForm
from triage.models import Condition, Diagnosis, Examination, ImagingReferral, Intake
from triage.vocabulary import RED_FLAG_LABELS

INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
RED_FLAG_SYSTEM = register_code_system(
    "talus-red-flag",
    title="Talus red flags",
    description="The safety findings of the intake that make a case urgent (docs/triage.md).",
    concepts=lambda: RED_FLAG_LABELS.items(),
)

# The article's questionnaire, each choice question's answers a published code system.
_choice_systems: dict[str, str] = {}


def _intake_field(name: str) -> models.Field:
    return Intake._meta.get_field(name)


def _labels() -> dict[str, str]:
    return {name: str(field.label) for name, field in IntakeForm.base_fields.items()}


for _name in rules.QUESTIONNAIRE_FIELDS:
    _field = _intake_field(_name)
    if _field.choices and not isinstance(_field, models.BooleanField):
        _choice_systems[_name] = register_code_system(
            f"talus-intake-{_name.replace('_', '-')}",
            title=f"Talus intake answers: {_name.replace('_', ' ')}",
            description=f"The answers to the intake question '{_name}'.",
            concepts=lambda field=_field: field.choices,
        )


def _item_type(name: str) -> str:
    field = _intake_field(name)
    if isinstance(field, models.BooleanField):
        return "boolean"
    if name in _choice_systems:
        return "choice"
    if isinstance(field, models.DecimalField):
        return "decimal"
    if isinstance(field, models.IntegerField):
        return "integer"
    return "string"


_TRIAGE_ITEMS = (
    ("triage.pathway", "Pathway", "string", False),
    ("triage.urgency", "Urgency", "string", False),
    ("triage.stop_running", "Stop running", "boolean", False),
    ("triage.red_flags", "Red flags", "string", True),
    ("triage.patient_advice", "What the patient was told", "string", False),
    ("triage.suspected_conditions", "Suspected conditions", "string", True),
)


def questionnaire_items() -> list[dict]:
    """The intake Questionnaire's items: the article's questions, then Talus's triage."""
    labels = _labels()
    items = []
    for name in rules.QUESTIONNAIRE_FIELDS:
        item = {"linkId": name, "text": labels.get(name, name), "type": _item_type(name)}
        if name in _choice_systems:
            field = _intake_field(name)
            item["answerOption"] = [
                {"valueCoding": coding(_choice_systems[name], code, label)}
                for code, label in field.choices
            ]
        items.append(item)
    triage = [
        {"linkId": link, "text": text, "type": kind, "readOnly": True, "repeats": repeats}
        for link, text, kind, repeats in _TRIAGE_ITEMS
    ]
    items.append({"linkId": "triage", "text": "Triage", "type": "group", "item": triage})
    return items


QUESTIONNAIRE_URL = register_questionnaire(
    "ankle-pain-intake",
    title="Ankle pain in runners: intake questionnaire",
    items=questionnaire_items,
)


def _answer(value, name: str | None = None) -> dict:
    if name in _choice_systems:
        labels = dict(_intake_field(name).choices)
        return {"valueCoding": coding(_choice_systems[name], value, labels.get(value))}
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, Decimal | float):
        return {"valueDecimal": float(value)}
    return {"valueString": str(value)}


def intake_resource(intake: Intake, patient_pk: int) -> Resource:
    """The questionnaire's answers and the triage it produced."""
    labels = _labels()
    items = []
    for name in rules.QUESTIONNAIRE_FIELDS:
        value = getattr(intake, name)
        if value in ("", None):
            continue
        items.append(
            {"linkId": name, "text": labels.get(name, name), "answer": [_answer(value, name)]}
        )
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
                "category": [{"coding": [coding(OBSERVATION_CATEGORY, "survey", "Survey")]}],
                "code": {
                    "coding": [coding(RED_FLAG_SYSTEM, flag, RED_FLAG_LABELS.get(flag))],
                    "text": f"Red flag: {RED_FLAG_LABELS.get(flag, flag)}",
                },
                "subject": reference("Patient", patient_pk),
                "effectiveDateTime": instant(intake.recorded_at),
                "valueBoolean": True,
                "interpretation": [
                    {"coding": [{"system": INTERPRETATION_SYSTEM, "code": "A"}], "text": "Abnormal"}
                ],
                **({"bodySite": site} if site else {}),
                "derivedFrom": [reference("QuestionnaireResponse", intake.pk)],
                "extension": episode_extension(intake.case_id),
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
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
DIAGNOSTIC_SERVICE = "http://terminology.hl7.org/CodeSystem/v2-0074"
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
# DICOM acquisition modalities (PS3.16 CID 29), the codes imaging systems read.
_DICOM_MODALITY = {
    "xray": ("DX", "Digital Radiography"),
    "ultrasound": ("US", "Ultrasound"),
    "mri": ("MR", "Magnetic Resonance"),
    "ct": ("CT", "Computed Tomography"),
}
# SNOMED CT 363679005 |Imaging (procedure)|: FHIR's service-request category for imaging.
IMAGING_CATEGORY = coding(SNOMED_SYSTEM, "363679005", "Imaging")

CONDITION_SYSTEM = register_code_system(
    "talus-condition",
    title="Talus condition catalogue",
    description="The clinic's catalogue of ankle and foot conditions (each also ICD-10 coded).",
    concepts=lambda: Condition.objects.order_by("code").values_list("code", "title"),
)
OBSERVATION_SYSTEM = register_code_system(
    "talus-observation",
    title="Talus observations",
    description="Observations Talus makes that no standard code names.",
    concepts=lambda: [
        (
            "imaging-recommendation",
            "Imaging recommendation (Ottawa ankle and foot rules, Thompson test)",
        )
    ],
)


def examination_resources(exam: Examination, patient_pk: int) -> Iterable[Resource]:
    """The exam visit as an Encounter, and its imaging recommendation as an Observation."""
    recommendation = exam.imaging_recommendation or {}
    studies = recommendation.get("studies") or []
    yield resource(
        "Encounter",
        f"exam-{exam.pk}",
        {
            "status": "finished",
            "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
            "type": [{"text": "Doctor's examination"}],
            "subject": reference("Patient", patient_pk),
            "episodeOfCare": [reference("EpisodeOfCare", exam.case_id)],
            "period": {"start": instant(exam.examined_at)},
        },
    )
    body: Resource = {
        "status": "final",
        "category": [{"coding": [coding(OBSERVATION_CATEGORY, "exam", "Exam")]}],
        "code": {
            "coding": [coding(OBSERVATION_SYSTEM, "imaging-recommendation")],
            "text": "Imaging recommendation (Ottawa ankle and foot rules, Thompson test)",
        },
        "subject": reference("Patient", patient_pk),
        "encounter": reference("Encounter", f"exam-{exam.pk}"),
        "effectiveDateTime": instant(exam.examined_at),
        "valueString": ", ".join(studies) if studies else "no imaging indicated",
    }
    if recommendation.get("rationale"):
        body["note"] = [{"text": sentence} for sentence in recommendation["rationale"]]
    yield resource("Observation", f"exam-{exam.pk}", body)


def diagnosis_resource(diagnosis: Diagnosis, patient_pk: int) -> Resource:
    """A diagnosis as a Condition with its ICD-10 coding and verification status."""
    condition = diagnosis.condition
    body: Resource = {
        "verificationStatus": {"coding": [coding(VER_STATUS, diagnosis.status)]},
        "category": [{"coding": [coding(CONDITION_CATEGORY, "encounter-diagnosis")]}],
        "code": {
            "coding": [
                coding(ICD10_SYSTEM, condition.icd10, condition.title),
                coding(CONDITION_SYSTEM, condition.code, condition.title),
            ],
            "text": condition.title,
        },
        "bodySite": [{"text": f"{_SIDES[diagnosis.laterality]} ankle"}],
        "subject": reference("Patient", patient_pk),
        "recordedDate": instant(diagnosis.diagnosed_at),
    }
    if diagnosis.status != "refuted":
        body["clinicalStatus"] = {"coding": [coding(CLINICAL_STATUS, "active")]}
    if diagnosis.notes:
        body["note"] = [{"text": diagnosis.notes}]
    return resource("Condition", diagnosis.pk, body)


def referral_resources(referral: ImagingReferral, patient_pk: int) -> Iterable[Resource]:
    """A referral as a ServiceRequest, and its report as a DiagnosticReport."""
    title = f"{_MODALITY[referral.modality]} of the {referral.body_site}"
    modality = coding(DICOM_SYSTEM, *_DICOM_MODALITY[referral.modality])
    request: Resource = {
        "status": _REQUEST_STATUS[referral.status],
        "intent": "order",
        "category": [{"coding": [IMAGING_CATEGORY]}],
        "code": {"coding": [modality], "text": title},
        "subject": reference("Patient", patient_pk),
        "authoredOn": instant(referral.requested_at),
        "reasonCode": [{"text": referral.reason}],
        "bodySite": [{"text": f"{_SIDES[referral.laterality]} {referral.body_site}"}],
        "extension": episode_extension(referral.case_id),
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
                "category": [{"coding": [coding(DIAGNOSTIC_SERVICE, "RAD", "Radiology")]}],
                "code": {"coding": [modality], "text": title},
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
        yield from examination_resources(exam, patient.pk)
    diagnoses = Diagnosis.objects.filter(case__in=case_ids).select_related("condition")
    for diagnosis in diagnoses.order_by("diagnosed_at", "pk"):
        yield diagnosis_resource(diagnosis, patient.pk)
    for referral in ImagingReferral.objects.filter(case__in=case_ids).order_by("requested_at"):
        yield from referral_resources(referral, patient.pk)


register_section(doctor_section)

"""A patient's record as a FHIR R4 ``Bundle`` (type ``collection``).

Each app contributes resources through ``register_section``: the core gives the
Patient and one EpisodeOfCare per case; the feature apps add theirs (the intake's
QuestionnaireResponse, Conditions, ServiceRequests and DiagnosticReports, the sessions'
Encounters, Procedures and Observations: each app's ``fhir.py``). Resources are plain
dicts in FHIR JSON; the tests validate the bundle with the fhir.resources R4B models.
Resource ids and ``fullUrl``s are stable ``urn:uuid:`` values derived from the record, so
two exports of the same record match.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework.renderers import JSONRenderer

Resource = dict[str, Any]
_NAMESPACE = uuid.UUID("8c1d3b8e-3f0e-4c7e-9a51-7d1f6a7f2b10")
MRN_SYSTEM = "urn:talus:mrn"
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10"
LOINC_SYSTEM = "http://loinc.org"
SNOMED_SYSTEM = "http://snomed.info/sct"
TALUS_SYSTEM = "urn:talus:code"
# SNOMED CT body structures for the ankle a record is about (Observation.bodySite).
ANKLE_BODY_SITES: dict[str, tuple[str, str]] = {
    "left": ("51636004", "Left ankle region structure"),
    "right": ("6685009", "Right ankle region structure"),
}


def ankle_body_site(side: str) -> dict | None:
    """The ankle as a FHIR ``bodySite`` CodeableConcept; None for no or both sides."""
    if side not in ANKLE_BODY_SITES:
        return None
    code, display = ANKLE_BODY_SITES[side]
    return {
        "coding": [{"system": SNOMED_SYSTEM, "code": code, "display": display}],
        "text": display,
    }


_sections: list[Callable[[Any, list], Iterable[Resource]]] = []


class FHIRJSONRenderer(JSONRenderer):
    """FHIR's own media type for JSON (the export answers it unless asked for plain JSON)."""

    media_type = "application/fhir+json"
    format = "fhir"


def register_section(section: Callable[[Any, list], Iterable[Resource]]):
    """Add a producer of resources: ``section(patient, cases) -> resources``."""
    if section not in _sections:
        _sections.append(section)
    return section


def ref_id(kind: str, pk: Any) -> str:
    """The stable id of a record's resource."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{pk}"))


def reference(kind: str, pk: Any) -> dict[str, str]:
    """A reference to another resource of the bundle."""
    return {"reference": f"urn:uuid:{ref_id(kind, pk)}"}


def instant(value) -> str | None:
    """An aware datetime as FHIR dateTime text."""
    return value.isoformat() if value is not None else None


def period(start, minutes: int) -> dict[str, str | None]:
    """A Period from its start and length. An end past the calendar (a start stored in
    year 9999) is left out, as FHIR allows, rather than failing the whole export."""
    body = {"start": instant(start)}
    with contextlib.suppress(OverflowError):
        body["end"] = instant(start + timedelta(minutes=minutes))
    return body


def resource(kind: str, pk: Any, body: Resource) -> Resource:
    """A resource with its type and stable id."""
    return {"resourceType": kind, "id": ref_id(kind, pk), **body}


def narrative(text: str) -> dict[str, str]:
    from django.utils.html import escape

    return {
        "status": "generated",
        "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{escape(text)}</div>',
    }


_GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}


def patient_resource(patient) -> Resource:
    """The FHIR Patient: MRN, name, gender, birth date and contact points."""
    telecom = []
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone, "use": "mobile"})
    body: Resource = {
        "identifier": [{"system": MRN_SYSTEM, "value": patient.mrn}],
        "name": [{"family": patient.family_name, "given": [patient.given_name]}],
        "gender": _GENDER[patient.sex],
        "birthDate": patient.date_of_birth.isoformat(),
    }
    if telecom:
        body["telecom"] = telecom
    return resource("Patient", patient.pk, body)


_EPISODE_STATUS = {
    "open": "planned",
    "triaged": "waitlist",
    "diagnosed": "active",
    "in_rehab": "active",
    "discharged": "finished",
    "closed": "cancelled",
}


def core_section(patient, cases) -> Iterable[Resource]:
    """The Patient and an EpisodeOfCare per case."""
    yield patient_resource(patient)
    for case in cases:
        period = {"start": instant(case.opened_at)}
        if case.discharged_at:
            period["end"] = instant(case.discharged_at)
        yield resource(
            "EpisodeOfCare",
            case.pk,
            {
                "identifier": [{"system": "urn:talus:case", "value": str(case.pk)}],
                "status": _EPISODE_STATUS[case.status],
                "type": [{"text": f"Ankle pain, {case.get_side_display() or 'side not known'}"}],
                "patient": reference("Patient", patient.pk),
                "period": period,
            },
        )


register_section(core_section)


def patient_bundle(patient, cases) -> Resource:
    """The Bundle of everything the caller may see of this patient."""
    cases = list(cases)
    entries = []
    for section in _sections:
        for item in section(patient, cases):
            entries.append({"fullUrl": f"urn:uuid:{item['id']}", "resource": item})
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": instant(timezone.now()),
        "identifier": {"system": MRN_SYSTEM, "value": patient.mrn},
        "entry": entries,
    }

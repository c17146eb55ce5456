"""A patient's record as a FHIR R4 ``Bundle`` (type ``collection``), as another system reads it.

Each app contributes resources through ``register_section``: the core gives the
Patient and one EpisodeOfCare per case; the feature apps add theirs (the intake's
QuestionnaireResponse, Conditions, ServiceRequests and DiagnosticReports, the sessions'
Encounters, Procedures and Observations, the plans' CarePlans: each app's ``fhir.py``).
Resources are plain dicts in FHIR JSON. Resource ids and ``fullUrl``s are stable
``urn:uuid:`` values derived from the record, so two exports of the same record match;
the Bundle itself has a new identifier on every export.

What makes the bundle readable elsewhere (docs/api.md, "FHIR export"):
- every resource carries a generated narrative (``text``), written by ``narrative_for``
  unless its producer wrote one;
- Talus's own codes live in published code systems under the canonical base
  ``FHIR_CANONICAL_BASE`` (``register_code_system``), served as CodeSystem resources at
  ``/fhir/CodeSystem/<id>`` and included in each bundle that uses them; standard systems
  (ICD-10, LOINC, SNOMED CT, UCUM, DICOM, HL7 terminology) are used where a code exists;
- the tests validate a whole journey's bundle with an independent R4 validator (FHIR.js,
  run by Node in CI: tests/fhir_validator/) and with the fhir.resources R4B models.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from rest_framework.renderers import JSONRenderer

Resource = dict[str, Any]
_NAMESPACE = uuid.UUID("8c1d3b8e-3f0e-4c7e-9a51-7d1f6a7f2b10")
MRN_SYSTEM = "urn:talus:mrn"
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10"
LOINC_SYSTEM = "http://loinc.org"
SNOMED_SYSTEM = "http://snomed.info/sct"
UCUM_SYSTEM = "http://unitsofmeasure.org"
DICOM_SYSTEM = "http://dicom.nema.org/resources/ontology/DCM"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# R4's extension linking an event resource (Observation, Procedure…) to its episode of care;
# Observation.focus is for what the observation is *about*, not its context.
EPISODE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare"
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
_code_systems: dict[str, dict[str, Any]] = {}


def canonical(path: str) -> str:
    """A canonical URL of one of Talus's published resources (``CodeSystem/talus-condition``)."""
    return f"{settings.FHIR_CANONICAL_BASE}/{path}"


def register_code_system(
    system_id: str, *, title: str, description: str, concepts: Callable[[], Iterable[tuple]]
) -> str:
    """Publish one of Talus's code systems; ``concepts()`` yields ``(code, display)`` pairs.

    Returns its canonical URL, the ``system`` of every coding that uses it.
    """
    _code_systems[system_id] = {"title": title, "description": description, "concepts": concepts}
    return canonical(f"CodeSystem/{system_id}")


def code_system_ids() -> list[str]:
    return sorted(_code_systems)


def code_system_resource(system_id: str) -> Resource:
    """One of Talus's code systems as a FHIR CodeSystem (KeyError when there is none)."""
    spec = _code_systems[system_id]
    concepts = [{"code": code, "display": str(display)} for code, display in spec["concepts"]()]
    body: Resource = {
        "url": canonical(f"CodeSystem/{system_id}"),
        "name": "".join(part.capitalize() for part in system_id.split("-")),
        "title": spec["title"],
        "status": "active",
        "publisher": "Talus",
        "description": spec["description"],
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        "concept": concepts,
    }
    return with_narrative(resource("CodeSystem", system_id, body))


def coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    body = {"system": system, "code": code}
    if display:
        body["display"] = str(display)
    return body


def score_quantity(value) -> dict[str, Any]:
    """A questionnaire's score as a UCUM quantity: the unit ``{score}`` (a dimensionless count)."""
    return {"value": float(value), "unit": "score", "system": UCUM_SYSTEM, "code": "{score}"}


def episode_extension(case_pk: Any) -> list[dict[str, Any]]:
    return [{"url": EPISODE_EXTENSION, "valueReference": reference("EpisodeOfCare", case_pk)}]


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
    """A generated narrative of one paragraph."""
    return {
        "status": "generated",
        "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><p>{escape(text)}</p></div>',
    }


def _concept_text(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    if value.get("text"):
        return str(value["text"])
    for item in value.get("coding", []):
        if item.get("display") or item.get("code"):
            return str(item.get("display") or item["code"])
    return None


def _value_text(body: Resource) -> str | None:
    if "valueQuantity" in body:
        quantity = body["valueQuantity"]
        return f"{quantity['value']:g} {quantity.get('unit', '')}".strip()
    for key in ("valueString", "valueInteger", "valueBoolean"):
        if key in body:
            return str(body[key])
    return None


# What a reader is shown first, per element, in a generated narrative (in this order).
_NARRATIVE_PARTS = (
    (
        "Name",
        lambda b: (
            " ".join([*b["name"][0].get("given", []), b["name"][0].get("family", "")])
            if b.get("name") and isinstance(b["name"], list)
            else None
        ),
    ),
    ("Born", lambda b: b.get("birthDate")),
    (
        "MRN",
        lambda b: (
            b["identifier"][0]["value"]
            if b.get("resourceType") == "Patient" and b.get("identifier")
            else None
        ),
    ),
    ("Title", lambda b: b.get("title")),
    (
        "What",
        lambda b: (
            _concept_text(b.get("code"))
            or (
                _concept_text(b["type"][0])
                if isinstance(b.get("type"), list) and b["type"]
                else None
            )
        ),
    ),
    (
        "Category",
        lambda b: (
            _concept_text(b["category"][0])
            if isinstance(b.get("category"), list) and b["category"]
            else None
        ),
    ),
    ("Status", lambda b: b.get("status")),
    ("Verification", lambda b: _concept_text(b.get("verificationStatus"))),
    (
        "Body site",
        lambda b: (
            _concept_text(b["bodySite"][0])
            if isinstance(b.get("bodySite"), list) and b["bodySite"]
            else None
        ),
    ),
    ("Value", _value_text),
    (
        "Interpretation",
        lambda b: (
            _concept_text(b["interpretation"][0])
            if isinstance(b.get("interpretation"), list) and b["interpretation"]
            else None
        ),
    ),
    (
        "When",
        lambda b: (
            b.get("effectiveDateTime")
            or b.get("authored")
            or b.get("recordedDate")
            or b.get("authoredOn")
            or b.get("performedDateTime")
            or b.get("issued")
            or b.get("date")
            or (b.get("period") or {}).get("start")
        ),
    ),
    ("Until", lambda b: (b.get("period") or {}).get("end")),
    ("Description", lambda b: b.get("description")),
    ("Conclusion", lambda b: b.get("conclusion")),
    ("Summary", lambda b: b.get("summary")),
)


def narrative_for(body: Resource) -> dict[str, str]:
    """A resource's generated narrative: its type and the elements a reader looks for first."""
    rows = []
    for label, part in _NARRATIVE_PARTS:
        value = part(body)
        if value not in (None, ""):
            rows.append(f"<tr><th>{label}</th><td>{escape(str(value))}</td></tr>")
    table = f"<table>{''.join(rows)}</table>" if rows else ""
    return {
        "status": "generated",
        "div": (
            f'<div xmlns="http://www.w3.org/1999/xhtml"><p><b>{escape(body["resourceType"])}'
            f"</b></p>{table}</div>"
        ),
    }


def with_narrative(body: Resource) -> Resource:
    """The resource with a generated narrative unless it has one (placed after ``id``)."""
    if "text" in body:
        return body
    head = {"resourceType": body["resourceType"], "id": body["id"]}
    return {**head, "text": narrative_for(body), **body}


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


def _systems_used(value: Any, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        system = value.get("system")
        if isinstance(system, str):
            found.add(system)
        for item in value.values():
            _systems_used(item, found)
    elif isinstance(value, list):
        for item in value:
            _systems_used(item, found)
    return found


def published_resources(used: set[str]) -> list[Resource]:
    """Talus's code systems the given resources use, and the Questionnaires they answer."""
    out = [
        code_system_resource(system_id)
        for system_id in code_system_ids()
        if canonical(f"CodeSystem/{system_id}") in used
    ]
    for questionnaire in _questionnaires.values():
        if questionnaire["url"] in used:
            out.append(questionnaire_resource(questionnaire["url"]))
    return out


def patient_bundle(patient, cases) -> Resource:
    """The Bundle of everything the caller may see of this patient, with what it refers to."""
    cases = list(cases)
    items = [with_narrative(item) for section in _sections for item in section(patient, cases)]
    used = _systems_used(items, set())
    used |= {item["questionnaire"] for item in items if "questionnaire" in item}
    items += published_resources(used)
    export_id = str(uuid.uuid4())
    return {
        "resourceType": "Bundle",
        "id": export_id,
        # One identifier per export (the same record exported twice is two documents).
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{export_id}"},
        "type": "collection",
        "timestamp": instant(timezone.now()),
        "entry": [{"fullUrl": f"urn:uuid:{item['id']}", "resource": item} for item in items],
    }


# --- Questionnaires -------------------------------------------------------------------------

_questionnaires: dict[str, dict[str, Any]] = {}


def register_questionnaire(
    questionnaire_id: str, *, title: str, items: Callable[[], list[dict]]
) -> str:
    """Publish a Questionnaire whose answers the export carries; returns its canonical URL."""
    url = canonical(f"Questionnaire/{questionnaire_id}")
    _questionnaires[questionnaire_id] = {"url": url, "title": title, "items": items}
    return url


def questionnaire_ids() -> list[str]:
    return sorted(_questionnaires)


def questionnaire_resource(url_or_id: str) -> Resource:
    """A published Questionnaire (by canonical URL or id; KeyError when there is none)."""
    questionnaire_id = url_or_id.rsplit("/", 1)[-1]
    spec = _questionnaires[questionnaire_id]
    body: Resource = {
        "url": spec["url"],
        "name": "".join(part.capitalize() for part in questionnaire_id.split("-")),
        "title": spec["title"],
        "status": "active",
        "publisher": "Talus",
        "subjectType": ["Patient"],
        "item": spec["items"](),
    }
    return with_narrative(resource("Questionnaire", questionnaire_id, body))

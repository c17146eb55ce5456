"""Talus's published FHIR resources at their canonical addresses: code systems, Questionnaires.

They hold no patient data (vocabularies and question wording), so anyone may read them:
another system resolving a ``system`` or ``questionnaire`` URL of an exported bundle.
"""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from clinic import fhir


def _fhir_json(body: dict) -> HttpResponse:
    return HttpResponse(json.dumps(body), content_type="application/fhir+json")


@require_GET
def code_system(request, system_id: str):
    """One of Talus's code systems as a FHIR CodeSystem; 404 when there is none."""
    if system_id not in fhir.code_system_ids():
        raise Http404("No such code system.")
    return _fhir_json(fhir.code_system_resource(system_id))


@require_GET
def questionnaire(request, questionnaire_id: str):
    """A published Questionnaire (the intake's); 404 when there is none."""
    if questionnaire_id not in fhir.questionnaire_ids():
        raise Http404("No such questionnaire.")
    return _fhir_json(fhir.questionnaire_resource(questionnaire_id))

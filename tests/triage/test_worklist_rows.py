"""The doctors' case list and reception's today write their rows in Python
(``triage.worklist_html``): every value escaped, each row linked to its own record, and the
markup the templates' loops wrote."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from clinic.models import Patient
from tests.factories import CaseFactory, PatientFactory, UserFactory, intake_for
from triage import worklist_html

pytestmark = pytest.mark.django_db

# A name written to break a page that does not escape it. The patient services refuse < and >
# in a name; a record from before that rule, or from an import, may still hold them.
GIVEN = 'Zoë "Zed" <b>&amp;'
FAMILY = "O'Brien<script>&"
ESCAPED = "O&#x27;BRIEN&lt;SCRIPT&gt;&amp;, Zoë &quot;Zed&quot; &lt;b&gt;&amp;amp;"

# The loops the templates ran before the rows moved to Python, kept as the tests' oracle.
CASE_LIST_LOOP = """{% load practitioners %}{% for case in cases %}
    <tr>
      <td>{% include "cases/_urgency.html" with not_triaged="Not triaged" %}</td>
      <td><a href="{% url 'triage:case-detail' case.pk %}">{{ case.patient.family_name|upper }}, {{ case.patient.given_name }}</a></td>
      <td>{{ case.patient.mrn }}</td>
      <td>{{ case.patient.age }}</td>
      <td>{{ case.get_side_display|default:"—" }}</td>
      <td><span class="status status-{{ case.status }}">{{ case.get_status_display }}</span></td>
      <td>{{ case.opened_at|date:"j M Y, H:i" }}</td>
      <td>{{ case.assigned_physio|practitioner }}</td>
    </tr>
  {% endfor %}"""  # noqa: E501

INTAKES_LOOP = """{% for intake in intakes %}
      <tr>
        <td>{% include "cases/_urgency.html" with case=intake.case %}</td>
        <td>{{ intake.case.patient.family_name|upper }}, {{ intake.case.patient.given_name }}</td>
        <td>{{ intake.case.patient.mrn }}</td>
        <td>{{ intake.recorded_at|time:"H:i" }}</td>
        <td>{% if intake.stop_running %}Stop running{% else %}May keep running{% endif %}</td>
        <td><a href="{% url 'triage:intake-result' intake.pk %}">Result</a></td>
      </tr>
    {% endfor %}"""


def _named_badly():
    patient = PatientFactory()
    Patient.objects.filter(pk=patient.pk).update(given_name=GIVEN, family_name=FAMILY)
    return patient


def _collapsed(html: str) -> str:
    return re.sub(r"\s+", " ", str(html)).strip()


def _tbody(response) -> str:
    return response.content.decode().split("<tbody>")[-1].split("</tbody>")[0]


def _urgent(case):
    case.set_urgency("urgent")
    case.save()
    return case


def test_it_escapes_the_patients_and_the_physios_names_on_the_case_list(client, dan):
    physio = UserFactory(username="p1", role="physio", first_name="Ann <i>", last_name="& Co")
    CaseFactory(patient=_named_badly(), assigned_physio=physio)
    client.force_login(dan)

    rows = _tbody(client.get("/cases/"))

    assert f">{ESCAPED}</a></td>" in rows
    assert "<td>Ann &lt;i&gt; &amp; Co</td>" in rows
    assert "<script>" not in rows and "<b>" not in rows and "<i>" not in rows


def test_it_links_each_case_of_the_list_to_its_own_page(client, dan):
    cases = [_urgent(CaseFactory()), CaseFactory(), CaseFactory()]
    client.force_login(dan)

    response = client.get("/cases/")

    shown = [c.pk for c in response.context["cases"]]
    assert sorted(shown) == sorted(c.pk for c in cases)
    assert re.findall(r'<td><a href="([^"]+)">', _tbody(response)) == [
        reverse("triage:case-detail", args=[pk]) for pk in shown
    ]


def test_it_writes_the_case_lists_rows_as_the_template_loop_did(client, dan):
    t0 = timezone.now() - datetime.timedelta(days=2)
    gone = UserFactory(username="left", role="physio", is_active=False)
    named = UserFactory(username="p2", role="physio", first_name="", last_name="")
    _urgent(CaseFactory(opened_at=t0, assigned_physio=gone))
    soon = CaseFactory(opened_at=t0, side="", status="triaged", assigned_physio=named)
    soon.set_urgency("soon")
    soon.seen_by_doctor_at = timezone.now()  # seen: the urgency is history
    soon.save()
    CaseFactory(opened_at=t0 - datetime.timedelta(hours=7), side="both", status="in_rehab")
    client.force_login(dan)

    with timezone.override("Pacific/Auckland"):  # the clinic's zone, not UTC, for the dates
        response = client.get("/cases/")
        cases = response.context["cases"]
        loop = engines["django"].from_string(CASE_LIST_LOOP).render({"cases": cases})
        rows = worklist_html.case_list_rows(cases)

    assert _collapsed(rows) == _collapsed(loop)
    assert _collapsed(rows) in _collapsed(_tbody(response))
    assert "Was soon at triage" in rows and "Not triaged" in rows and "no longer active" in rows


def _intake_today(rita, patient, urgency: str, **case_fields):
    case = CaseFactory(patient=patient, **case_fields)
    case.set_urgency(urgency)
    case.save()
    return intake_for(case, rita, urgency=urgency, stop_running=urgency != "routine")


def test_it_escapes_the_names_and_links_each_intake_on_receptions_today(client, rita):
    first = _intake_today(rita, _named_badly(), "urgent")
    second = _intake_today(rita, PatientFactory(), "routine")
    client.force_login(rita)

    rows = _tbody(client.get("/reception/"))

    assert f"<td>{ESCAPED}</td>" in rows
    assert "<script>" not in rows and "<b>" not in rows
    assert re.findall(r'<td><a href="([^"]+)">Result</a></td>', rows) == [
        reverse("triage:intake-result", args=[intake.pk]) for intake in (first, second)
    ]


def test_it_writes_receptions_rows_as_the_template_loop_did(client, rita):
    _intake_today(rita, PatientFactory(), "urgent")
    _intake_today(rita, PatientFactory(), "soon", seen_by_doctor_at=timezone.now())
    _intake_today(rita, PatientFactory(), "routine", status="closed")
    client.force_login(rita)

    with timezone.override("America/New_York"):
        response = client.get("/reception/")
        intakes = response.context["intakes"]
        loop = engines["django"].from_string(INTAKES_LOOP).render({"intakes": intakes})
        rows = worklist_html.intakes_today_rows(intakes)

    assert len(intakes) == 3
    assert _collapsed(rows) == _collapsed(loop)
    assert _collapsed(rows) in _collapsed(_tbody(response))

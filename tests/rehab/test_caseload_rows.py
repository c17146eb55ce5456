"""The physio's caseload writes its rows in Python (``rehab.caseload_html``): every value
escaped, each row linked to its own case page, and the markup the template's loop wrote."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from clinic.models import Patient
from rehab import caseload_html
from rehab.models import OutcomeMeasure, PhysioSession
from rehab.services.alerts import alert_raise
from rehab.services.outcomes import outcome_record
from tests.factories import CaseFactory, PatientFactory, programme_for, run_for, run_plan_for

pytestmark = pytest.mark.django_db

# The loop the template ran before the rows moved to Python, kept as the tests' oracle.
CASELOAD_LOOP = """{% load rehab_tags %}{% for c in cases %}
    <tr>
      <td><a href="{% url 'rehab:case' c.pk %}">{{ c.patient.family_name|upper }}, {{ c.patient.given_name }}</a>{% if c.open_alerts %} <strong>(alert)</strong>{% endif %}</td>
      <td>{{ c.patient.mrn }}</td>
      <td>#{{ c.pk }}{% if c.side %} · {{ c.get_side_display|lower }}{% endif %} · {{ c.get_status_display }}</td>
      <td>{% if c.next_session_at %}{{ c.next_session_at|date:"D j M, H:i" }}{% else %}<span class="muted">None booked</span>{% endif %}</td>
      <td>{% if c.last_pain is not None %}<strong>{{ c.last_pain }}/10</strong> <span class="muted">({{ c.last_pain_at|date:"j M" }})</span>{% else %}<span class="muted">Not recorded</span>{% endif %}</td>
      <td>{% if c.last_outcome_instrument %}{{ c.last_outcome_instrument|upper }} <strong>{{ c.last_outcome_score|floatformat:"-2" }}/{{ c.last_outcome_max }}</strong>{% if c.last_outcome_source == "patient" %} <span class="muted">(from home)</span>{% endif %}{% else %}<span class="muted">None yet</span>{% endif %}</td>
      <td>{% if c.adherence is not None %}<strong>{{ c.adherence }}%</strong> <span class="muted">done</span>{% else %}<span class="muted">No programme</span>{% endif %}</td>
      <td>{% if c.run_decision %}{{ c.run_decision|run_decision }}{% else %}<span class="muted">No run</span>{% endif %}</td>
    </tr>
  {% endfor %}"""  # noqa: E501


def _collapsed(html: str) -> str:
    return re.sub(r"\s+", " ", str(html)).strip()


def _tbody(response) -> str:
    return response.content.decode().split("<tbody>")[-1].split("</tbody>")[0]


def _case(physio, family_name: str = "Runner", **fields):
    return CaseFactory(
        patient=PatientFactory(family_name=family_name), assigned_physio=physio, **fields
    )


def test_it_escapes_the_patients_name_on_the_caseload(client, paula):
    # The patient services refuse < and > in a name; a record from before that rule, or from
    # an import, may still hold them.
    patient = PatientFactory()
    Patient.objects.filter(pk=patient.pk).update(
        given_name='Zoë "Zed" <b>&amp;', family_name="O'Brien<script>&"
    )
    CaseFactory(patient=patient, assigned_physio=paula)
    client.force_login(paula)

    rows = _tbody(client.get("/rehab/caseload/"))

    assert ">O&#x27;BRIEN&lt;SCRIPT&gt;&amp;, Zoë &quot;Zed&quot; &lt;b&gt;&amp;amp;</a>" in rows
    assert "<script>" not in rows and "<b>" not in rows


def test_it_links_each_case_of_the_caseload_to_its_own_page(client, paula):
    for name in ("Adams", "Baker", "Clark"):
        _case(paula, name)
    client.force_login(paula)

    response = client.get("/rehab/caseload/")

    shown = [c.pk for c in response.context["cases"]]
    assert len(shown) == 3
    assert re.findall(r'<td><a href="([^"]+)">', _tbody(response)) == [
        reverse("rehab:case", args=[pk]) for pk in shown
    ]


def test_it_writes_the_caseloads_rows_as_the_template_loop_did(client, paula, exercise_library):
    # Every branch of a row: an alert, a next session, a pain, a questionnaire scored with
    # decimals and one from home, a programme, a run; and a bare case with none of them.
    busy = _case(paula, "Busy", side="both", status="in_rehab")
    PhysioSession.objects.create(
        case=busy, physio=paula, scheduled_at=timezone.now() + datetime.timedelta(days=2)
    )
    PhysioSession.objects.create(
        case=busy,
        physio=paula,
        scheduled_at=timezone.now() - datetime.timedelta(days=3),
        status="attended",
        pain_before=6,
    )
    outcome_record(case=busy, instrument="faam_adl", answers=[3] * 20 + [2], by=paula)  # 73.81
    programme_for(busy, paula)
    run_plan_for(busy, paula)
    run_for(busy, paula)
    alert_raise(case=busy, kind="high_pain", cause="o:1")
    home = _case(paula, "Home", side="")
    outcome_record(case=home, instrument="nprs", answers=[4], by=paula)
    OutcomeMeasure.objects.filter(case=home).update(source="patient")
    _case(paula, "Bare")
    client.force_login(paula)

    with timezone.override("Asia/Kolkata"):  # a half-hour zone, for the dates' conversion
        response = client.get("/rehab/caseload/")
        cases = response.context["cases"]
        loop = engines["django"].from_string(CASELOAD_LOOP).render({"cases": cases})
        rows = caseload_html.caseload_rows(cases)

    assert len(cases) == 3
    assert _collapsed(rows) == _collapsed(loop)
    assert _collapsed(rows) in _collapsed(_tbody(response))
    for words in (
        "(alert)",
        "<strong>6/10</strong>",
        "FAAM_ADL <strong>73.81/100</strong>",
        'NPRS <strong>4/10</strong> <span class="muted">(from home)</span>',
        "None booked",
        "No programme",
        "No run",
    ):
        assert words in rows, words
    assert re.search(r'<strong>\d+%</strong> <span class="muted">done</span>', rows)

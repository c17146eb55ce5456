"""Reception's today page reads only what its list shows: the same rows, the same words, and
the same queries for one intake as for many."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clinic.models import AuditEvent
from tests.factories import CaseFactory, PatientFactory, intake_for

pytestmark = pytest.mark.django_db


def _intake_today(rita, family_name: str, urgency: str, **case_fields):
    case = CaseFactory(patient=PatientFactory(family_name=family_name), **case_fields)
    case.set_urgency(urgency)
    case.save()
    return intake_for(case, rita, urgency=urgency, stop_running=urgency != "routine")


def test_it_shows_each_intake_of_today_with_its_urgency_and_advice(client, rita):
    urgent = _intake_today(rita, "Urgent", "urgent")
    seen = _intake_today(rita, "Seen", "soon", seen_by_doctor_at=timezone.now())
    routine = _intake_today(rita, "Routine", "routine")
    client.force_login(rita)

    response = client.get("/reception/")

    assert response.status_code == 200
    assert [i.pk for i in response.context["intakes"]] == [urgent.pk, seen.pk, routine.pk]
    html = response.content.decode()
    assert "URGENT, " in html and urgent.case.patient.mrn in html
    assert '<span class="urgency urgency-urgent">' in html
    assert "Was soon at triage" in html  # a doctor has seen the patient: history, not a call
    assert html.count("Stop running") == 2 and html.count("May keep running") == 1
    assert f'href="/reception/intakes/{routine.pk}/"' in html
    assert timezone.localtime(routine.recorded_at).strftime("%H:%M") in html
    audited = set(
        AuditEvent.objects.filter(object_type="triage.intake").values_list("patient_id", flat=True)
    )
    assert audited == {i.case.patient_id for i in (urgent, seen, routine)}


# The session, the user and their role, today's intakes (case and patient joined), the audit
# INSERT, the session's idle stamp, and the test's savepoints.
RECEPTION_QUERIES = 10


def test_it_reads_today_in_the_same_queries_for_one_intake_as_for_many(
    client, rita, django_assert_num_queries
):
    _intake_today(rita, "First", "urgent")
    client.force_login(rita)
    client.get("/reception/")  # the first request after a login also looks for a TOTP device
    with django_assert_num_queries(RECEPTION_QUERIES):
        client.get("/reception/")
    for n in range(6):
        _intake_today(rita, f"More{n}", ["urgent", "soon", "routine"][n % 3])
    _intake_today(rita, "Seen", "soon", seen_by_doctor_at=timezone.now())
    with django_assert_num_queries(RECEPTION_QUERIES):
        response = client.get("/reception/")
    assert len(response.context["intakes"]) == 8

"""The patient record as the hub: contact details, cases as links, bookings, reminders."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clinic.models import AuditEvent
from rehab.services.sessions import session_record, session_schedule
from reminders.services.actions import reminder_consent_withdraw
from tests.test_role_matrix import QUESTIONNAIRE
from triage.services.intake import intake_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(case, rita, paula):
    """Emma has a session tomorrow (with its reminder) and one she attended yesterday."""
    now = timezone.now()
    upcoming = session_schedule(
        case=case, scheduled_at=(now + datetime.timedelta(days=1)).replace(microsecond=0), by=rita
    )
    past = session_record(
        case=case,
        by=paula,
        scheduled_at=now - datetime.timedelta(days=1),
        status="attended",
        interventions=["massage"],
        pain_before=4,
        pain_after=2,
    )
    return upcoming, past


def test_it_shows_reception_the_contact_details_and_the_new_intake(client, rita, patient):
    client.force_login(rita)

    response = client.get(f"/patients/{patient.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert patient.email in html
    assert f'href="/reception/patients/{patient.pk}/intake/">New intake' in html


def test_it_does_not_offer_a_physio_a_new_intake(client, paula, case):
    client.force_login(paula)

    html = client.get(f"/patients/{case.patient_id}/").content.decode()

    assert "New intake" not in html
    assert f'href="/rehab/cases/{case.pk}/"' in html


def test_case_rows_link_to_each_roles_case_page(client, rita, dan, patient, paula):
    intake = intake_create(recorded_by=rita, patient=patient, questionnaire=QUESTIONNAIRE)
    client.force_login(rita)
    assert (
        f'href="/reception/intakes/{intake.pk}/"'
        in client.get(f"/patients/{patient.pk}/").content.decode()
    )

    client.force_login(dan)
    assert (
        f'href="/cases/{intake.case_id}/"'
        in client.get(f"/patients/{patient.pk}/").content.decode()
    )


def test_it_lists_upcoming_and_past_bookings_with_their_pages(client, rita, booked):
    upcoming, past = booked
    client.force_login(rita)

    response = client.get(f"/patients/{upcoming.case.patient_id}/")

    assert [b.record.pk for b in response.context["upcoming"]] == [upcoming.pk]
    assert [b.record.pk for b in response.context["past"]] == [past.pk]
    html = response.content.decode()
    assert f'href="/rehab/sessions/{upcoming.pk}/move/"' in html
    assert f'href="/rehab/sessions/{upcoming.pk}/cancel/"' in html
    # Reception logs nothing, and no past session is moved.
    assert "/log/" not in html
    assert f"/rehab/sessions/{past.pk}/move/" not in html
    audited = set(
        AuditEvent.objects.filter(object_type="rehab.physiosession").values_list(
            "object_id", flat=True
        )
    )
    assert audited == {str(upcoming.pk), str(past.pk)}


def test_it_shows_a_reminder_stopped_by_the_patient(client, rita, booked):
    upcoming, _ = booked
    patient = upcoming.case.patient
    reminder_consent_withdraw(patient_id=patient.pk)
    client.force_login(rita)

    html = client.get(f"/patients/{patient.pk}/").content.decode()

    assert "Session reminder (24 h before)" in html
    assert "Stopped by the patient" in html
    assert "The patient gets no reminders" in html
    assert AuditEvent.objects.filter(object_type="reminders.reminder", action="view").exists()


def test_a_physio_sees_only_the_bookings_of_their_cases(client, oscar, booked):
    upcoming, _ = booked
    client.force_login(oscar)

    response = client.get(f"/patients/{upcoming.case.patient_id}/")

    assert response.status_code == 404

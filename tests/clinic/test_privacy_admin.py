"""Admin: a patient's access history, its CSV export, and the privacy actions."""

from __future__ import annotations

import csv
import datetime
import io

from django.utils import timezone

from clinic.models import AuditEvent, Case, Patient
from rehab.services.discharge import case_discharge


def test_it_shows_who_looked_at_a_patient(client, ada, dan, api_as, case):
    api_as(dan).get(f"/api/v1/cases/{case.pk}/")
    client.force_login(ada)

    response = client.get(f"/admin/clinic/patient/{case.patient_id}/access/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "dan" in page and "doctor" in page and f"clinic.case #{case.pk}" in page
    assert AuditEvent.objects.filter(actor=ada, patient=case.patient, action="view").exists()


def test_it_links_the_access_history_from_the_patient_page(client, ada, patient):
    client.force_login(ada)

    response = client.get(f"/admin/clinic/patient/{patient.pk}/change/")

    assert response.status_code == 200
    assert f"/admin/clinic/patient/{patient.pk}/access/" in response.content.decode()
    # Opening the record in admin is a read of patient data too.
    assert AuditEvent.objects.filter(actor=ada, patient=patient, action="view").exists()


def test_it_exports_the_access_report_as_csv(client, ada, dan, api_as, case):
    api_as(dan).get(f"/api/v1/patients/{case.patient_id}/fhir/")
    client.force_login(ada)

    response = client.get(f"/admin/clinic/patient/{case.patient_id}/access.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {(r["actor"], r["action"]) for r in rows} == {("dan", "view"), ("dan", "export")}
    assert all(r["patient_mrn"] == case.patient.mrn for r in rows)
    assert AuditEvent.objects.filter(actor=ada, patient=case.patient, action="export").exists()


def test_it_exports_the_access_report_of_selected_patients(client, ada, patient):
    client.force_login(ada)

    response = client.post(
        "/admin/clinic/patient/",
        {"action": "export_access_report", "_selected_action": [patient.pk]},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert AuditEvent.objects.filter(actor=ada, patient=patient, action="export").exists()


def test_it_keeps_the_access_history_from_other_roles(client, dan, patient):
    client.force_login(dan)

    response = client.get(f"/admin/clinic/patient/{patient.pk}/access/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_it_restricts_processing_from_admin(client, ada, patient):
    client.force_login(ada)

    client.post(
        "/admin/clinic/patient/",
        {"action": "restrict_processing", "_selected_action": [patient.pk]},
    )

    assert Patient.objects.get(pk=patient.pk).restricted is True


def test_it_refuses_to_anonymise_within_retention_from_admin(client, ada, case):
    client.force_login(ada)

    response = client.post(
        "/admin/clinic/patient/",
        {"action": "anonymise_after_retention", "_selected_action": [case.patient_id]},
        follow=True,
    )

    assert "still open" in response.content.decode()
    assert Patient.objects.get(pk=case.patient_id).given_name == "Emma"


def test_it_anonymises_after_retention_from_admin(client, ada, paula, case, settings):
    settings.MEDICAL_RECORD_RETENTION_YEARS = 1
    case_discharge(case=case, by=paula, summary="Pain free.")
    long_ago = timezone.now() - datetime.timedelta(days=800)
    Case.objects.filter(pk=case.pk).update(discharged_at=long_ago, updated_at=long_ago)
    client.force_login(ada)

    client.post(
        "/admin/clinic/patient/",
        {"action": "anonymise_after_retention", "_selected_action": [case.patient_id]},
    )

    assert Patient.objects.get(pk=case.patient_id).family_name == "Patient"


def test_it_audits_a_change_made_in_admin_as_an_update(client, ada, case):
    client.force_login(ada)
    url = f"/admin/clinic/case/{case.pk}/change/"

    response = client.post(
        url,
        {
            "patient": case.patient_id,
            "side": "right",
            "status": case.status,
            "urgency": "",
            "assigned_physio": case.assigned_physio_id,
            "opened_at_0": timezone.localtime(case.opened_at).strftime("%d/%m/%Y"),
            "opened_at_1": timezone.localtime(case.opened_at).strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 302, response.content[:500]
    assert Case.objects.get(pk=case.pk).side == "right"
    assert AuditEvent.objects.filter(actor=ada, patient=case.patient, action="update").exists()
    assert case.history.latest().history_user == ada

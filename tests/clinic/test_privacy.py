"""Patients' rights: export, restriction of processing, anonymisation after retention."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys

import pytest
from django.utils import timezone

from clinic import privacy
from clinic.models import AuditEvent, Patient
from rehab.models import Discharge
from rehab.services.discharge import case_discharge
from tests.clinic.test_settings import ROOT, load_settings
from tests.factories import CaseFactory, examination_for

# --- Export (right of access) ----------------------------------------------------------------


def test_it_exports_everything_on_record_to_a_doctor(dan, paula, api_as, case):
    exam = examination_for(case, dan, notes="Lateral ligament tender.")
    case_discharge(case=case, by=paula, summary="Back to running.")

    response = api_as(dan).get(f"/api/v1/patients/{case.patient_id}/export/")

    assert response.status_code == 200
    body = response.json()
    assert body["patient"]["family_name"] == "Martin"
    [exported] = body["cases"]
    assert exported["id"] == case.pk
    assert exported["examinations"][0]["id"] == exam.pk
    assert exported["examinations"][0]["notes"] == "Lateral ligament tender."
    assert exported["discharge"]["summary"] == "Back to running."
    assert exported["intake"] is None


def test_it_audits_the_export_as_an_export(ada, api_as, case):
    api_as(ada).get(f"/api/v1/patients/{case.patient_id}/export/")

    assert AuditEvent.objects.filter(
        action="export", patient=case.patient, actor=ada, object_type="clinic.patient"
    ).exists()


def test_it_refuses_the_export_to_reception_and_physios(rita, paula, api_as, case):
    for user in (rita, paula):
        response = api_as(user).get(f"/api/v1/patients/{case.patient_id}/export/")
        assert response.status_code == 403
    assert not AuditEvent.objects.exists()


# --- Restriction of processing ----------------------------------------------------------------


def test_it_hides_a_restricted_patient_from_every_role_but_admin(
    rita, dan, paula, ada, api_as, client, case
):
    privacy.patient_restrict(patient=case.patient)

    for user in (rita, dan, paula):
        assert api_as(user).get("/api/v1/patients/").json()["results"] == []
        assert api_as(user).get(f"/api/v1/patients/{case.patient_id}/").status_code == 404
        assert api_as(user).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    client.force_login(rita)
    assert f"/patients/{case.patient_id}/" not in client.get("/patients/?q=Martin").content.decode()
    admin_ids = [p["id"] for p in api_as(ada).get("/api/v1/patients/").json()["results"]]
    assert admin_ids == [case.patient_id]


def test_the_case_list_leaves_out_a_restricted_patients_cases(rita, dan, paula, ada, api_as, case):
    other = CaseFactory(assigned_physio=paula)
    case.assigned_physio = paula
    case.save()
    privacy.patient_restrict(patient=case.patient)

    for user in (rita, dan, paula):
        listed = [c["id"] for c in api_as(user).get("/api/v1/cases/").json()["results"]]
        assert listed == [other.pk]
    listed = [c["id"] for c in api_as(ada).get("/api/v1/cases/").json()["results"]]
    assert sorted(listed) == sorted([case.pk, other.pk])


def test_it_keeps_a_restricted_record_whole(case):
    patient = privacy.patient_restrict(patient=case.patient)

    assert patient.restricted and patient.restricted_at is not None
    assert Patient.objects.get(pk=patient.pk).family_name == "Martin"


def test_it_lifts_a_restriction(dan, api_as, case):
    privacy.patient_restrict(patient=case.patient)
    privacy.patient_lift_restriction(patient=case.patient)

    assert api_as(dan).get(f"/api/v1/patients/{case.patient_id}/").status_code == 200


# --- Anonymisation after retention -------------------------------------------------------------


def discharged(case, paula, when: datetime.datetime):
    case_discharge(case=case, by=paula, summary="Pain free at 10 km.")
    case.refresh_from_db()
    type(case).objects.filter(pk=case.pk).update(
        opened_at=when - datetime.timedelta(days=60), discharged_at=when, updated_at=when
    )
    return case


def test_it_refuses_to_anonymise_while_a_case_is_open(case):
    with pytest.raises(privacy.RetentionNotOver, match="still open"):
        privacy.patient_anonymise(patient=case.patient)

    assert Patient.objects.get(pk=case.patient_id).given_name == "Emma"


def test_it_refuses_to_anonymise_within_the_retention_period(case, paula, settings):
    settings.MEDICAL_RECORD_RETENTION_YEARS = 10
    discharged(case, paula, timezone.now() - datetime.timedelta(days=365 * 9))

    with pytest.raises(privacy.RetentionNotOver, match="must be kept until") as caught:
        privacy.patient_anonymise(patient=case.patient)

    assert caught.value.ends_on > timezone.localdate()
    assert Patient.objects.get(pk=case.patient_id).given_name == "Emma"


def test_it_anonymises_the_identity_and_keeps_the_clinical_record(case, paula, settings):
    settings.MEDICAL_RECORD_RETENTION_YEARS = 10
    discharged(case, paula, timezone.now() - datetime.timedelta(days=365 * 10 + 5))

    patient = privacy.patient_anonymise(patient=case.patient)

    patient.refresh_from_db()
    assert (patient.given_name, patient.family_name) == ("Anonymised", "Patient")
    assert patient.search_name == "anonymised patient"
    assert patient.date_of_birth == datetime.date(1991, 1, 1)
    assert (patient.email, patient.phone, patient.preferred_channel) == ("", "", "none")
    assert patient.reminder_consent is False
    assert patient.anonymised_at is not None
    assert Discharge.objects.get(case=case).summary == "Pain free at 10 km."


def test_it_scrubs_the_identity_from_the_change_history(case, paula, settings):
    settings.MEDICAL_RECORD_RETENTION_YEARS = 1
    discharged(case, paula, timezone.now() - datetime.timedelta(days=800))

    privacy.patient_anonymise(patient=case.patient)

    history = case.patient.history.all()
    assert history.count() >= 2
    assert not history.filter(given_name="Emma").exists()
    assert set(history.values_list("search_name", flat=True)) == {"anonymised patient"}
    assert not history.exclude(email="").exists()
    assert set(history.values_list("date_of_birth", flat=True)) == {datetime.date(1991, 1, 1)}


def test_it_counts_retention_from_the_last_case_that_ended(case, paula, settings):
    settings.MEDICAL_RECORD_RETENTION_YEARS = 10
    ended = timezone.now() - datetime.timedelta(days=30)
    discharged(case, paula, ended)

    assert privacy.retention_ends_on(case.patient) == timezone.localdate(ended).replace(
        year=timezone.localdate(ended).year + 10
    )


SETTING = "MEDICAL_RECORD_RETENTION_YEARS"

# --- The retention setting --------------------------------------------------------------------


def test_it_defaults_the_retention_to_ten_years():
    from django.conf import settings

    assert settings.MEDICAL_RECORD_RETENTION_YEARS == 10


@pytest.mark.parametrize("value", ["ten", "0", "-3", "7.5"])
def test_it_refuses_a_malformed_retention_period(value):
    result = load_settings(DJANGO_DEBUG="on", MEDICAL_RECORD_RETENTION_YEARS=value)

    assert result.returncode != 0
    assert "MEDICAL_RECORD_RETENTION_YEARS" in result.stderr


def test_it_reads_the_retention_period_from_the_environment():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import clinic.settings as s; print(s.MEDICAL_RECORD_RETENTION_YEARS)",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_DEBUG": "on",
            "MEDICAL_RECORD_RETENTION_YEARS": "20",
            "TALUS_VAR_DIR": str(ROOT / "var" / "test-settings"),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "20"


def test_it_runs_what_the_apps_registered_inside_the_anonymisation(
    case, paula, settings, monkeypatch
):
    seen = []
    monkeypatch.setattr(privacy, "_ANONYMISERS", [])
    hook = privacy.register_anonymiser(lambda patient: seen.append(patient.given_name))
    privacy.register_anonymiser(hook)
    settings.MEDICAL_RECORD_RETENTION_YEARS = 1
    discharged(case, paula, timezone.now() - datetime.timedelta(days=800))

    privacy.patient_anonymise(patient=case.patient)

    # Once, and after the patient's own identity was replaced.
    assert seen == [privacy.ANONYMOUS_GIVEN_NAME]

"""Page forms that create a record: the same form submitted again makes no second record."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from clinic.models import Case, IdempotencyKey, Patient
from rehab.models import Discharge, OutcomeMeasure, PhysioSession
from reminders.models import Reminder
from tests.factories import examination_for
from tests.triage.test_reception_pages import GRADUAL, NEW_PATIENT
from triage.models import Diagnosis, Examination, ImagingReferral, Intake

TOKEN = re.compile(r'name="idempotency_token" value="([0-9a-f]{32})"')


def token_on(page) -> str:
    tokens = TOKEN.findall(page.content.decode())
    assert len(tokens) >= 1, "the form carries no idempotency token"
    return tokens[0]


def submit_twice(client, form_url: str, data: dict, post_url: str | None = None):
    """Open the form, submit it, go Back and submit the very same form again."""
    token = token_on(client.get(form_url))
    post_url = post_url or form_url
    first = client.post(post_url, {**data, "idempotency_token": token})
    again = client.post(post_url, {**data, "idempotency_token": token}, follow=True)
    return first, again


def assert_same_result(first, again) -> None:
    assert first.status_code == 302, first.content.decode()[:3000]
    assert again.redirect_chain == [(first["Location"], 302)]
    assert "This form was already saved: here is what it recorded." in again.content.decode()


def in_a_day() -> str:
    return (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


def test_it_registers_a_patient_once(client, rita):
    client.force_login(rita)

    first, again = submit_twice(client, "/reception/patients/new/", NEW_PATIENT)

    assert_same_result(first, again)
    patient = Patient.objects.get()
    assert first["Location"] == f"/reception/patients/{patient.pk}/intake/"


def test_it_saves_an_intake_once_and_shows_its_triage_again(client, rita, patient):
    client.force_login(rita)

    first, again = submit_twice(client, f"/reception/patients/{patient.pk}/intake/", GRADUAL)

    assert_same_result(first, again)
    intake = Intake.objects.get()
    assert first["Location"] == f"/reception/intakes/{intake.pk}/"
    assert Case.objects.count() == 1


def test_it_books_a_session_once_with_one_reminder(client, rita, case):
    client.force_login(rita)
    booking = {"case": case.pk, "scheduled_at": in_a_day(), "duration_minutes": "45"}

    first, again = submit_twice(client, "/rehab/sessions/", booking, "/rehab/sessions/book/")

    assert_same_result(first, again)
    assert PhysioSession.objects.count() == 1
    assert Reminder.objects.filter(kind="session_reminder").count() == 1


def test_it_records_a_session_once(client, paula, case):
    client.force_login(paula)
    log = {
        "scheduled_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "45",
        "status": "attended",
        "interventions": ["taping"],
        "pain_before": "5",
        "pain_after": "3",
    }

    first, again = submit_twice(client, f"/rehab/cases/{case.pk}/sessions/new/", log)

    assert_same_result(first, again)
    assert PhysioSession.objects.count() == 1


def test_it_scores_a_questionnaire_once(client, paula, case):
    client.force_login(paula)
    url = f"/rehab/cases/{case.pk}/outcomes/new/?instrument=nprs"

    first, again = submit_twice(client, url, {"instrument": "nprs", "item_1": "4"})

    assert_same_result(first, again)
    assert OutcomeMeasure.objects.count() == 1


def test_it_discharges_once_without_an_error_on_the_repeat(client, paula, case):
    client.force_login(paula)

    first, again = submit_twice(client, f"/rehab/cases/{case.pk}/discharge/", {"summary": "Done."})

    assert_same_result(first, again)
    assert Discharge.objects.count() == 1
    assert "already discharged" not in again.content.decode()


@pytest.fixture
def doctor_client(client, dan):
    client.force_login(dan)
    return client


def test_it_records_an_exam_once(doctor_client, case):
    findings = {
        "malleolar_zone_pain": "on",
        "thompson_test": "negative",
        "anterior_drawer": "not_done",
        "foot_posture": "normal",
    }

    first, again = submit_twice(doctor_client, f"/cases/{case.pk}/examinations/new/", findings)

    assert_same_result(first, again)
    assert Examination.objects.count() == 1


def test_it_records_a_diagnosis_once(doctor_client, case):
    diagnosis = {"condition": "ankle_sprain", "laterality": "left", "status": "provisional"}

    first, again = submit_twice(doctor_client, f"/cases/{case.pk}/diagnoses/new/", diagnosis)

    assert_same_result(first, again)
    assert Diagnosis.objects.count() == 1


def test_it_orders_imaging_once(doctor_client, case):
    order = {"modality": "xray", "body_site": "ankle", "laterality": "left", "reason": "Pain."}

    first, again = submit_twice(doctor_client, f"/cases/{case.pk}/imaging/new/", order)

    assert_same_result(first, again)
    assert ImagingReferral.objects.count() == 1


def test_it_orders_a_recommended_study_once_in_one_click(doctor_client, dan, case):
    exam = examination_for(case, dan, malleolar_zone_pain=True, lateral_malleolus_tenderness=True)

    first, again = submit_twice(
        doctor_client,
        f"/examinations/{exam.pk}/",
        {"study": "ankle_xray"},
        f"/examinations/{exam.pk}/order/",
    )

    assert_same_result(first, again)
    assert ImagingReferral.objects.count() == 1


def test_it_keeps_the_first_record_when_the_form_comes_back_changed(client, rita, patient):
    client.force_login(rita)
    url = f"/reception/patients/{patient.pk}/intake/"
    token = token_on(client.get(url))
    first = client.post(url, {**GRADUAL, "idempotency_token": token})

    changed = client.post(url, {**GRADUAL, "pain_at_rest": "6", "idempotency_token": token})

    assert changed.status_code == 302
    assert changed["Location"] == first["Location"]
    assert Intake.objects.get().pain_at_rest == 0
    shown = client.get(changed["Location"]).content.decode()
    assert "the changes made after saving it were not saved" in shown


def test_it_keeps_the_token_through_errors_and_saves_once_corrected(client, rita, patient):
    client.force_login(rita)
    url = f"/reception/patients/{patient.pk}/intake/"
    token = token_on(client.get(url))

    refused = client.post(url, {**GRADUAL, "onset": "trauma", "idempotency_token": token})
    saved = client.post(url, {**GRADUAL, "idempotency_token": token_on(refused)})
    again = client.post(url, {**GRADUAL, "idempotency_token": token})

    assert (refused.status_code, token_on(refused)) == (200, token)
    assert saved.status_code == 302
    assert again["Location"] == saved["Location"]
    assert Intake.objects.count() == 1


def test_it_gives_each_form_a_new_token(client, rita, patient):
    client.force_login(rita)
    url = f"/reception/patients/{patient.pk}/intake/"

    assert token_on(client.get(url)) != token_on(client.get(url))


def test_it_still_saves_a_form_posted_without_a_token(client, rita, patient):
    client.force_login(rita)
    url = f"/reception/patients/{patient.pk}/intake/"

    client.post(url, GRADUAL)
    client.post(url, GRADUAL)

    assert Intake.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_it_knows_a_reloaded_form_by_its_answers(client, rita, patient):
    """Back may reload the form: a new token, the same answers typed again by the browser."""
    client.force_login(rita)
    url = f"/reception/patients/{patient.pk}/intake/"
    first = client.post(url, {**GRADUAL, "idempotency_token": token_on(client.get(url))})

    again = client.post(url, {**GRADUAL, "idempotency_token": token_on(client.get(url))})

    assert again["Location"] == first["Location"]
    assert Intake.objects.count() == 1


def test_it_saves_the_same_answers_again_after_ten_minutes(client, rita, patient):
    client.force_login(rita)
    url = f"/reception/patients/{patient.pk}/intake/"
    client.post(url, {**GRADUAL, "idempotency_token": token_on(client.get(url))})

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        later = client.post(url, {**GRADUAL, "idempotency_token": token_on(client.get(url))})

    assert later.status_code == 302
    assert Intake.objects.count() == 2


def test_it_books_another_time_for_the_same_case_from_a_new_form(client, rita, case):
    client.force_login(rita)
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    for hour in (9, 11):
        client.post(
            "/rehab/sessions/book/",
            {
                "case": case.pk,
                "scheduled_at": tomorrow.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": "45",
                "idempotency_token": token_on(client.get("/rehab/sessions/")),
            },
        )

    assert PhysioSession.objects.count() == 2

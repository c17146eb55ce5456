"""The doctors' pages: case list, case page, exam, diagnosis, imaging and reports to review."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from clinic.models import AuditEvent, CaseStatus
from tests.factories import CaseFactory, examination_for, referral_for
from triage.models import Diagnosis, Examination, ImagingReferral


@pytest.fixture
def doctor_client(client, dan):
    client.force_login(dan)
    return client


def test_it_lands_doctors_on_the_case_list(doctor_client):
    response = doctor_client.get("/", follow=True)

    assert response.redirect_chain[-1][0] == "/cases/"
    assert b"Reports to review" in response.content


def test_it_lists_urgent_cases_first_and_filters_them(doctor_client):
    routine = CaseFactory()
    routine.set_urgency("routine")
    routine.save()
    urgent = CaseFactory()
    urgent.set_urgency("urgent")
    urgent.save()

    everything = doctor_client.get("/cases/")
    only_urgent = doctor_client.get("/cases/", {"urgency": "urgent"})

    assert everything.status_code == 200
    assert [c.pk for c in everything.context["cases"]] == [urgent.pk, routine.pk]
    assert "URGENT" in everything.content.decode().upper()
    assert [c.pk for c in only_urgent.context["cases"]] == [urgent.pk]
    assert only_urgent.context["form"]["urgency"].value() == ["urgent"]


def test_it_shows_the_case_page_with_its_timeline_and_the_rehab_panel(doctor_client, dan, case):
    examination_for(case, dan, malleolar_zone_pain=True, lateral_malleolus_tenderness=True)

    response = doctor_client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert case.patient.mrn in html
    assert "Timeline" in html and "recommended: ankle X-ray" in html
    assert '<h2 id="rehab-title">Physiotherapy</h2>' in html
    assert AuditEvent.objects.filter(object_type="clinic.case", object_id=str(case.pk)).exists()


def test_it_gives_the_case_page_to_the_assigned_physio_without_actions(client, paula, case):
    client.force_login(paula)

    response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    assert b"Record an examination" not in response.content


@pytest.mark.parametrize(("persona", "status"), [("rita", 403), ("oscar", 404)])
def test_it_keeps_the_case_page_from_reception_and_outsiders(
    client, case, request, persona, status
):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(f"/cases/{case.pk}/").status_code == status


@pytest.mark.parametrize(
    "url",
    [
        "/cases/",
        "/imaging/reports-to-review/",
        "/cases/{pk}/examinations/new/",
        "/cases/{pk}/diagnoses/new/",
        "/cases/{pk}/imaging/new/",
    ],
)
@pytest.mark.parametrize("persona", ["rita", "paula"])
def test_it_keeps_doctors_pages_from_other_roles(client, case, request, persona, url):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url.format(pk=case.pk)).status_code == 403


def test_it_records_an_exam_and_shows_its_recommendation(doctor_client, case):
    response = doctor_client.post(
        f"/cases/{case.pk}/examinations/new/",
        {
            "malleolar_zone_pain": "on",
            "medial_malleolus_tenderness": "on",
            "thompson_test": "negative",
            "anterior_drawer": "not_done",
            "foot_posture": "normal",
            "dorsiflexion_deg": "10",
        },
        follow=True,
    )

    assert response.status_code == 200
    exam = Examination.objects.get()
    assert exam.imaging_recommendation["studies"] == ["ankle_xray"]
    html = response.content.decode()
    assert "Imaging recommended" in html and "medial malleolus" in html
    assert "Order ankle X-ray" in html


def test_it_keeps_what_was_typed_and_shows_errors_beside_the_field(doctor_client, case):
    response = doctor_client.post(
        f"/cases/{case.pk}/examinations/new/",
        {
            "malleolar_zone_pain": "on",
            "thompson_test": "negative",
            "anterior_drawer": "positive",
            "foot_posture": "flat",
            "dorsiflexion_deg": "120",
            "notes": "Swollen lateral ankle",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html and 'id="field-dorsiflexion_deg"' in html
    assert "Swollen lateral ankle" in html
    assert response.context["form"]["foot_posture"].value() == "flat"
    assert re.search(r'<input[^>]*value="flat"[^>]*checked', html)
    assert not Examination.objects.exists()


def test_it_orders_the_recommended_xray_in_one_click(doctor_client, dan, case):
    exam = examination_for(case, dan, malleolar_zone_pain=True, lateral_malleolus_tenderness=True)

    response = doctor_client.post(f"/examinations/{exam.pk}/order/", {"study": "ankle_xray"})

    referral = ImagingReferral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imaging/{referral.pk}/"
    assert (referral.modality, referral.body_site, referral.examination) == ("xray", "ankle", exam)
    assert referral.override_reason == ""


def test_it_requires_an_override_reason_on_the_referral_form(doctor_client, dan, case):
    exam = examination_for(case, dan)  # Ottawa negative
    payload = {
        "examination": exam.pk,
        "modality": "mri",
        "body_site": "ankle",
        "laterality": "left",
        "reason": "Persistent pain",
    }

    refused = doctor_client.post(f"/cases/{case.pk}/imaging/new/", payload)
    accepted = doctor_client.post(
        f"/cases/{case.pk}/imaging/new/", {**payload, "override_reason": "Six weeks of pain."}
    )

    assert refused.status_code == 200
    assert "say why you order it" in refused.content.decode()
    assert accepted.status_code == 302
    assert ImagingReferral.objects.get().override_reason == "Six weeks of pain."


def test_it_records_and_confirms_a_diagnosis(doctor_client, case):
    response = doctor_client.post(
        f"/cases/{case.pk}/diagnoses/new/",
        {"condition": "ankle_sprain", "laterality": "left", "status": "provisional"},
    )
    diagnosis = Diagnosis.objects.get()
    confirm = doctor_client.post(f"/diagnoses/{diagnosis.pk}/confirmed/")
    again = doctor_client.post(f"/diagnoses/{diagnosis.pk}/refuted/", follow=True)

    assert response.status_code == 302 and confirm.status_code == 302
    diagnosis.refresh_from_db()
    assert diagnosis.status == "confirmed"
    case.refresh_from_db()
    assert case.status == CaseStatus.DIAGNOSED
    assert "already confirmed" in again.content.decode()


def test_it_walks_a_referral_through_its_steps_on_the_page(doctor_client, dan, case):
    referral = referral_for(case, dan)
    url = f"/imaging/{referral.pk}/"

    next_month = timezone.localtime() + datetime.timedelta(days=30)
    appointment = next_month.strftime("%Y-%m-%dT09:30")
    doctor_client.post(f"{url}schedule/", {"schedule-scheduled_for": appointment})
    doctor_client.post(f"{url}perform/")
    bad = doctor_client.post(f"{url}report/", {"report-report": ""})
    doctor_client.post(f"{url}report/", {"report-report": "No fracture."})
    waiting = doctor_client.get("/imaging/reports-to-review/")
    doctor_client.post(f"{url}review/", {"review-review_note": "Seen."})

    assert bad.status_code == 400 and "Enter the radiologist" in bad.content.decode()
    assert [r.pk for r in waiting.context["referrals"]] == [referral.pk]
    referral.refresh_from_db()
    assert referral.status == "reviewed" and referral.report == "No fracture."


def test_it_refuses_a_step_out_of_order_on_the_page_and_changes_nothing(doctor_client, dan, case):
    referral = referral_for(case, dan)

    response = doctor_client.post(f"/imaging/{referral.pk}/review/", follow=True)

    assert "cannot be reviewed" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "requested"


def test_it_names_the_suspected_conditions_in_words(client, dan, rita, patient, catalogue, api_as):
    from tests.triage.test_intake_api import TWISTED_ANKLE

    case_id = (
        api_as(rita)
        .post("/api/v1/intakes/", {"patient": patient.pk, "questionnaire": TWISTED_ANKLE})
        .json()["case"]
    )
    client.force_login(dan)

    html = client.get(f"/cases/{case_id}/").content.decode()

    assert "Sprain and strain of ankle; Fractures of other parts of lower leg (ankle)" in html

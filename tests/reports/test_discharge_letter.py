"""GET /api/v1/cases/{id}/discharge-letter/: the letter to the referrer, read back by pypdf."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from clinic import services
from clinic.models import AuditEvent, Case
from rehab.services.discharge import case_discharge
from rehab.services.outcomes import outcome_record
from rehab.services.plans import plan_create
from rehab.services.return_to_run import return_to_run_update
from rehab.services.sessions import session_record
from reminders.models import Reminder
from reports.models import LetterSending
from tests.factories import examination_for, referral_for
from triage.models import Condition
from triage.services import diagnoses
from triage.services.intake import intake_create

QUESTIONNAIRE = {
    "onset": "trauma",
    "mechanism": "twist",
    "swelling": "moderate",
    "hematoma": False,
    "mobility": "difficult",
    "weight_bearing": "difficult",
    "pain_location": "lateral",
    "side": "left",
    "pain_at_rest": 4,
    "pain_after_running": 7,
    "pain_duration_days": 1,
    "still_running": False,
    "weekly_distance_km": 30,
    "recent_training_change": False,
    "recent_shoe_change": False,
    "known_flat_feet": False,
    "previous_sprains": 1,
    "calf_pain_or_swelling": False,
    "fever_or_hot_red_joint": False,
    "numbness_or_cold_foot": False,
    "night_pain": False,
    "focal_bone_pain": False,
}


@pytest.fixture
def journey(db, rita, dan, paula, patient, catalogue):
    """Emma's sprained left ankle, from the intake to the discharge."""
    intake = intake_create(recorded_by=rita, patient=patient, questionnaire=QUESTIONNAIRE)
    case = services.case_update(
        case=intake.case,
        assigned_physio=paula,
        referrer_name="Dr Claire Dubois",
        referrer_email="c.dubois@gp.example",
    )
    examination_for(case, dan, malleolar_zone_pain=True, lateral_malleolus_tenderness=True)
    diagnoses.diagnosis_create(
        case=case,
        diagnosed_by=dan,
        condition=Condition.objects.get(code="ankle_sprain"),
        laterality="left",
    )
    referral = referral_for(case, dan, status="reported")
    plan_create(
        case=case,
        by=paula,
        goals="Run 5 km without pain.",
        planned_sessions=6,
        frequency=2,
        started_on=timezone.localdate(),
        home_exercises="Single-leg balance, 3 x 30 s daily.",
    )
    now = timezone.now()
    for hours, before, after in ((5, 6, 4), (1, 3, 1)):
        session_record(
            case=case,
            by=paula,
            scheduled_at=now - dt.timedelta(hours=hours),
            status="attended",
            interventions=["proprioception"],
            pain_before=before,
            pain_after=after,
        )
    outcome_record(case=case, instrument="lefs", answers=[2] * 20, by=paula)
    outcome_record(case=case, instrument="lefs", answers=[3] * 20, by=paula)
    return_to_run_update(
        case=case,
        by=paula,
        checklist="ankle_sprain",
        values={},
        decision="graded_return",
        reason="Hops without pain; build up over three weeks.",
    )
    case_discharge(case=case, by=paula, summary="Keep up the balance work; run every other day.")
    case.refresh_from_db()
    return {"case": case, "referral": referral}


def text_of(response) -> str:
    """The PDF's text without white space: pypdf splits kerned pairs ("T o") with a space."""
    reader = PdfReader(io.BytesIO(response.content))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def test_it_writes_a_pdf_with_the_diagnosis_the_scores_and_the_decision(journey, api_as, dan):
    case = journey["case"]

    response = api_as(dan).get(f"/api/v1/cases/{case.pk}/discharge-letter/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="discharge-letter-case-{case.pk}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    text = text_of(response)
    for expected in (
        "To: Dr Claire Dubois <c.dubois@gp.example>",
        "Emma Martin",
        "Sprain and strain of ankle S93.4 Left Provisional",
        "No fracture. Soft-tissue swelling laterally.",
        "2 sessions attended",
        "40 / 80 First measure",
        "60 / 80 MCID reached",
        "Graded return to running",
        "Hops without pain; build up over three weeks.",
        "Keep up the balance work; run every other day.",
        "Single-leg balance, 3 x 30 s daily.",
        "MCID: at or above 49",  # the chart's line: first 40 + MCID 9
    ):
        assert "".join(expected.split()) in text, expected


def test_it_audits_the_letter_as_an_export_of_the_case(journey, api_as, dan):
    case = journey["case"]

    api_as(dan).get(f"/api/v1/cases/{case.pk}/discharge-letter/")

    assert list(
        AuditEvent.objects.filter(object_type="clinic.case").values_list(
            "action", "object_id", "patient_id"
        )
    ) == [("export", str(case.pk), case.patient_id)]


def test_it_lets_the_assigned_physio_print_it(journey, api_as, paula):
    response = api_as(paula).get(f"/api/v1/cases/{journey['case'].pk}/discharge-letter/")

    assert response.status_code == 200


def test_it_refuses_reception_whatever_the_case(journey, api_as, rita):
    client = api_as(rita)

    assert client.get(f"/api/v1/cases/{journey['case'].pk}/discharge-letter/").status_code == 403
    assert client.get("/api/v1/cases/999999/discharge-letter/").status_code == 403
    assert not AuditEvent.objects.exists()


def test_it_answers_404_to_a_physio_not_on_the_case(journey, api_as, oscar):
    response = api_as(oscar).get(f"/api/v1/cases/{journey['case'].pk}/discharge-letter/")

    assert response.status_code == 404
    assert not AuditEvent.objects.exists()


def test_a_doctor_records_the_referrer_on_the_case(db, api_as, dan, case):
    response = api_as(dan).patch(
        f"/api/v1/cases/{case.pk}/",
        {"referrer_name": "Dr Claire Dubois", "referrer_email": "c.dubois@gp.example"},
        format="json",
        HTTP_IF_MATCH="*",
    )

    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.referrer_name, case.referrer_email) == ("Dr Claire Dubois", "c.dubois@gp.example")
    assert response.json()["referrer_email"] == "c.dubois@gp.example"


def test_it_refuses_a_referrer_email_that_is_not_one(db, api_as, dan, case):
    response = api_as(dan).patch(
        f"/api/v1/cases/{case.pk}/",
        {"referrer_email": "not an address"},
        format="json",
        HTTP_IF_MATCH="*",
    )

    assert response.status_code == 400
    assert response.json() == {"referrer_email": ["Enter a valid email address."]}


def test_the_case_page_of_a_discharged_case_links_to_its_letter(journey, client, dan):
    case = journey["case"]
    client.force_login(dan)

    response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    assert f'href="/api/v1/cases/{case.pk}/discharge-letter/"' in response.content.decode()


# --- Sending it to the referrer, through the outbox -------------------------------------------

SEND = "/api/v1/cases/{}/discharge-letter/send/"
CONSENT = {"consent": True, "consent_note": "Agreed in person at the last session."}


@pytest.fixture
def dispatch(monkeypatch, django_capture_on_commit_callbacks, settings):
    from tests.reminders.helpers import run_dispatch

    settings.REMINDER_QUIET_HOURS = None
    return lambda: run_dispatch(monkeypatch, django_capture_on_commit_callbacks)


def test_it_records_the_consent_and_queues_the_email_in_the_outbox(journey, api_as, paula):
    case = journey["case"]

    response = api_as(paula).post(SEND.format(case.pk), CONSENT, format="json")

    assert response.status_code == 201
    sending = LetterSending.objects.get()
    assert response.json()["id"] == sending.pk
    assert (sending.recipient_name, sending.recipient_email) == (
        "Dr Claire Dubois",
        "c.dubois@gp.example",
    )
    assert sending.consent_note == "Agreed in person at the last session."
    assert sending.requested_by == paula
    reminder = Reminder.objects.get(kind="discharge_letter")
    assert (reminder.status, reminder.channel, reminder.recipient, reminder.subject_id) == (
        "pending",
        "email",
        "c.dubois@gp.example",
        sending.pk,
    )
    assert AuditEvent.objects.filter(
        action="create", object_type="reports.lettersending", patient_id=case.patient_id
    ).exists()


def test_the_outbox_sends_the_letter_as_a_pdf_to_the_referrer(journey, api_as, paula, dispatch):
    case = journey["case"]
    # The reminders' own consent is about reminders to the patient: it does not apply here.
    case.patient.reminder_consent = False
    case.patient.save()
    api_as(paula).post(SEND.format(case.pk), CONSENT, format="json")

    assert dispatch() == ["sent"]

    message = mail.outbox[-1]
    assert message.to == ["c.dubois@gp.example"]
    assert message.subject == "Discharge letter from Talus Sports Physiotherapy"
    assert message.body.startswith("Dear Dr Claire Dubois,")
    assert "Emma" not in message.body and "Martin" not in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"discharge-letter-case-{case.pk}.pdf", "application/pdf")
    text = "".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())
    assert "Sprainandstrainofankle" in text


def test_it_refuses_to_send_without_the_patients_consent(journey, api_as, paula):
    response = api_as(paula).post(
        SEND.format(journey["case"].pk), {"consent": False}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "consent": ["Record that the patient agreed to send the letter to the referrer."]
    }
    assert not LetterSending.objects.exists()
    assert not Reminder.objects.filter(kind="discharge_letter").exists()


def test_it_refuses_to_send_without_a_referrer_address(journey, api_as, paula):
    Case.objects.filter(pk=journey["case"].pk).update(referrer_email="")

    response = api_as(paula).post(SEND.format(journey["case"].pk), CONSENT, format="json")

    assert response.status_code == 400
    assert response.json() == {"referrer_email": ["The case names no referrer's email address."]}
    assert not LetterSending.objects.exists()


def test_it_answers_409_for_a_case_not_discharged(db, api_as, dan, case):
    Case.objects.filter(pk=case.pk).update(referrer_email="gp@example.org")

    response = api_as(dan).post(SEND.format(case.pk), CONSENT, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "not_discharged"
    assert not LetterSending.objects.exists()


def test_it_sends_once_for_a_request_made_twice(journey, api_as, paula):
    client = api_as(paula)
    url = SEND.format(journey["case"].pk)

    first = client.post(url, CONSENT, format="json", HTTP_IDEMPOTENCY_KEY="letter-1")
    again = client.post(url, CONSENT, format="json", HTTP_IDEMPOTENCY_KEY="letter-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert LetterSending.objects.count() == 1
    assert Reminder.objects.filter(kind="discharge_letter").count() == 1


def test_it_refuses_reception_and_hides_the_case_from_another_physio(journey, api_as, rita, oscar):
    url = SEND.format(journey["case"].pk)

    assert api_as(rita).post(url, CONSENT, format="json").status_code == 403
    assert api_as(oscar).post(url, CONSENT, format="json").status_code == 404
    assert not LetterSending.objects.exists()


def test_a_physio_sends_the_letter_from_the_case_page(journey, client, paula):
    from clinic.idempotency import FORM_FIELD

    case = journey["case"]
    client.force_login(paula)
    page = client.get(f"/rehab/cases/{case.pk}/")
    assert f'href="/reports/cases/{case.pk}/letter/send/"' in page.content.decode()

    form = client.get(f"/reports/cases/{case.pk}/letter/send/")
    assert form.status_code == 200
    assert "To Dr Claire Dubois &lt;c.dubois@gp.example&gt;" in form.content.decode()
    response = client.post(
        f"/reports/cases/{case.pk}/letter/send/",
        {"consent": "on", "consent_note": "Agreed today.", FORM_FIELD: "form-token-1"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/rehab/cases/{case.pk}/"
    sending = LetterSending.objects.get()
    assert (sending.consent_note, sending.requested_by) == ("Agreed today.", paula)
    assert Reminder.objects.filter(kind="discharge_letter", subject_id=sending.pk).count() == 1


def test_the_page_asks_for_the_consent_beside_its_box(journey, client, paula):
    client.force_login(paula)

    response = client.post(f"/reports/cases/{journey['case'].pk}/letter/send/", {})

    assert response.status_code == 200
    assert (
        "Record that the patient agreed to send the letter to the referrer."
        in response.content.decode()
    )
    assert not LetterSending.objects.exists()

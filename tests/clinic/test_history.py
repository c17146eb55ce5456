"""Clinical records keep their change history: who changed what, and when (simple-history)."""

from __future__ import annotations

from rest_framework.test import APIClient

from clinic.models import Case
from tests.conftest import patch_with_etag, token_for
from tests.factories import CaseFactory, examination_for, referral_for
from triage.models import Condition
from triage.services import diagnoses as diagnosis_services


def test_it_records_who_changed_a_diagnosis_through_the_api(dan, api_as, case):
    diagnosis = diagnosis_services.diagnosis_create(
        case=case,
        diagnosed_by=dan,
        condition=Condition.objects.get(code="ankle_sprain"),
        laterality="left",
    )

    response = patch_with_etag(
        api_as(dan), f"/api/v1/diagnoses/{diagnosis.pk}/", {"notes": "ATFL."}
    )

    assert response.status_code == 200
    latest = diagnosis.history.latest()
    assert (latest.history_type, latest.history_user, latest.notes) == ("~", dan, "ATFL.")
    assert latest.prev_record.notes == ""


def test_it_records_the_user_of_a_token_request(rita, case):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(rita)}")

    response = patch_with_etag(
        client, f"/api/v1/patients/{case.patient_id}/", {"phone": "+33612345678"}
    )

    assert response.status_code == 200
    latest = case.patient.history.latest()
    assert (latest.history_user, latest.phone) == (rita, "+33612345678")


def test_it_records_a_status_transition(dan, api_as, case):
    referral = referral_for(case, dan)

    api_as(dan).post(f"/api/v1/imaging-referrals/{referral.pk}/cancel/", {"reason": "Declined."})

    statuses = list(referral.history.order_by("history_id").values_list("status", "history_user"))
    assert statuses == [("requested", None), ("cancelled", dan.pk)]


def test_it_records_a_change_made_on_a_page(rita, client, case):
    import datetime

    from django.utils import timezone

    from rehab.services.sessions import session_schedule

    session = session_schedule(
        case=case, scheduled_at=timezone.now() + datetime.timedelta(days=2), by=rita
    )
    client.force_login(rita)

    client.post(f"/rehab/sessions/{session.pk}/cancel/")

    latest = session.history.latest()
    assert (latest.status, latest.history_user) == ("cancelled", rita)


def test_it_shows_the_history_in_admin(client, ada, dan, api_as, case):
    exam = examination_for(case, dan)
    api_as(dan).patch(f"/api/v1/examinations/{exam.pk}/", {"notes": "Swollen."})
    client.force_login(ada)

    response = client.get(f"/admin/triage/examination/{exam.pk}/history/")

    assert response.status_code == 200
    assert b"dan" in response.content


def test_it_makes_the_history_manager_class_once_for_every_save(case):
    # Each save of a tracked model reads instance.history to write its row (clinic.history).
    first, second = case.history, case.history

    assert type(first) is type(second)
    assert type(first) is type(case.patient.history)
    assert (first.instance, second.instance) == (case, case)


def test_it_still_scopes_each_history_manager_to_its_record(case):
    other = CaseFactory(patient=case.patient, side="right")
    case.referrer_name = "Dr Moreau"
    case.save()

    assert [row.history_type for row in case.history.all()] == ["~", "+"]
    assert [row.history_type for row in other.history.all()] == ["+"]
    assert type(Case.history).__name__ == "HistoryManagerFromHistoricalQuerySet"

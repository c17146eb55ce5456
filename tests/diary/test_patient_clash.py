"""A patient is in one place at a time: the booking rule warns of their other booking.

Emma has a session with Paula at 10:00-10:45 next Monday; booking her with Dan or Oscar at an
overlapping time is a 409 ``patient_busy`` naming the clash, unless the desk says
``allow_patient_clash`` ("book anyway").
"""

from __future__ import annotations

import pytest

from diary.models import Booking
from rehab.models import PhysioSession
from tests.factories import CaseFactory
from triage.models import Consultation


@pytest.fixture
def emmas_session(api_as, rita, case, at):
    """Emma's session with Paula, Monday 10:00-10:45."""
    response = api_as(rita).post(
        "/api/v1/sessions/",
        {"case": case.pk, "scheduled_at": at("10:00").isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    return PhysioSession.objects.get(pk=response.json()["id"])


def _consultation(client, case, doctor, when, **extra):
    return client.post(
        "/api/v1/consultations/",
        {"case": case.pk, "doctor": doctor.pk, "scheduled_at": when.isoformat(), **extra},
        format="json",
    )


def test_it_warns_of_a_consultation_overlapping_the_patients_session(
    api_as, rita, dan, case, emmas_session, at
):
    response = _consultation(api_as(rita), case, dan, at("10:30"))

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "patient_busy"
    assert body["clash"] == {"type": "session", "id": emmas_session.pk}
    assert "10:00" in body["detail"]
    assert Consultation.objects.count() == 0


def test_it_books_anyway_when_the_desk_allows_the_clash(api_as, rita, dan, case, emmas_session, at):
    response = _consultation(api_as(rita), case, dan, at("10:30"), allow_patient_clash=True)

    assert response.status_code == 201, response.content
    assert "allow_patient_clash" not in response.json()
    assert Booking.objects.filter(live=True).count() == 2


def test_it_warns_the_same_patient_through_another_case(
    api_as, rita, oscar, case, emmas_session, at
):
    other_case = CaseFactory(patient=case.patient, assigned_physio=oscar)

    response = api_as(rita).post(
        "/api/v1/sessions/",
        {"case": other_case.pk, "scheduled_at": at("09:30").isoformat()},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "patient_busy"
    assert response.json()["clash"] == {"type": "session", "id": emmas_session.pk}
    assert PhysioSession.objects.count() == 1


def test_another_patient_at_the_same_time_is_no_clash(api_as, rita, dan, emmas_session, at):
    response = _consultation(api_as(rita), CaseFactory(), dan, at("10:00"))

    assert response.status_code == 201


def test_back_to_back_is_no_clash(api_as, rita, dan, case, emmas_session, at):
    response = _consultation(api_as(rita), case, dan, at("10:45"))

    assert response.status_code == 201


def test_a_cancelled_booking_is_no_clash(api_as, rita, dan, case, emmas_session, at):
    client = api_as(rita)
    cancelled = client.patch(
        f"/api/v1/sessions/{emmas_session.pk}/",
        {"status": "cancelled"},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert cancelled.status_code == 200

    response = _consultation(client, case, dan, at("10:15"))

    assert response.status_code == 201


def test_moving_onto_the_patients_other_booking_warns_and_can_be_allowed(
    api_as, rita, dan, case, emmas_session, at
):
    client = api_as(rita)
    consultation = _consultation(client, case, dan, at("14:00")).json()
    url = f"/api/v1/consultations/{consultation['id']}/"

    refused = client.patch(
        url, {"scheduled_at": at("10:15").isoformat()}, format="json", HTTP_IF_MATCH="*"
    )

    assert refused.status_code == 409
    assert refused.json()["code"] == "patient_busy"
    assert Consultation.objects.get(pk=consultation["id"]).scheduled_at == at("14:00")

    allowed = client.patch(
        url,
        {"scheduled_at": at("10:15").isoformat(), "allow_patient_clash": True},
        format="json",
        HTTP_IF_MATCH="*",
    )

    assert allowed.status_code == 200, allowed.content
    assert Consultation.objects.get(pk=consultation["id"]).scheduled_at == at("10:15")


def test_moving_a_session_within_its_own_time_is_no_clash(api_as, rita, case, emmas_session, at):
    response = api_as(rita).patch(
        f"/api/v1/sessions/{emmas_session.pk}/",
        {"scheduled_at": at("10:15").isoformat()},
        format="json",
        HTTP_IF_MATCH="*",
    )

    assert response.status_code == 200, response.content


def test_a_series_lists_the_patients_clash_and_books_nothing(api_as, rita, dan, case, at):
    client = api_as(rita)
    consultation = _consultation(client, case, dan, at("10:00", day=2)).json()

    response = client.post(
        "/api/v1/sessions/series/",
        {
            "case": case.pk,
            "first_at": at("10:00").isoformat(),
            "count": 3,
            "interval_days": 1,
        },
        format="json",
    )

    assert response.status_code == 409
    clashes = response.json()["clashes"]
    assert [c["code"] for c in clashes] == ["patient_busy"]
    assert clashes[0]["clash"] == {"type": "consultation", "id": consultation["id"]}
    assert PhysioSession.objects.count() == 0

    allowed = client.post(
        "/api/v1/sessions/series/",
        {
            "case": case.pk,
            "first_at": at("10:00").isoformat(),
            "count": 3,
            "interval_days": 1,
            "allow_patient_clash": True,
        },
        format="json",
    )

    assert allowed.status_code == 201, allowed.content
    assert PhysioSession.objects.count() == 3

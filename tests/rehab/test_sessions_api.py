"""/api/v1/sessions/: reception books without clinical fields; the assigned physio logs."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clinic.errors import Invalid
from clinic.models import Case
from rehab.models import PhysioSession
from rehab.services.sessions import session_log, session_schedule
from tests.conftest import patch_with_etag
from tests.factories import CaseFactory, session_booked_before

URL = "/api/v1/sessions/"
CLINICAL = {"interventions", "pain_before", "pain_after", "notes", "dorsiflexion_deg"}


def soon(hours=2):
    return (timezone.now() + datetime.timedelta(hours=hours)).replace(microsecond=0)


def earlier(hours=2):
    return (timezone.now() - datetime.timedelta(hours=hours)).replace(microsecond=0)


@pytest.fixture
def booked(case, rita):
    """A session booked by Rita two hours ago (it has happened, not yet logged)."""
    return session_booked_before(case, rita, scheduled_at=earlier())


def test_it_lets_reception_book_a_session_for_the_assigned_physio(rita, paula, api_as, case):
    response = api_as(rita).post(URL, {"case": case.pk, "scheduled_at": soon().isoformat()})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "scheduled"
    assert body["physio"] == paula.pk
    assert not CLINICAL & set(body)
    assert PhysioSession.objects.get().created_by == rita


def test_it_refuses_clinical_fields_from_reception_naming_them(rita, api_as, case):
    response = api_as(rita).post(
        URL,
        {
            "case": case.pk,
            "scheduled_at": soon().isoformat(),
            "notes": "sprained again",
            "pain_before": 4,
        },
    )

    assert response.status_code == 400
    assert set(response.json()) == {"notes", "pain_before"}
    assert PhysioSession.objects.count() == 0


def test_it_refuses_reception_logging_a_session(rita, api_as, booked):
    response = patch_with_etag(api_as(rita), f"{URL}{booked.pk}/", {"status": "attended"})

    assert response.status_code == 400
    assert "status" in response.json()
    booked.refresh_from_db()
    assert booked.status == "scheduled"


def test_it_never_shows_reception_the_notes(rita, paula, api_as, booked):
    patch_with_etag(
        api_as(paula),
        f"{URL}{booked.pk}/",
        {"status": "attended", "notes": "Secret", "pain_before": 5},
    )

    detail = api_as(rita).get(f"{URL}{booked.pk}/").json()
    listed = api_as(rita).get(URL).json()["results"]

    assert detail["status"] == "attended"
    assert not CLINICAL & set(detail)
    assert not CLINICAL & set(listed[0])
    assert "Secret" not in str(listed)


def test_it_lets_reception_move_and_cancel_a_scheduled_session(rita, api_as, case):
    session = session_schedule(case=case, scheduled_at=soon(), by=rita)
    new_time = soon(48)

    moved = patch_with_etag(
        api_as(rita), f"{URL}{session.pk}/", {"scheduled_at": new_time.isoformat()}
    )
    cancelled = patch_with_etag(api_as(rita), f"{URL}{session.pk}/", {"status": "cancelled"})

    assert (moved.status_code, cancelled.status_code) == (200, 200)
    session.refresh_from_db()
    assert (session.scheduled_at, session.status) == (new_time, "cancelled")


def test_it_lets_the_assigned_physio_log_a_session(paula, api_as, booked):
    response = patch_with_etag(
        api_as(paula),
        f"{URL}{booked.pk}/",
        {
            "status": "attended",
            "interventions": ["mobilization", "proprioception"],
            "pain_before": 5,
            "pain_after": 3,
            "dorsiflexion_deg": 32,
            "notes": "Good session.",
        },
    )

    assert response.status_code == 200, response.json()
    booked.refresh_from_db()
    assert booked.status == "attended"
    assert booked.interventions == ["mobilization", "proprioception"]
    assert (booked.pain_before, booked.pain_after, booked.logged_by) == (5, 3, booked.physio)
    assert Case.objects.get(pk=booked.case_id).status == "in_rehab"


def test_it_lets_the_physio_record_an_attended_session_directly(paula, api_as, case):
    response = api_as(paula).post(
        URL,
        {
            "case": case.pk,
            "scheduled_at": earlier().isoformat(),
            "status": "attended",
            "interventions": ["taping"],
            "pain_before": 6,
            "pain_after": 4,
        },
    )

    assert response.status_code == 201, response.json()
    session = PhysioSession.objects.get()
    assert (session.status, session.pain_after, session.physio) == ("attended", 4, paula)


def test_it_refuses_an_intervention_outside_the_list(paula, api_as, booked):
    response = patch_with_etag(
        api_as(paula),
        f"{URL}{booked.pk}/",
        {"status": "attended", "interventions": ["acupuncture"]},
    )

    assert response.status_code == 400
    assert "interventions" in response.json()
    booked.refresh_from_db()
    assert booked.status == "scheduled"


def test_it_refuses_pain_outside_0_to_10(paula, api_as, booked):
    response = patch_with_etag(
        api_as(paula),
        f"{URL}{booked.pk}/",
        {"status": "attended", "pain_before": 11, "pain_after": -1},
    )

    assert response.status_code == 400
    assert set(response.json()) == {"pain_before", "pain_after"}


@pytest.mark.parametrize("degrees", [61, 70, -31])
def test_it_refuses_a_dorsiflexion_outside_the_exams_range(paula, api_as, booked, degrees):
    response = patch_with_etag(
        api_as(paula), f"{URL}{booked.pk}/", {"status": "attended", "dorsiflexion_deg": degrees}
    )

    assert response.status_code == 400
    assert set(response.json()) == {"dorsiflexion_deg"}
    booked.refresh_from_db()
    assert (booked.status, booked.dorsiflexion_deg) == ("scheduled", None)


@pytest.mark.parametrize("degrees", [60, -30])
def test_it_takes_a_dorsiflexion_at_the_ranges_ends(paula, api_as, booked, degrees):
    response = patch_with_etag(
        api_as(paula), f"{URL}{booked.pk}/", {"status": "attended", "dorsiflexion_deg": degrees}
    )

    assert response.status_code == 200, response.json()
    booked.refresh_from_db()
    assert booked.dorsiflexion_deg == degrees


def test_the_session_service_holds_the_same_dorsiflexion_range(paula, booked):
    with pytest.raises(Invalid) as refused:
        session_log(session=booked, by=paula, status="attended", dorsiflexion_deg=61)

    assert refused.value.errors == {
        "dorsiflexion_deg": ["Dorsiflexion is between -30 and 60 degrees."]
    }


def test_it_answers_409_for_logging_a_cancelled_session(paula, rita, api_as, booked):
    patch_with_etag(api_as(rita), f"{URL}{booked.pk}/", {"status": "cancelled"})

    response = patch_with_etag(api_as(paula), f"{URL}{booked.pk}/", {"status": "attended"})

    assert response.status_code == 409
    booked.refresh_from_db()
    assert booked.status == "cancelled"


def test_it_answers_409_for_moving_an_attended_session(paula, rita, api_as, booked):
    patch_with_etag(api_as(paula), f"{URL}{booked.pk}/", {"status": "attended", "pain_before": 2})

    response = patch_with_etag(
        api_as(rita), f"{URL}{booked.pk}/", {"scheduled_at": soon().isoformat()}
    )

    assert response.status_code == 409
    booked.refresh_from_db()
    assert booked.status == "attended"


def test_it_answers_409_for_cancelling_twice(rita, api_as, booked):
    patch_with_etag(api_as(rita), f"{URL}{booked.pk}/", {"status": "cancelled"})

    assert (
        patch_with_etag(api_as(rita), f"{URL}{booked.pk}/", {"status": "cancelled"}).status_code
        == 409
    )


def test_it_refuses_to_log_a_session_in_the_future(paula, rita, api_as, case):
    session = session_schedule(case=case, scheduled_at=soon(72), by=rita)

    response = patch_with_etag(api_as(paula), f"{URL}{session.pk}/", {"status": "attended"})

    assert response.status_code == 400
    assert "scheduled_at" in response.json()


def test_it_answers_404_to_a_physio_not_assigned(oscar, api_as, case, booked):
    assert api_as(oscar).get(f"{URL}{booked.pk}/").status_code == 404
    assert api_as(oscar).patch(f"{URL}{booked.pk}/", {"status": "attended"}).status_code == 404
    assert (
        api_as(oscar).post(URL, {"case": case.pk, "scheduled_at": soon().isoformat()}).status_code
        == 404
    )
    assert api_as(oscar).get(URL).json()["results"] == []


def test_it_lets_a_doctor_read_but_not_book(dan, api_as, case, booked):
    assert api_as(dan).get(f"{URL}{booked.pk}/").status_code == 200
    response = api_as(dan).post(URL, {"case": case.pk, "scheduled_at": soon().isoformat()})
    assert response.status_code == 403


def test_it_refuses_a_booking_on_a_discharged_case(rita, api_as, case):
    Case.objects.filter(pk=case.pk).update(status="discharged", discharged_at=timezone.now())

    response = api_as(rita).post(URL, {"case": case.pk, "scheduled_at": soon().isoformat()})

    assert response.status_code == 409
    assert PhysioSession.objects.count() == 0


def test_it_filters_by_case_status_and_date(rita, paula, api_as, case, booked):
    other = session_schedule(case=CaseFactory(), scheduled_at=soon(72), by=rita, physio=paula)
    client = api_as(rita)
    later_day = timezone.localdate(other.scheduled_at).isoformat()

    by_case = client.get(URL, {"case": case.pk}).json()["results"]
    by_status = client.get(URL, {"status": "cancelled"}).json()["results"]
    by_date = client.get(
        URL, {"scheduled_at_after": later_day, "scheduled_at_before": later_day}
    ).json()["results"]

    assert [s["id"] for s in by_case] == [booked.pk]
    assert by_status == []
    assert [s["id"] for s in by_date] == [other.pk]


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.parametrize("persona", ["rita", "paula"])
def test_it_lists_sessions_in_a_fixed_number_of_queries(
    rows, persona, request, case, rita, api_as, django_assert_max_num_queries
):
    for index in range(rows):
        session_schedule(case=case, scheduled_at=soon(index + 1), by=rita)
    client = api_as(request.getfixturevalue(persona))

    with django_assert_max_num_queries(6):
        response = client.get(URL, {"page_size": 50})

    assert len(response.json()["results"]) == rows

"""The clinic's plausible dates (clinic.bounds), on the API and on the pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clinic import bounds
from rehab.models import PhysioSession, TreatmentPlan
from rehab.services.sessions import session_schedule
from tests.factories import referral_for

pytestmark = pytest.mark.django_db

WINDOW = "Must be within a year back and two years ahead"


def test_it_takes_a_year_back_to_two_years_ahead():
    now = timezone.now()
    bounds.validate_clinic_datetime(now - datetime.timedelta(days=365))
    bounds.validate_clinic_datetime(now + datetime.timedelta(days=730))
    for wrong in (now - datetime.timedelta(days=367), now + datetime.timedelta(days=732)):
        with pytest.raises(ValidationError):
            bounds.validate_clinic_datetime(wrong)


@pytest.mark.parametrize("when", ["9999-12-31T10:00:00Z", "0001-01-01T10:00:00Z"])
def test_it_refuses_a_session_booked_in_year_9999_or_0001(rita, api_as, case, when):
    response = api_as(rita).post("/api/v1/sessions/", {"case": case.pk, "scheduled_at": when})

    assert response.status_code == 400
    assert list(response.json()) == ["scheduled_at"]
    assert response.json()["scheduled_at"][0].startswith(WINDOW)
    assert not PhysioSession.objects.exists()


def test_it_refuses_to_move_a_session_to_year_9999(rita, api_as, case):
    session = session_schedule(
        case=case, scheduled_at=timezone.now() + datetime.timedelta(days=1), by=rita
    )
    client = api_as(rita)
    url = f"/api/v1/sessions/{session.pk}/"

    response = client.patch(
        url, {"scheduled_at": "9999-12-31T10:00:00Z"}, HTTP_IF_MATCH=client.get(url)["ETag"]
    )

    assert response.status_code == 400
    assert list(response.json()) == ["scheduled_at"]
    assert PhysioSession.objects.get().scheduled_at == session.scheduled_at


def test_it_refuses_a_plan_starting_in_year_9999(paula, api_as, case):
    body = {"case": case.pk, "goals": "Run 10 km", "planned_sessions": 6, "frequency": 2}

    response = api_as(paula).post("/api/v1/treatment-plans/", {**body, "started_on": "9999-12-31"})

    assert response.status_code == 400
    assert list(response.json()) == ["started_on"]
    assert not TreatmentPlan.objects.exists()


def test_it_refuses_an_imaging_appointment_in_year_9999(dan, api_as, case):
    referral = referral_for(case, dan)

    response = api_as(dan).post(
        f"/api/v1/imaging-referrals/{referral.pk}/schedule/",
        {"scheduled_for": "9999-12-31T09:00:00Z"},
    )

    assert response.status_code == 400
    assert list(response.json()) == ["scheduled_for"]
    referral.refresh_from_db()
    assert referral.status == "requested"


def test_it_shows_the_sessions_page_for_today_when_the_day_has_no_tomorrow(client, rita):
    client.force_login(rita)

    response = client.get("/rehab/sessions/", {"day": "9999-12-31"})

    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()


def test_it_refuses_a_booking_page_in_year_9999_beside_the_field(client, rita, case):
    client.force_login(rita)

    response = client.post(
        "/rehab/sessions/book/",
        {"case": case.pk, "scheduled_at": "9999-12-31T10:00", "duration_minutes": 30},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["scheduled_at"][0].startswith(WINDOW)
    assert not PhysioSession.objects.exists()

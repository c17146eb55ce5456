"""Every booking has a practitioner: the API, the page and the service refuse one without."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic import roles
from clinic.errors import Invalid
from rehab.models import PhysioSession
from rehab.services.sessions import session_move, session_schedule
from reminders.models import Reminder
from tests.conftest import patch_with_etag
from tests.factories import CaseFactory, UserFactory

URL = "/api/v1/sessions/"


def tomorrow() -> datetime.datetime:
    return (timezone.localtime() + datetime.timedelta(days=1)).replace(second=0, microsecond=0)


@pytest.fixture
def unassigned(patient):
    """Emma's right ankle: no physio assigned yet."""
    return CaseFactory(patient=patient, side="right", assigned_physio=None)


@pytest.fixture
def left_the_clinic(db):
    """Lou was a physio; her account was deactivated when she left."""
    return UserFactory(
        username="lou", first_name="Lou", last_name="Leclerc", role=roles.PHYSIO, is_active=False
    )


def test_it_refuses_an_api_booking_with_no_physio_on_an_unassigned_case(rita, api_as, unassigned):
    response = api_as(rita).post(
        URL, {"case": unassigned.pk, "scheduled_at": tomorrow().isoformat()}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["physio"]
    assert "no assigned physio" in response.json()["physio"][0]
    assert not PhysioSession.objects.exists()
    assert not Reminder.objects.exists()


def test_it_refuses_a_null_physio_on_an_unassigned_case(rita, api_as, unassigned):
    response = api_as(rita).post(
        URL, {"case": unassigned.pk, "scheduled_at": tomorrow().isoformat(), "physio": None}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["physio"]
    assert not PhysioSession.objects.exists()


def test_it_books_an_unassigned_case_with_the_physio_given(rita, paula, api_as, unassigned):
    response = api_as(rita).post(
        URL, {"case": unassigned.pk, "scheduled_at": tomorrow().isoformat(), "physio": paula.pk}
    )

    assert response.status_code == 201, response.json()
    assert PhysioSession.objects.get().physio == paula


def test_it_refuses_to_default_to_an_assigned_physio_who_left(
    rita, api_as, patient, left_the_clinic
):
    case = CaseFactory(patient=patient, assigned_physio=left_the_clinic)

    response = api_as(rita).post(URL, {"case": case.pk, "scheduled_at": tomorrow().isoformat()})

    assert response.status_code == 400
    assert response.json() == {
        "physio": ["Lou Leclerc is no longer active: choose the physio for this session."]
    }
    assert not PhysioSession.objects.exists()


def test_it_refuses_a_page_booking_with_no_physio_beside_the_field(client, rita, unassigned):
    client.force_login(rita)
    when = tomorrow().strftime("%Y-%m-%dT%H:%M")

    response = client.post(
        "/rehab/sessions/book/",
        {"case": unassigned.pk, "scheduled_at": when, "duration_minutes": "30", "physio": ""},
    )

    html = response.content.decode()
    assert response.status_code == 200
    opening = '<div class="field has-error" id="field-physio">'
    beside = html[html.index(opening) :].split("</div>", 1)[0]
    assert "Choose a physio: this case has no assigned physio." in beside
    assert f'value="{when}"' in html
    assert 'value="30"' in html
    assert not PhysioSession.objects.exists()


def test_it_refuses_a_service_booking_without_a_practitioner(rita, unassigned):
    with pytest.raises(Invalid) as refused:
        session_schedule(case=unassigned, scheduled_at=tomorrow(), by=rita)

    assert list(refused.value.errors) == ["physio"]
    assert not PhysioSession.objects.exists()


def test_it_refuses_a_practitioner_who_is_not_a_physio(rita, dan, unassigned):
    with pytest.raises(Invalid) as refused:
        session_schedule(case=unassigned, scheduled_at=tomorrow(), by=rita, physio=dan)

    assert list(refused.value.errors) == ["physio"]


def test_it_keeps_the_database_from_storing_a_session_without_a_physio(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        PhysioSession.objects.create(case=case, physio=None, scheduled_at=tomorrow())


def test_it_refuses_to_move_a_session_of_a_physio_who_left_unless_reassigned(
    rita, paula, patient, left_the_clinic
):
    case = CaseFactory(patient=patient, assigned_physio=paula)
    session = session_schedule(case=case, scheduled_at=tomorrow(), by=rita, physio=paula)
    PhysioSession.objects.filter(pk=session.pk).update(physio=left_the_clinic)
    later = tomorrow() + datetime.timedelta(days=1)

    with pytest.raises(Invalid) as refused:
        session_move(session=session, scheduled_at=later, by=rita)
    moved = session_move(session=session, scheduled_at=later, by=rita, physio=paula)

    assert list(refused.value.errors) == ["physio"]
    assert (moved.physio, moved.scheduled_at) == (paula, later)


def test_it_lets_reception_hand_a_booking_to_another_physio(rita, paula, oscar, api_as, case):
    session = session_schedule(case=case, scheduled_at=tomorrow(), by=rita)

    response = patch_with_etag(api_as(rita), f"{URL}{session.pk}/", {"physio": oscar.pk})

    assert response.status_code == 200, response.json()
    session.refresh_from_db()
    assert session.physio == oscar


def test_it_moves_a_booking_to_another_physio_from_the_page(client, rita, paula, oscar, case):
    session = session_schedule(case=case, scheduled_at=tomorrow(), by=rita)
    client.force_login(rita)

    response = client.post(
        f"/rehab/sessions/{session.pk}/move/",
        {
            "scheduled_at": tomorrow().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "45",
            "physio": str(oscar.pk),
        },
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.physio == oscar


def test_it_asks_for_another_physio_when_moving_a_booking_of_one_who_left(
    client, rita, paula, case, left_the_clinic
):
    session = session_schedule(case=case, scheduled_at=tomorrow(), by=rita)
    PhysioSession.objects.filter(pk=session.pk).update(physio=left_the_clinic)
    client.force_login(rita)
    when = (tomorrow() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(
        f"/rehab/sessions/{session.pk}/move/",
        {"scheduled_at": when, "duration_minutes": "45", "physio": ""},
    )

    html = response.content.decode()
    assert response.status_code == 200
    opening = '<div class="field has-error" id="field-physio">'
    beside = html[html.index(opening) :].split("</div>", 1)[0]
    assert "Lou Leclerc is no longer active: choose the physio for this session." in beside
    assert f'value="{when}"' in html
    session.refresh_from_db()
    assert session.physio == left_the_clinic


@pytest.mark.parametrize("minutes", [4, 241])
def test_the_booking_service_holds_the_forms_session_length(rita, case, minutes):
    with pytest.raises(Invalid) as refused:
        session_schedule(case=case, scheduled_at=tomorrow(), by=rita, duration_minutes=minutes)

    assert refused.value.errors == {"duration_minutes": ["A session lasts 5 to 240 minutes."]}
    assert not PhysioSession.objects.exists()

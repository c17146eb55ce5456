"""An ended case keeps its physio; a physio writes sessions under their own name only.

Both rules live in the services (clinic.services.case_update, rehab.services.sessions), so
the API, the pages and the admin forms answer alike: 409 ``case_closed`` for a physio
reassigned on a discharged or closed case; 400 naming ``physio`` when a physio books,
records or moves a session for a colleague (the physio may write sessions: the role is
right, the field is not; reception alone hands a booking to another physio).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clinic.errors import Conflict, Invalid
from clinic.models import Case
from clinic.services import case_update
from rehab.models import PhysioSession
from rehab.services.sessions import session_record, session_schedule
from tests.conftest import patch_with_etag
from tests.factories import CaseFactory, session_booked_before


def tomorrow() -> datetime.datetime:
    return (timezone.localtime() + datetime.timedelta(days=1)).replace(second=0, microsecond=0)


def yesterday() -> datetime.datetime:
    return (timezone.localtime() - datetime.timedelta(days=1)).replace(second=0, microsecond=0)


@pytest.fixture
def discharged(patient, paula):
    return CaseFactory(
        patient=patient, assigned_physio=paula, status="discharged", discharged_at=timezone.now()
    )


@pytest.mark.django_db
class TestEndedCaseKeepsItsPhysio:
    @pytest.mark.parametrize("persona", ["rita", "dan", "ada"])
    @pytest.mark.parametrize("status", ["discharged", "closed"])
    def test_nobody_reassigns_the_physio_of_an_ended_case(
        self, persona, status, patient, paula, oscar, api_as, request
    ):
        case = CaseFactory(
            patient=patient,
            assigned_physio=paula,
            status=status,
            discharged_at=timezone.now() if status == "discharged" else None,
        )
        client = api_as(request.getfixturevalue(persona))

        response = patch_with_etag(
            client, f"/api/v1/cases/{case.pk}/", {"assigned_physio": oscar.pk}
        )

        assert response.status_code == 409
        assert response.json()["code"] == "case_closed"
        assert Case.objects.get(pk=case.pk).assigned_physio == paula

    def test_an_open_case_is_still_reassigned(self, case, oscar, rita, api_as):
        response = patch_with_etag(
            api_as(rita), f"/api/v1/cases/{case.pk}/", {"assigned_physio": oscar.pk}
        )

        assert response.status_code == 200
        assert Case.objects.get(pk=case.pk).assigned_physio == oscar

    def test_the_service_refuses_it_for_every_door(self, discharged, oscar, rita):
        with pytest.raises(Conflict) as refused:
            case_update(case=discharged, by=rita, assigned_physio=oscar)

        assert refused.value.code == "case_closed"

    def test_an_ended_case_keeps_its_side_changes(self, discharged, paula, rita):
        updated = case_update(case=discharged, by=rita, side="left", assigned_physio=paula)

        assert (updated.side, updated.assigned_physio) == ("left", paula)


@pytest.mark.django_db
class TestPhysioWritesInTheirOwnName:
    def test_a_physio_cannot_record_a_session_for_a_colleague(self, case, paula, oscar, api_as):
        response = api_as(paula).post(
            "/api/v1/sessions/",
            {
                "case": case.pk,
                "scheduled_at": yesterday().isoformat(),
                "status": "attended",
                "physio": oscar.pk,
            },
            format="json",
        )

        assert response.status_code == 400
        assert list(response.json()) == ["physio"]
        assert not PhysioSession.objects.exists()

    def test_a_physio_records_a_session_in_their_own_name(self, case, paula, api_as):
        response = api_as(paula).post(
            "/api/v1/sessions/",
            {"case": case.pk, "scheduled_at": yesterday().isoformat(), "status": "attended"},
            format="json",
        )

        assert response.status_code == 201
        assert PhysioSession.objects.get().physio == paula

    def test_a_physio_cannot_book_a_colleague(self, case, paula, oscar, api_as):
        response = api_as(paula).post(
            "/api/v1/sessions/",
            {"case": case.pk, "scheduled_at": tomorrow().isoformat(), "physio": oscar.pk},
            format="json",
        )

        assert response.status_code == 400
        assert list(response.json()) == ["physio"]
        assert not PhysioSession.objects.exists()

    def test_a_physio_cannot_hand_a_session_to_a_colleague_and_log_it(
        self, case, paula, oscar, rita, api_as
    ):
        session = session_booked_before(case, rita, scheduled_at=yesterday())

        response = patch_with_etag(
            api_as(paula),
            f"/api/v1/sessions/{session.pk}/",
            {"physio": oscar.pk, "status": "attended"},
        )

        assert response.status_code == 400
        assert list(response.json()) == ["physio"]
        session.refresh_from_db()
        assert (session.physio, session.status) == (paula, "scheduled")

    def test_a_physio_moves_a_colleagues_booking_without_taking_it(
        self, case, paula, oscar, rita, api_as
    ):
        session = session_schedule(case=case, scheduled_at=tomorrow(), by=rita, physio=oscar)
        later = tomorrow() + datetime.timedelta(hours=2)

        response = patch_with_etag(
            api_as(paula), f"/api/v1/sessions/{session.pk}/", {"scheduled_at": later.isoformat()}
        )

        assert response.status_code == 200
        session.refresh_from_db()
        assert (session.physio, session.scheduled_at) == (oscar, later)

    def test_the_service_refuses_it_for_the_page_too(self, case, paula, oscar):
        with pytest.raises(Invalid) as refused:
            session_record(
                case=case, by=paula, scheduled_at=yesterday(), status="attended", physio=oscar
            )

        assert list(refused.value.errors) == ["physio"]


@pytest.mark.django_db
def test_admins_case_form_keeps_the_physio_of_an_ended_case(discharged, paula, oscar, ada, client):
    client.force_login(ada)
    url = f"/admin/clinic/case/{discharged.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update(
        {
            "patient": discharged.patient_id,
            "assigned_physio": oscar.pk,
            "opened_at_0": timezone.localtime(discharged.opened_at).strftime("%Y-%m-%d"),
            "opened_at_1": timezone.localtime(discharged.opened_at).strftime("%H:%M:%S"),
            "discharged_at_0": timezone.localtime(discharged.discharged_at).strftime("%Y-%m-%d"),
            "discharged_at_1": timezone.localtime(discharged.discharged_at).strftime("%H:%M:%S"),
        }
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert "its physio stays" in response.content.decode()
    assert Case.objects.get(pk=discharged.pk).assigned_physio == paula

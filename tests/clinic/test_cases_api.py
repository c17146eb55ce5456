"""/api/v1/cases/: scoping, role checks and validation."""

from __future__ import annotations

import datetime

import pytest

from clinic import services
from clinic.errors import Invalid
from clinic.models import Case
from tests.conftest import patch_with_etag
from tests.factories import CaseFactory

URL = "/api/v1/cases/"


def test_it_opens_a_case_for_reception(rita, api_as, patient, paula):
    response = api_as(rita).post(
        URL, {"patient": patient.pk, "side": "right", "assigned_physio": paula.pk}
    )

    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["id"])
    assert (case.status, case.side, case.assigned_physio) == ("open", "right", paula)


def test_it_answers_400_with_field_messages_and_writes_nothing(rita, dan, api_as, patient):
    response = api_as(rita).post(
        URL, {"patient": 999999, "side": "middle", "assigned_physio": dan.pk}
    )

    assert response.status_code == 400
    assert set(response.json()) >= {"patient", "side", "assigned_physio"}
    assert Case.objects.count() == 0


def test_it_ignores_a_status_sent_by_the_client(rita, api_as, patient):
    response = api_as(rita).post(URL, {"patient": patient.pk, "status": "discharged"})

    assert response.status_code == 201
    assert Case.objects.get().status == "open"


def test_it_hides_a_case_from_a_physio_who_is_not_assigned(oscar, api_as, case):
    assert api_as(oscar).get(f"{URL}{case.pk}/").status_code == 404
    assert api_as(oscar).get(URL).json()["results"] == []


def test_it_answers_404_not_403_for_a_forbidden_write_outside_reach(oscar, api_as, case):
    response = api_as(oscar).patch(f"{URL}{case.pk}/", {"side": "right"})

    assert response.status_code == 404


def test_it_answers_403_to_the_assigned_physio_who_tries_to_edit(paula, api_as, case):
    response = api_as(paula).patch(f"{URL}{case.pk}/", {"side": "right"})

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.side == "left"


def test_it_shows_the_assigned_physio_their_case(paula, api_as, case):
    CaseFactory()  # someone else's

    listed = api_as(paula).get(URL).json()["results"]

    assert [c["id"] for c in listed] == [case.pk]
    assert api_as(paula).get(f"{URL}{case.pk}/").status_code == 200


def test_it_lets_a_doctor_assign_the_physio_and_nothing_else(dan, oscar, api_as, case):
    ok = patch_with_etag(api_as(dan), f"{URL}{case.pk}/", {"assigned_physio": oscar.pk})
    refused = patch_with_etag(api_as(dan), f"{URL}{case.pk}/", {"side": "right"})

    assert ok.status_code == 200
    assert refused.status_code == 400
    assert "side" in refused.json()
    case.refresh_from_db()
    assert (case.assigned_physio, case.side) == (oscar, "left")


def test_the_case_service_lets_a_doctor_change_only_the_assigned_physio(
    dan, rita, paula, oscar, case
):
    with pytest.raises(Invalid) as refused:
        services.case_update(case=case, by=dan, side="right", assigned_physio=oscar)

    assert refused.value.errors == {"side": ["Doctors may only change the assigned physio."]}
    case.refresh_from_db()
    assert (case.assigned_physio, case.side) == (paula, "left")
    services.case_update(case=case, by=dan, assigned_physio=oscar)
    services.case_update(case=case, by=rita, side="right")
    case.refresh_from_db()
    assert (case.assigned_physio, case.side) == (oscar, "right")


def test_it_refuses_a_physio_assignment_to_a_non_physio(rita, dan, api_as, case):
    response = patch_with_etag(api_as(rita), f"{URL}{case.pk}/", {"assigned_physio": dan.pk})

    assert response.status_code == 400
    assert "assigned_physio" in response.json()


def test_it_filters_cases_by_status(dan, api_as):
    open_case = CaseFactory()
    triaged = CaseFactory(status="triaged")

    listed = api_as(dan).get(URL, {"status": "triaged"}).json()["results"]

    assert [c["id"] for c in listed] == [triaged.pk]
    assert open_case.pk not in [c["id"] for c in listed]


def test_it_keeps_the_case_list_to_a_constant_number_of_queries(
    dan, api_as, django_assert_max_num_queries
):
    client = api_as(dan)
    CaseFactory()
    with django_assert_max_num_queries(6):
        client.get(URL)
    for _ in range(30):
        CaseFactory()
    with django_assert_max_num_queries(6):
        assert len(client.get(URL).json()["results"]) == 31


def test_it_writes_a_case_exactly_as_the_declared_fields_would(dan, api_as, paula):
    from rest_framework import serializers

    from clinic.api import CaseSerializer

    case = CaseFactory(assigned_physio=paula, status="triaged")
    case.set_urgency("soon")
    case.save()

    class Declared(CaseSerializer):
        def to_representation(self, instance):
            return serializers.ModelSerializer.to_representation(self, instance)

    body = api_as(dan).get(f"{URL}{case.pk}/").json()

    assert body == dict(Declared(case).data)
    assert body["opened_at"].endswith("Z") and body["urgency"] == "soon"


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/New_York"])
def test_the_list_writes_cases_exactly_as_the_declared_fields_would(
    dan, api_as, paula, settings, zone
):
    """The list reads values() rows and formats them itself: same JSON, in any clinic zone."""
    from rest_framework import serializers

    from clinic.api import CaseSerializer

    settings.TIME_ZONE = zone
    discharged = CaseFactory(assigned_physio=paula, status="discharged", side="right")
    discharged.discharged_at = discharged.opened_at + datetime.timedelta(days=40, seconds=7)
    discharged.save()
    CaseFactory(status="open")

    class Declared(CaseSerializer):
        def to_representation(self, instance):
            return serializers.ModelSerializer.to_representation(self, instance)

    body = api_as(dan).get(URL).json()["results"]
    expected = [dict(Declared(case).data) for case in Case.objects.order_by("-id")]
    assert body == expected
    if zone == "UTC":
        assert body[1]["discharged_at"].endswith("Z")
    else:
        assert not body[1]["discharged_at"].endswith("Z")

"""Recurrence (Fuller 2006): a new case on the same ankle within 12 months of a discharge."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clinic.models import Case
from clinic.recurrence import EarlierCase, months_before, recurrence_of, sides_match
from clinic.services import case_create
from tests.factories import CaseFactory

UTC = datetime.UTC
OPENED = datetime.datetime(2026, 12, 1, 10, tzinfo=UTC)


def discharged(id_: int, side: str, when: datetime.datetime | None) -> EarlierCase:
    return EarlierCase(id=id_, side=side, discharged_at=when)


# --- The pure rule ------------------------------------------------------------------------


def test_it_finds_no_recurrence_for_a_first_case() -> None:
    assert recurrence_of(side="left", opened_at=OPENED, earlier=[]) is None


def test_it_links_a_case_on_the_same_side_exactly_12_months_after_the_discharge() -> None:
    earlier = [discharged(1, "left", datetime.datetime(2025, 12, 1, 10, tzinfo=UTC))]
    assert recurrence_of(side="left", opened_at=OPENED, earlier=earlier) == 1


def test_it_does_not_link_a_discharge_12_months_and_a_second_before() -> None:
    when = datetime.datetime(2025, 12, 1, 9, 59, 59, tzinfo=UTC)
    assert recurrence_of(side="left", opened_at=OPENED, earlier=[discharged(1, "left", when)]) is (
        None
    )


def test_it_does_not_link_the_other_ankle() -> None:
    earlier = [discharged(1, "right", datetime.datetime(2026, 6, 1, tzinfo=UTC))]
    assert recurrence_of(side="left", opened_at=OPENED, earlier=earlier) is None


def test_it_does_not_link_a_case_never_discharged() -> None:
    assert recurrence_of(side="left", opened_at=OPENED, earlier=[discharged(1, "left", None)]) is (
        None
    )


def test_it_links_the_latest_discharge_when_several_match() -> None:
    earlier = [
        discharged(1, "left", datetime.datetime(2026, 2, 1, tzinfo=UTC)),
        discharged(2, "left", datetime.datetime(2026, 9, 1, tzinfo=UTC)),
        discharged(3, "right", datetime.datetime(2026, 11, 1, tzinfo=UTC)),
    ]
    assert recurrence_of(side="left", opened_at=OPENED, earlier=earlier) == 2


@pytest.mark.parametrize(
    ("new", "earlier", "match"),
    [
        ("left", "left", True),
        ("left", "right", False),
        ("both", "right", True),
        ("left", "both", True),
        ("", "left", False),
        ("left", "", False),
    ],
)
def test_it_matches_sides(new: str, earlier: str, match: bool) -> None:
    assert sides_match(new, earlier) is match


def test_it_counts_calendar_months_back_to_the_end_of_a_shorter_month() -> None:
    moment = datetime.datetime(2024, 2, 29, 8, tzinfo=UTC)
    assert months_before(moment, 12) == datetime.datetime(2023, 2, 28, 8, tzinfo=UTC)


# --- Through the services, the API and the case page ---------------------------------------


def discharge(case: Case, days_ago: int) -> None:
    case.status = "discharged"
    case.discharged_at = timezone.now() - datetime.timedelta(days=days_ago)
    case.save(update_fields=["status", "discharged_at"])


def test_it_links_a_new_case_opened_through_the_service(patient):
    earlier = CaseFactory(patient=patient, side="left")
    discharge(earlier, days_ago=100)

    case = case_create(patient=patient, side="left")

    assert case.recurrence_of == earlier


def test_it_links_an_intake_on_the_same_side_and_flags_it_on_the_case_page(
    rita, dan, api_as, patient, client
):
    from tests.triage.test_intake_api import ACHING_ACHILLES

    earlier = CaseFactory(patient=patient, side="left")
    discharge(earlier, days_ago=200)
    other_side = CaseFactory(patient=patient, side="right")
    discharge(other_side, days_ago=10)

    response = api_as(rita).post(
        "/api/v1/intakes/", {"patient": patient.pk, "questionnaire": ACHING_ACHILLES}
    )

    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["case"])
    assert case.recurrence_of == earlier
    client.force_login(dan)
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert "RECURRENCE" in page.content.decode()
    assert f"case #{earlier.pk}" in page.content.decode()


def test_it_does_not_link_a_discharge_more_than_12_months_ago(patient):
    earlier = CaseFactory(patient=patient, side="left")
    discharge(earlier, days_ago=370)

    assert case_create(patient=patient, side="left").recurrence_of is None


def test_it_names_the_earlier_case_only_to_a_physio_who_may_open_it(patient, paula, oscar, client):
    earlier = CaseFactory(patient=patient, side="left", assigned_physio=oscar)
    discharge(earlier, days_ago=30)
    case = case_create(patient=patient, side="left", assigned_physio=paula)
    client.force_login(paula)

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert case.recurrence_of == earlier
    assert "RECURRENCE" in page
    assert "an earlier episode (not on your list)" in page
    assert f"case #{earlier.pk}" not in page

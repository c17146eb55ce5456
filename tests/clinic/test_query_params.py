"""Query parameters: NUL characters, impossible UTC offsets, related ids and page sizes."""

from __future__ import annotations

import pytest

from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db

NUL = "A NUL character (\\u0000) is not allowed."
OFFSET = "The UTC offset must be between -15:59 and +15:59."


def test_it_names_a_nul_character_in_an_api_query_parameter(dan, api_as):
    response = api_as(dan).get("/api/v1/patients/", {"search": "Mar\x00tin"})

    assert response.status_code == 400
    assert response.json() == {"search": [NUL]}


def test_it_names_a_nul_character_in_a_query_parameters_name(dan, api_as):
    response = api_as(dan).get("/api/v1/cases/?st%00atus=open")

    assert response.status_code == 400
    assert response.json() == {"st\x00atus": [NUL]}


def test_it_answers_the_same_to_an_anonymous_caller(api):
    response = api.get("/api/v1/cases/", {"cursor": "\x00"})

    assert response.status_code == 400
    assert response.json() == {"cursor": [NUL]}


@pytest.mark.parametrize("url", ["/patients/", "/reception/"])
def test_it_tells_a_page_search_with_a_nul_character_what_is_wrong(rita, client, url):
    client.force_login(rita)

    response = client.get(url, {"q": "Mar\x00tin"})

    assert response.status_code == 400
    assert "This address cannot be used" in response.content.decode()
    assert "“q”" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/intakes/", "recorded_after"),
        ("/api/v1/cases/", "opened_before"),
        ("/api/v1/examinations/", "examined_after"),
        ("/api/v1/reminders/", "due_before"),
    ],
)
@pytest.mark.parametrize("offset", ["+16:00", "-20:30", "+23:59"])
def test_it_refuses_a_utc_offset_no_clock_has(dan, api_as, url, name, offset):
    response = api_as(dan).get(url, {name: f"2026-03-01T10:00:00{offset}"})

    assert response.status_code == 400
    assert response.json() == {name: [OFFSET]}


def test_it_takes_the_widest_real_offsets(dan, api_as):
    for offset in ("+14:00", "-12:00", "+15:59"):
        response = api_as(dan).get("/api/v1/cases/", {"opened_after": f"2026-03-01T10:00{offset}"})
        assert response.status_code == 200, response.json()


def test_it_refuses_a_date_time_that_leaves_the_calendar_in_utc(dan, api_as):
    response = api_as(dan).get("/api/v1/cases/", {"opened_after": "9999-12-31T23:00:00-05:00"})

    assert response.status_code == 400
    assert response.json() == {"opened_after": ["This date-time is out of range."]}


def test_it_filters_on_an_id_out_of_reach_as_on_one_that_does_not_exist(oscar, api_as, case):
    # Oscar is a physio without this case: Emma (its patient) is outside his reach.
    client = api_as(oscar)

    out_of_reach = client.get("/api/v1/cases/", {"patient": case.patient_id})
    missing = client.get("/api/v1/cases/", {"patient": 999_999})

    assert (out_of_reach.status_code, out_of_reach.json()["results"]) == (200, [])
    assert (missing.status_code, missing.json()["results"]) == (200, [])


def test_it_still_filters_on_a_related_id_within_reach(dan, api_as):
    emma, noah = PatientFactory(), PatientFactory()
    kept = CaseFactory(patient=emma)
    CaseFactory(patient=noah)

    response = api_as(dan).get("/api/v1/cases/", {"patient": emma.pk})

    assert [row["id"] for row in response.json()["results"]] == [kept.pk]


def test_it_refuses_a_related_id_that_is_not_a_whole_number(dan, api_as):
    response = api_as(dan).get("/api/v1/reminders/", {"case": "1.5"})

    assert response.status_code == 400
    assert list(response.json()) == ["case"]


@pytest.mark.parametrize("size", ["null", "true", "-5", "0", "201", "", "1.5", " 5"])
def test_it_refuses_a_page_size_that_is_not_1_to_200(dan, api_as, size):
    response = api_as(dan).get("/api/v1/cases/", {"page_size": size})

    assert response.status_code == 400
    assert response.json() == {"page_size": ["A whole number from 1 to 200."]}


def test_it_takes_a_page_size_from_1_to_200(dan, api_as):
    CaseFactory.create_batch(2)
    client = api_as(dan)

    assert len(client.get("/api/v1/cases/", {"page_size": "1"}).json()["results"]) == 1
    assert len(client.get("/api/v1/cases/", {"page_size": "200"}).json()["results"]) == 2


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/cases/", "opened_before"),
        ("/api/v1/cases/", "patient"),
        ("/api/v1/intakes/", "pathway"),
        ("/api/v1/sessions/", "scheduled_at_after"),
        ("/api/v1/outcomes/", "recorded_at_before"),
        ("/api/v1/patients/", "date_of_birth"),
    ],
)
def test_it_refuses_a_typed_filter_sent_empty(dan, api_as, url, name):
    response = api_as(dan).get(f"{url}?{name}=")

    assert response.status_code == 400
    assert response.json() == {name: ["Give a value, or leave the parameter out."]}


def test_it_takes_an_empty_text_filter_as_no_filter(dan, api_as):
    CaseFactory()

    response = api_as(dan).get("/api/v1/patients/?mrn=")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 1

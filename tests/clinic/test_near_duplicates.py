"""Near-duplicate patients: one normalisation of names, a warning at registration, a search
that ignores accents, letter case, hyphens and commas."""

from __future__ import annotations

import datetime

import pytest

from clinic.models import Patient
from clinic.names import name_compact, name_key, nearby_birth_dates
from clinic.selectors import patients_similar
from tests.factories import PatientFactory

BORN = datetime.date(1988, 4, 7)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Martín", "martin"),
        ("MOREAU, Hugo", "moreau hugo"),
        ("Jean-Pierre  O'Neil", "jean pierre o neil"),
        ("Ærøskøbing", "ærøskøbing"),
        ("Strauß", "strauss"),
        ("", ""),
    ],
)
def test_name_key_normalises_a_name(text, key):
    assert name_key(text) == key


def test_name_compact_ignores_hyphens_and_spaces():
    assert name_compact("Jean-Pierre") == name_compact("jean pierre") == name_compact("Jeanpierre")


def test_nearby_birth_dates_are_one_day_off_or_swapped():
    assert nearby_birth_dates(BORN) == {
        BORN: "same date of birth",
        datetime.date(1988, 4, 6): "date of birth one day apart",
        datetime.date(1988, 4, 8): "date of birth one day apart",
        datetime.date(1988, 7, 4): "day and month swapped",
    }


def test_no_swap_when_the_day_cannot_be_a_month_or_equals_it():
    assert set(nearby_birth_dates(datetime.date(1988, 4, 13))) == {
        datetime.date(1988, 4, 12),
        datetime.date(1988, 4, 13),
        datetime.date(1988, 4, 14),
    }
    assert len(nearby_birth_dates(datetime.date(1988, 5, 5))) == 3


def test_one_day_off_crosses_a_year():
    assert datetime.date(1987, 12, 31) in nearby_birth_dates(datetime.date(1988, 1, 1))


@pytest.fixture
def hugo(db):
    return PatientFactory(given_name="Hugo", family_name="Martín-Moreau", date_of_birth=BORN)


@pytest.mark.parametrize(
    ("given", "family", "born", "reason"),
    [
        ("hugo", "MARTIN MOREAU", BORN, "name spelt differently"),
        ("Hugo", "Martín-Moreau", datetime.date(1988, 4, 8), "date of birth one day apart"),
        ("Hugo", "Martín-Moreau", datetime.date(1988, 7, 4), "day and month swapped"),
        ("Martin-Moreau", "Hugo", BORN, "name spelt differently"),
    ],
)
def test_it_finds_a_near_duplicate(rita, hugo, given, family, born, reason):
    found = patients_similar(rita, given_name=given, family_name=family, date_of_birth=born)

    assert [(f.patient.pk, f.reason) for f in found] == [(hugo.pk, reason)]


@pytest.mark.parametrize(
    ("given", "family", "born"),
    [
        ("Hugo", "Martin", BORN),
        ("Hugo", "Martín-Moreau", datetime.date(1988, 4, 9)),
    ],
)
def test_it_finds_no_near_duplicate_for_another_person(rita, hugo, given, family, born):
    assert patients_similar(rita, given_name=given, family_name=family, date_of_birth=born) == []


NEW = {
    "given_name": "Hugo",
    "family_name": "Martin Moreau",
    "date_of_birth": "1988-04-08",
    "sex": "male",
    "email": "",
    "phone": "",
    "preferred_channel": "none",
}


def test_registration_warns_about_a_near_duplicate(client, rita, hugo):
    client.force_login(rita)

    response = client.post("/reception/patients/new/", NEW)

    assert response.status_code == 200
    assert Patient.objects.count() == 1
    html = response.content.decode()
    assert "This patient may already be registered" in html
    assert hugo.mrn in html
    assert "name spelt differently and date of birth one day apart" in html


def test_reception_can_register_anyway(client, rita, hugo):
    client.force_login(rita)

    response = client.post("/reception/patients/new/", {**NEW, "allow_duplicate": "on"})

    assert response.status_code == 302
    assert Patient.objects.count() == 2


def test_the_exact_duplicate_is_still_refused_by_the_api(api_as, rita, hugo):
    response = api_as(rita).post(
        "/api/v1/patients/",
        {"given_name": "hugo", "family_name": "martín-moreau", "date_of_birth": "1988-04-07"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["match"] == hugo.pk


@pytest.mark.parametrize("term", ["martin", "MOREAU, Hugo", "hugo martin-moreau"])
def test_the_page_search_ignores_accents_case_and_commas(client, rita, hugo, term):
    PatientFactory(given_name="Emma", family_name="Dupont")
    client.force_login(rita)

    response = client.get("/patients/", {"q": term})

    assert [p.pk for p in response.context["patients"]] == [hugo.pk]


def test_the_api_search_ignores_accents(api_as, rita, hugo):
    PatientFactory(given_name="Emma", family_name="Dupont")

    response = api_as(rita).get("/api/v1/patients/", {"search": "MOREAU, hugo"})

    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [hugo.pk]


def test_renaming_keeps_the_search_column(hugo):
    hugo.family_name = "Lefèvre"
    hugo.save(update_fields=["family_name"])

    hugo.refresh_from_db()
    assert hugo.search_name == "hugo lefevre"

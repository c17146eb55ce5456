"""The patient search takes one index per kind of term: an MRN its exact B-tree alone, a name
the trigram index of ``search_name`` alone (no OR of the two), with the same results."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic import selectors
from clinic.names import is_mrn
from tests.factories import CaseFactory, PatientFactory

URL = "/api/v1/patients/"
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram index exists on PostgreSQL only"
)
# The conditions these tests read are PostgreSQL's SQL (UPPER(…::text), LIKE on the ::text
# cast of the trigram index); SQLite's rendering of the same lookups differs.
postgres_sql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the SQL read is PostgreSQL's rendering"
)


@pytest.fixture
def people(db):
    return {
        "hugo": PatientFactory(given_name="Hugo", family_name="Moreau"),
        "emma": PatientFactory(given_name="Emma", family_name="Martín"),
        "lucas": PatientFactory(given_name="Lucas", family_name="Bernard"),
    }


def _search(client, term) -> tuple[list[int], str]:
    """The ids found and the SQL of the query that read the patients, and its conditions."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, {"search": term})
    assert response.status_code == 200
    sql = next(q["sql"] for q in captured if 'FROM "clinic_patient"' in q["sql"])
    return [p["id"] for p in response.json()["results"]], sql


def _where(sql: str) -> str:
    """The patient query's own conditions (after its subqueries in the SELECT list)."""
    return sql.rsplit('FROM "clinic_patient" WHERE', 1)[1]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("T00000018", True),
        ("t00000018", True),
        (" T12345678 ", True),
        ("T0000001", False),
        ("T000000188", False),
        ("Moreau", False),
        ("12345678", False),
    ],
)
def test_it_knows_an_mrn_when_it_sees_one(term, expected):
    assert is_mrn(term) is expected


@postgres_sql
def test_an_mrn_takes_the_exact_path_alone(people, rita, api_as):
    hugo = people["hugo"]

    found, sql = _search(api_as(rita), hugo.mrn.lower())

    assert found == [hugo.pk]
    assert 'UPPER("clinic_patient"."mrn"::text) = UPPER(' in _where(sql)
    assert "search_name" not in _where(sql)


@postgres_sql
@pytest.mark.parametrize(
    ("term", "who"), [("martin", "emma"), ("MOREAU, Hugo", "hugo"), ("mor", "hugo")]
)
def test_a_name_takes_the_name_path_alone_and_finds_the_same(people, rita, api_as, term, who):
    found, sql = _search(api_as(rita), term)

    assert found == [people[who].pk]
    assert '"search_name"::text LIKE' in _where(sql)
    assert '"mrn"' not in _where(sql)


@postgres_sql
def test_the_pages_search_takes_the_same_paths(people, dan):
    hugo = people["hugo"]

    by_mrn = selectors.patient_search(selectors.patients_visible_to(dan), hugo.mrn)
    by_name = selectors.patient_search(selectors.patients_visible_to(dan), "MOREAU, Hugo")

    assert list(by_mrn) == [hugo] and list(by_name) == [hugo]
    mrn_sql, name_sql = str(by_mrn.query), str(by_name.query)
    assert "UPPER(" in mrn_sql and "LIKE" not in mrn_sql
    assert "LIKE" in name_sql and "UPPER(" not in name_sql


def test_the_cases_search_takes_the_mrn_path_too(people, dan, api_as):
    case = CaseFactory(patient=people["hugo"])
    CaseFactory(patient=people["emma"])

    with CaptureQueriesContext(connection) as captured:
        body = api_as(dan).get("/api/v1/cases/", {"search": people["hugo"].mrn}).json()

    assert [c["id"] for c in body["results"]] == [case.pk]
    sql = next(q["sql"] for q in captured if 'FROM "clinic_case"' in q["sql"])
    assert "search_name" not in sql


@postgres_only
@pytest.mark.parametrize(
    ("term", "index"), [("T00000018", "patient_mrn_upper"), ("moreau", "patient_search_name_trgm")]
)
def test_postgresql_serves_each_path_from_its_index(people, rita, api_as, term, index):
    """With whole-table reads priced out (a handful of test rows would be read whole, or in
    primary-key order for the LIMIT), the plan reads the one index of the path, and no
    BitmapOr of two."""
    _, sql = _search(api_as(rita), term)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert index in plan
    assert "BitmapOr" not in plan
